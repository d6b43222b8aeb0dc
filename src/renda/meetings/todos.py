"""Workbench to-dos: leave requests to decide (staff), open polls and unread papers (members)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renda.core.models import User
from renda.core.todos import Todo
from renda.meetings.models import Meeting, MeetingStatus, Paper, Participant, PollStatus, PollVoter
from renda.meetings.selectors import pending_leave_requests


def meeting_todos(user: User) -> list[Todo]:
    items: list[Todo] = []
    if user.has_perm("meetings.create_meeting"):
        for lr in pending_leave_requests(user=user)[:20]:
            items.append(
                Todo(
                    _("Leave request of %(name)s: %(meeting)s")
                    % {"name": lr.participant.person.name, "meeting": lr.sitting.meeting.title},
                    reverse("meetings:console", args=[lr.sitting.meeting_id]),
                    _("Leave request"),
                    congress=lr.congress.name if hasattr(lr, "congress") else "",
                )
            )
    today = timezone.localdate()
    parts = (
        Participant.objects.filter(person__user=user, meeting__end_date__gte=today - dt.timedelta(days=365))
        .exclude(meeting__status=MeetingStatus.CLOSED)
        .select_related("meeting")
    )
    for p in parts[:10]:
        meeting: Meeting = p.meeting
        url = reverse("meetings:member", args=[meeting.pk])
        open_polls = meeting.polls.filter(status=PollStatus.OPEN).exclude(
            pk__in=PollVoter.objects.filter(participant=p).values("poll_id")
        )
        for poll in open_polls:
            items.append(Todo(_("Vote: %(title)s") % {"title": poll.title}, url, _("Vote"), due=today))
        unread = Paper.objects.filter(item__meeting=meeting).exclude(reads__participant=p).count()
        if unread:
            items.append(
                Todo(
                    _("%(n)s unread papers for %(meeting)s") % {"n": unread, "meeting": meeting.title},
                    url,
                    _("Meeting papers"),
                    due=meeting.start_date,
                )
            )
    return items
