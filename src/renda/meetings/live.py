"""Live events over the channel layer, and the meeting's live state shared by every member's page.

Services call ``broadcast_on_commit`` inside their transaction: it changes the meeting's live stamp
(``Meeting.live_version``) and, after commit, computes the meeting's public state ONCE, serialises it ONCE and sends ONE
message to the meeting's group (each page forwards the text as it is).

``member_base`` keeps, per process, the public state of a meeting as built for a stamp. It is a
pure optimisation: the stamp lives in the database and changes in the same transaction as the
change, a copy is used only while its stamp equals the database's, and another worker never
depends on it.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
from dataclasses import dataclass
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import Case, F, When
from django.utils import timezone


def meeting_group(meeting_id: int) -> str:
    return f"meeting.{meeting_id}"


def monitor_group(meeting_id: int) -> str:
    """Hall screens and staff consoles: they also receive attendance and voting progress."""
    return f"meeting.{meeting_id}.monitor"


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        async_to_sync(layer.group_send)(group, message)
        return
    # This thread runs an event loop of its own (a script or test driving a browser): send from a helper.
    helper = threading.Thread(target=async_to_sync(layer.group_send), args=(group, message))
    helper.start()
    helper.join()


def countdown_of(state: dict[str, Any]) -> tuple[int, str] | None:
    """(poll id, closes at) when the state shows an open poll with a countdown."""
    poll = state.get("poll") or {}
    if poll.get("status") == "open" and poll.get("closes_at"):
        return int(poll["id"]), str(poll["closes_at"])
    return None


def broadcast_on_commit(meeting_id: int, *, event: str) -> None:
    """Inside the service's transaction: a new live stamp; after commit, the recomputed public
    state to every page of the meeting, built and serialised once."""
    from renda.meetings.models import LIVE_STAMP_RANGE, Meeting

    # Random and never the previous value: old stamp + a step in [1, range), modulo the range
    # (written as a wrap-around so that no intermediate value overflows a 32-bit column).
    step = 1 + secrets.randbelow(LIVE_STAMP_RANGE - 1)
    wrap = LIVE_STAMP_RANGE - step
    Meeting.objects.filter(pk=meeting_id).update(
        live_version=Case(
            When(live_version__gte=wrap, then=F("live_version") - wrap),
            default=F("live_version") + step,
        )
    )

    def send() -> None:
        from renda.meetings.selectors import meeting_public_state

        state = meeting_public_state(meeting_id=meeting_id)
        text = dumps({"type": "state", "event": event, "state": state})
        _send(
            meeting_group(meeting_id),
            {"type": "meeting.state", "text": text, "countdown": countdown_of(state)},
        )

    transaction.on_commit(send)


def monitor_on_commit(meeting_id: int, *, event: str) -> None:
    """After commit, ask screens and consoles to refresh their counters from the database."""
    transaction.on_commit(
        lambda: _send(monitor_group(meeting_id), {"type": "monitor.refresh", "event": event})
    )


# --- the member page's state, shared by all members -----------------------------------------


@dataclass(frozen=True)
class MemberBase:
    """The public state without counters as of stamp ``version``, and its JSON without the closing
    brace, so a member's message is the shared text plus their own small part."""

    version: int
    sitting_id: int | None
    poll_id: int | None
    countdown: tuple[int, str] | None
    head: str


_BASES: dict[int, MemberBase] = {}


def member_base(meeting_id: int, *, version: int | None = None) -> MemberBase | None:
    """The shared part of a member's state: this process's copy when its stamp is ``version`` (the
    stamp the caller read from the database; None: any copy, for its ids), else rebuilt."""
    cached = _BASES.get(meeting_id)
    if cached is not None and (version is None or cached.version == version):
        return cached
    from renda.meetings.models import Meeting
    from renda.meetings.selectors import meeting_public_state

    # Stamp first, state after: the state is at least as new as the stamp it is kept under, and a
    # change in between gives the copy an old stamp, so it is rebuilt at the next use.
    stamp = Meeting.objects.filter(pk=meeting_id).values_list("live_version", flat=True).first()
    if stamp is None:
        return None
    state = meeting_public_state(meeting_id=meeting_id, counters=False)
    state.pop("server_time", None)
    base = MemberBase(
        version=stamp,
        sitting_id=(state.get("sitting") or {}).get("id"),
        poll_id=(state.get("poll") or {}).get("id"),
        countdown=countdown_of(state),
        head=dumps(state)[:-1],
    )
    _BASES[meeting_id] = base
    return base


def member_message(base: MemberBase, me: dict[str, Any], *, event: str) -> str:
    """``{"type": "state", "event": ..., "state": {...shared..., "me": ..., "server_time": ...}}``
    without serialising the shared part again."""
    now = timezone.now().isoformat()
    return (
        f'{{"type":"state","event":{dumps(event)},"state":{base.head},'
        f'"me":{dumps(me)},"server_time":{dumps(now)}}}}}'
    )
