"""JSON API under /api/v1/meetings/: meetings, live state, casting (idempotent), receipts and the
staff actions. Handlers check permissions and call one service or selector."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from renda.core.permissions import check
from renda.meetings import selectors, services
from renda.meetings.models import Meeting, Poll
from renda.meetings.views import _actor

router = Router(tags=["meetings"])


class MeetingOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    congress: str
    start_date: dt.date
    end_date: dt.date
    status: str


class CastIn(Schema):
    choice: dict[str, Any]
    idempotency_key: str


class CastOut(Schema):
    receipt: str
    replayed: bool


class VerifyOut(Schema):
    poll: int
    code: str
    counted: bool


class ReceiptsOut(Schema):
    poll: int
    receipts: list[str]


def _meeting_out(m: Meeting) -> MeetingOut:
    return MeetingOut(
        id=m.pk,
        title=m.title,
        kind=m.kind,
        kind_label=str(m.get_kind_display()),
        congress=m.congress.name,
        start_date=m.start_date,
        end_date=m.end_date,
        status=m.status,
    )


@router.get("/", response=list[MeetingOut], summary="Meetings the caller may see or takes part in")
def meeting_list(request: HttpRequest) -> list[MeetingOut]:
    check(request, "meetings.view_meetings")
    return [_meeting_out(m) for m in selectors.meeting_list(user=_actor(request))[:200]]


@router.get(
    "/{meeting_id}",
    response=dict[str, Any],
    summary="Meeting detail: current item, sitting, attendance counts, quorum, current poll",
)
def meeting_detail(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    check(request, "meetings.view_meeting", meeting)
    state = selectors.meeting_public_state(meeting_id=meeting.pk)
    state["meeting"].update(_meeting_out(meeting).dict())
    return state


@router.get(
    "/{meeting_id}/me",
    response=dict[str, Any],
    summary="The calling member's view: the open poll, whether they voted, their receipt",
)
def member_view(request: HttpRequest, meeting_id: int) -> dict[str, Any]:
    meeting = get_object_or_404(Meeting, pk=meeting_id)
    check(request, "meetings.vote", meeting)
    participant = selectors.participant_of(user=_actor(request), meeting=meeting)
    return selectors.member_state(meeting=meeting, participant=participant)


def _poll(request: HttpRequest, poll_id: int, perm: str) -> Poll:
    poll = get_object_or_404(Poll.objects.select_related("meeting"), pk=poll_id)
    check(request, perm, poll.meeting)
    return poll


@router.post(
    "/polls/{poll_id}/cast",
    response=CastOut,
    summary="Cast a ballot. Retrying with the same idempotency key returns the same receipt.",
)
def cast(request: HttpRequest, poll_id: int, payload: CastIn) -> CastOut:
    poll = _poll(request, poll_id, "meetings.vote")
    participant = selectors.participant_of(user=_actor(request), meeting=poll.meeting_id)
    if participant is None:
        raise ValidationError("您不是本次会议的组成人员。")
    receipt = services.ballot_cast(
        actor=_actor(request),
        poll_id=poll.pk,
        participant=participant,
        choice=payload.choice,
        idempotency_key=payload.idempotency_key,
    )
    return CastOut(receipt=receipt.receipt, replayed=receipt.replayed)


@router.get("/polls/{poll_id}/receipts", response=ReceiptsOut, summary="Receipt codes counted (after close)")
def receipts(request: HttpRequest, poll_id: int) -> ReceiptsOut:
    poll = _poll(request, poll_id, "meetings.view_meeting")
    return ReceiptsOut(poll=poll.pk, receipts=selectors.receipts_published(poll=poll))


@router.get("/polls/{poll_id}/receipts/verify", response=VerifyOut, summary="Was this receipt counted?")
def verify(request: HttpRequest, poll_id: int, code: str) -> VerifyOut:
    poll = _poll(request, poll_id, "meetings.view_meeting")
    return VerifyOut(poll=poll.pk, code=code, counted=selectors.receipt_verify(poll=poll, code=code))


@router.post("/polls/{poll_id}/open", response=dict[str, Any], summary="Staff: open a draft poll")
def poll_open(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    poll = services.poll_open(actor=_actor(request), poll=_poll(request, poll_id, "meetings.run_meeting"))
    return selectors.poll_public(poll)


@router.post(
    "/polls/{poll_id}/close", response=dict[str, Any], summary="Staff: close an open poll and count it"
)
def poll_close(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    poll = services.poll_close(actor=_actor(request), poll=_poll(request, poll_id, "meetings.run_meeting"))
    return selectors.poll_public(poll)


@router.post("/polls/{poll_id}/announce", response=dict[str, Any], summary="Staff: announce a closed poll")
def poll_announce(request: HttpRequest, poll_id: int) -> dict[str, Any]:
    poll = services.poll_announce(actor=_actor(request), poll=_poll(request, poll_id, "meetings.run_meeting"))
    return selectors.poll_public(poll)
