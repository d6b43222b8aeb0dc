"""Permissions of the meetings app (django-rules)."""

from typing import Any

import rules

from renda.core.rules import is_internal, is_leader, is_office_staff, object_in_scope


def _meeting_id(obj: Any) -> int | None:
    if obj is None:
        return None
    return getattr(obj, "meeting_id", None) or getattr(obj, "pk", None)


@rules.predicate
def is_participant(user: Any, obj: Any) -> bool:
    """The user takes part in the meeting (voting member or attendee)."""
    meeting_id = _meeting_id(obj)
    if meeting_id is None or not user.is_authenticated:
        return False
    from renda.meetings.models import Participant

    return Participant.objects.filter(meeting_id=meeting_id, person__user=user).exists()


can_run = is_office_staff & object_in_scope

rules.add_perm("meetings.view_meetings", is_internal)
rules.add_perm("meetings.view_meeting", ((is_office_staff | is_leader) & object_in_scope) | is_participant)
rules.add_perm("meetings.run_meeting", can_run)
rules.add_perm("meetings.create_meeting", is_office_staff)
rules.add_perm("meetings.vote", is_participant)
rules.add_perm("meetings.view_screen", ((is_office_staff | is_leader) & object_in_scope) | is_participant)
rules.add_perm("meetings.view_recorded_votes", can_run)
