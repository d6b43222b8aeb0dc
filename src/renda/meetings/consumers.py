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
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from renda.meetings import live, selectors, services
from renda.meetings.models import Meeting, Participant, PollStatus

VIEWS = ("member", "screen", "console")
PROGRESS_INTERVAL = 0.5

# Casts are group-committed: a writer task per process takes every cast waiting in its queue and
# writes them in one short transaction on its own thread, then acknowledges each. Under load a
# batch grows; alone, a cast is written at once.
CAST_POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cast")
MAX_BATCH = 500


def _keep_connection() -> None:
    """The cast thread keeps its connection open: reconnecting per batch costs more than the
    batch (on SQLite, closing the last connection checkpoints the WAL). A broken one is replaced."""
    if connection.connection is not None and connection.errors_occurred and not connection.is_usable():
        connection.close()


def _write_batch(requests: list[services.CastRequest]) -> list[services.CastOutcome]:
    _keep_connection()
    try:
        return services.ballot_cast_many(requests=requests)
    finally:
        _keep_connection()


write_batch = sync_to_async(_write_batch, thread_sensitive=False, executor=CAST_POOL)


class CastBatcher:
    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[services.CastRequest, asyncio.Future[services.CastOutcome]]] = (
            asyncio.Queue()
        )
        self.task = asyncio.ensure_future(self.run())

    async def submit(self, request: services.CastRequest) -> services.CastOutcome:
        future: asyncio.Future[services.CastOutcome] = asyncio.get_running_loop().create_future()
        await self.queue.put((request, future))
        return await future

    async def run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            while not self.queue.empty() and len(batch) < MAX_BATCH:
                batch.append(self.queue.get_nowait())
            try:
                outcomes = await write_batch([r for r, _f in batch])
            except Exception as exc:  # noqa: BLE001 - every waiting member gets an answer
                outcomes = [ValidationError(str(exc))] * len(batch)
            for (_r, future), outcome in zip(batch, outcomes, strict=True):
                if not future.done():
                    future.set_result(outcome)


_BATCHERS: dict[asyncio.AbstractEventLoop, CastBatcher] = {}


def batcher() -> CastBatcher:
    loop = asyncio.get_running_loop()
    if loop not in _BATCHERS:
        _BATCHERS[loop] = CastBatcher()
    return _BATCHERS[loop]


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
        state = None
        if self.view in VIEWS and user is not None and user.is_authenticated:
            state = await self._allowed_state(user)
        if state is None:
            await self.close(code=4403)
            return
        await self.channel_layer.group_add(live.meeting_group(self.meeting_id), self.channel_name)
        if self.view != "member":
            await self.channel_layer.group_add(live.monitor_group(self.meeting_id), self.channel_name)
        await self.accept()
        await self.send_json({"type": "state", "event": "connect", "state": state})
        if self.view != "member":
            self.ticker = asyncio.ensure_future(self._tick())

    @database_sync_to_async
    def _allowed_state(self, user: Any) -> dict[str, Any] | None:
        """Permission and the whole state in one trip to the database thread."""
        meeting = Meeting.objects.filter(pk=self.meeting_id).first()
        if meeting is None:
            return None
        if self.view == "member":
            self.participant = selectors.participant_of(user=user, meeting=meeting)
            if self.participant is None:
                return None
            return selectors.member_state(meeting=meeting, participant=self.participant)
        perm = "meetings.run_meeting" if self.view == "console" else "meetings.view_screen"
        if not user.has_perm(perm, meeting):
            return None
        return selectors.meeting_public_state(meeting_id=self.meeting_id)

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
            key = str(content.get("key", ""))[:64]
            outcome = await batcher().submit(
                services.CastRequest(self.scope["user"], poll_id, self.participant, choice, key)
            )
            if isinstance(outcome, services.CastReceipt):
                await self.send_json(
                    {
                        "type": "ack",
                        "key": key,
                        "poll": poll_id,
                        "receipt": outcome.receipt,
                        "replayed": outcome.replayed,
                    }
                )
            else:
                await self.send_json(
                    {"type": "error", "key": key, "poll": poll_id, "message": " ".join(outcome.messages)}
                )
        else:
            await self.send_json({"type": "error", "message": str(_("The request was not understood."))})

    async def meeting_state(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "state", "event": event["event"], "state": event["state"]})
        if self.view != "member":
            self.dirty = True

    async def monitor_refresh(self, event: dict[str, Any]) -> None:
        self.dirty = True
