from renda.meetings.routing import websocket_urlpatterns as meetings_ws

websocket_urlpatterns = [*meetings_ws]
