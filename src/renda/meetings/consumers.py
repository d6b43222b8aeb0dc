"""WebSocket consumer of the live views: a member's page, the hall screen (大屏) and the staff console.

On (re)connect a page receives its whole state recomputed from the database; afterwards it gets the
meeting's public state on every change (computed once per change, see ``live``). Members cast over
the socket: the ballot is committed in one short transaction before the acknowledgement is sent.
Screens and consoles poll the vote count twice a second while a poll is open, so casting sends
nothing to anyone but the voter.
"""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections
from django.utils.translation import gettext as _

from renda.meetings import live, selectors, services
from renda.meetings.models import Meeting, Participant, PollStatus

VIEWS = ("member", "screen", "console")
PROGRESS_INTERVAL = 0.5

# Casts run on their own pool so they never queue behind page reads; SQLite has one writer.
_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
CAST_POOL = ThreadPoolExecutor(max_workers=1 if _SQLITE else 8, thread_name_prefix="cast")


def _cast_in_pool(
    user: Any, poll_id: int, participant: Participant, choice: dict[str, Any], key: str
) -> dict[str, Any]:
    close_old_connections()
    try:
        receipt = services.ballot_cast(
            actor=user, poll_id=poll_id, participant=participant, choice=choice, idempotency_key=key
        )
        return {
            "type": "ack",
            "key": key,
            "poll": poll_id,
            "receipt": receipt.receipt,
            "replayed": receipt.replayed,
        }
    except ValidationError as exc:
        return {"type": "error", "key": key, "poll": poll_id, "message": " ".join(exc.messages)}
    finally:
        close_old_connections()


cast = sync_to_async(_cast_in_pool, thread_sensitive=False, executor=CAST_POOL)


class MeetingConsumer(AsyncJsonWebsocketConsumer):
    meeting_id: int
    view: str
    participant: Participant | None = None
    ticker: asyncio.Task[None] | None = None
    last_progress: dict[str, Any] | None = None
    dirty: bool = True

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        self.meeting_id, self.view = int(kwargs["meeting_id"]), kwargs["view"]
        user = self.scope.get("user")
        if (
            self.view not in VIEWS
            or user is None
            or not user.is_authenticated
            or not await self._allowed(user)
        ):
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(live.meeting_group(self.meeting_id), self.channel_name)
        if self.view != "member":
            await self.channel_layer.group_add(live.monitor_group(self.meeting_id), self.channel_name)
        await self.accept()
        await self.send_json({"type": "state", "event": "connect", "state": await self._state()})
        if self.view != "member":
            self.ticker = asyncio.ensure_future(self._tick())

    @database_sync_to_async
    def _allowed(self, user: Any) -> bool:
        meeting = Meeting.objects.filter(pk=self.meeting_id).first()
        if meeting is None:
            return False
        if self.view == "member":
            self.participant = selectors.participant_of(user=user, meeting=meeting)
            return self.participant is not None
        perm = "meetings.run_meeting" if self.view == "console" else "meetings.view_screen"
        return bool(user.has_perm(perm, meeting))

    @database_sync_to_async
    def _state(self) -> dict[str, Any]:
        meeting = Meeting.objects.get(pk=self.meeting_id)
        if self.view == "member":
            return selectors.member_state(meeting=meeting, participant=self.participant)
        return selectors.meeting_public_state(meeting_id=self.meeting_id)

    @database_sync_to_async
    def _progress(self) -> dict[str, Any] | None:
        meeting = Meeting.objects.get(pk=self.meeting_id)
        sitting = selectors.current_sitting(meeting=meeting)
        poll = meeting.polls.filter(status=PollStatus.OPEN).only("pk", "entitled").first()
        return {
            "attendance": selectors.attendance_counts(sitting=sitting).as_dict() if sitting else None,
            "poll": {"id": poll.pk, "voted": selectors.voted_count(poll=poll), "entitled": poll.entitled}
            if poll
            else None,
        }

    async def _tick(self) -> None:
        """While a poll is open (or after a nudge), refresh the counters from the database."""
        self.dirty = True
        while True:
            if self.dirty or (self.last_progress or {}).get("poll"):
                self.dirty = False
                progress = await self._progress()
                if progress != self.last_progress:
                    self.last_progress = progress
                    await self.send_json({"type": "progress", **(progress or {})})
            await asyncio.sleep(PROGRESS_INTERVAL)

    async def disconnect(self, code: int) -> None:
        if self.ticker is not None:
            self.ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.ticker
        if hasattr(self, "meeting_id"):
            await self.channel_layer.group_discard(live.meeting_group(self.meeting_id), self.channel_name)
            await self.channel_layer.group_discard(live.monitor_group(self.meeting_id), self.channel_name)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        action = content.get("action")
        if action == "state":
            await self.send_json({"type": "state", "event": "refresh", "state": await self._state()})
        elif action == "cast" and self.view == "member" and self.participant is not None:
            try:
                poll_id = int(content.get("poll", 0))
            except (TypeError, ValueError):
                poll_id = 0
            raw = content.get("choice")
            choice: dict[str, Any] = raw if isinstance(raw, dict) else {}
            await self.send_json(
                await cast(self.scope["user"], poll_id, self.participant, choice, str(content.get("key", "")))
            )
        else:
            await self.send_json({"type": "error", "message": str(_("The request was not understood."))})

    async def meeting_state(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "state", "event": event["event"], "state": event["state"]})
        if self.view != "member":
            self.dirty = True

    async def monitor_refresh(self, event: dict[str, Any]) -> None:
        self.dirty = True
