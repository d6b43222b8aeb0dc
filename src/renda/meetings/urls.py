from django.urls import URLPattern, path

from renda.meetings import views

app_name = "meetings"

urlpatterns: list[URLPattern] = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("<int:meeting_id>/", views.meeting_open, name="open"),
    path("<int:meeting_id>/console/", views.console, name="console"),
    path("<int:meeting_id>/console/<slug:action>/", views.staff_action, name="staff_action"),
    path("<int:meeting_id>/member/", views.member, name="member"),
    path("<int:meeting_id>/member/<slug:action>/", views.member_action, name="member_action"),
    path("<int:meeting_id>/screen/", views.screen, name="screen"),
    path("papers/<int:paper_id>/", views.paper_open, name="paper_open"),
    path("polls/<int:poll_id>/receipts/", views.receipts, name="receipts"),
    path("polls/<int:poll_id>/result.xlsx", views.export_poll, name="export_poll"),
    path("polls/<int:poll_id>/announcement.docx", views.poll_announcement, name="announcement"),
    path("sittings/<int:sitting_id>/attendance.xlsx", views.export_attendance, name="export_attendance"),
]
