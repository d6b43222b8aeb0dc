from django.urls import URLPattern, path

from renda.meetings.consumers import MeetingConsumer

websocket_urlpatterns: list[URLPattern] = [
    path("ws/meetings/<int:meeting_id>/<str:view>/", MeetingConsumer.as_asgi()),
]
