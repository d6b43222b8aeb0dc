"""WebSocket consumer of the live views: a member's page, the hall screen (大屏) and the staff console.

On (re)connect a page receives its whole state from the database; a member's costs one query
(participant, live version, check-in and receipt together) on top of the shared part, which each
process builds once per live version (``live.member_base``). Afterwards every page gets the
meeting's public state on every change as ONE pre-serialised text. Members cast over the socket:
the ballot is committed in one short transaction before the acknowledgement is sent. Screens and
consoles poll the vote count twice a second while a poll is open, so casting sends nothing to
anyone but the voter.

Database work never runs on the event loop, and never on Django's single "sync" thread (which
serves every synchronous HTTP view): reads go to a small pool of threads with a kept connection
each, casts to the group-commit writer's own thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import sync_to_async
from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from renda.meetings import live, selectors, services
from renda.meetings.models import Meeting, Participant, PollStatus

log = logging.getLogger(__name__)

VIEWS = ("member", "screen", "console")
PROGRESS_INTERVAL = 0.5

P = ParamSpec("P")
R = TypeVar("R")

# Casts are group-committed: a writer task per process takes every cast waiting in its queue and
# writes them in one short transaction on its own thread, then acknowledges each. Under load a
# batch grows; alone, a cast is written at once.
CAST_THREADS = 1
CAST_POOL = ThreadPoolExecutor(max_workers=CAST_THREADS, thread_name_prefix="cast")
MAX_BATCH = 500
# Reads of the live pages (connect, refresh, counters, countdown close): a few threads, each with
# its own kept connection, so thousands of connects neither block the loop nor queue behind HTTP.
READ_THREADS = 4
READ_POOL = ThreadPoolExecutor(max_workers=READ_THREADS, thread_name_prefix="live-db")


def _keep_connection() -> None:
    """Pool threads keep their connection open: reconnecting per call costs more than the call
    (on SQLite, closing the last connection checkpoints the WAL). A broken one is replaced."""
    if connection.connection is not None and connection.errors_occurred and not connection.is_usable():
        connection.close()


def close_pool_connections() -> None:
    """Close the pools' kept connections (a test server's shutdown: the test database cannot be
    dropped while they are open). Each pool gets one task per thread, held at a barrier so no
    thread takes two."""
    for pool, size in ((CAST_POOL, CAST_THREADS), (READ_POOL, READ_THREADS)):
        barrier = threading.Barrier(size)

        def close(barrier: threading.Barrier = barrier) -> None:
            barrier.wait(timeout=10)
            connection.close()

        for future in [pool.submit(close) for _thread in range(size)]:
            future.result(timeout=15)


def _on(executor: ThreadPoolExecutor, fn: Callable[P, R]) -> Callable[P, Any]:
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        _keep_connection()
        try:
            return fn(*args, **kwargs)
        finally:
            _keep_connection()

    return sync_to_async(run, thread_sensitive=False, executor=executor)


def _write_batch(requests: list[services.CastRequest]) -> list[services.CastOutcome]:
    return services.ballot_cast_many(requests=requests)


write_batch = _on(CAST_POOL, _write_batch)


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


# --- reads, on the read pool --------------------------------------------------------------------


def _member_text(meeting_id: int, user_id: int, event: str) -> tuple[Participant, str, Any] | None:
    """The member's whole state as the text to send: the shared part this process holds (rebuilt
    when the database's live stamp differs) and the member's own part in one query."""
    base = live.member_base(meeting_id)
    if base is None:
        return None
    found = selectors.member_connect(
        user_id=user_id, meeting_id=meeting_id, sitting_id=base.sitting_id, poll_id=base.poll_id
    )
    if found is not None and found.version != base.version:
        fresh = live.member_base(meeting_id, version=found.version)
        if fresh is None:
            return None
        base = fresh
        # The member's part again, for the sitting and poll of the state now held (at least as new
        # as what the first query saw).
        found = selectors.member_connect(
            user_id=user_id, meeting_id=meeting_id, sitting_id=base.sitting_id, poll_id=base.poll_id
        )
    if found is None:
        return None
    return found.participant, live.member_message(base, found.me, event=event), base.countdown


def _monitor_text(meeting_id: int, user: Any, view: str, event: str) -> tuple[str, Any] | None:
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    perm = "meetings.run_meeting" if view == "console" else "meetings.view_screen"
    if meeting is None or not user.has_perm(perm, meeting):
        return None
    state = selectors.meeting_public_state(meeting_id=meeting_id)
    return live.dumps({"type": "state", "event": event, "state": state}), live.countdown_of(state)


def _progress(meeting_id: int) -> dict[str, Any]:
    meeting = Meeting.objects.get(pk=meeting_id)
    sitting = selectors.current_sitting(meeting=meeting)
    poll = meeting.polls.filter(status=PollStatus.OPEN).only("pk", "entitled").first()
    return {
        "attendance": selectors.attendance_counts(sitting=sitting).as_dict() if sitting else None,
        "poll": {"id": poll.pk, "voted": selectors.voted_count(poll=poll), "entitled": poll.entitled}
        if poll
        else None,
    }


member_text = _on(READ_POOL, _member_text)
monitor_text = _on(READ_POOL, _monitor_text)
progress = _on(READ_POOL, _progress)
close_expired = _on(READ_POOL, services.poll_close_expired)


# --- countdown: the poll closes itself when its time is up ---------------------------------------

# Per process and event loop: one timer per poll with a countdown. Any process whose pages see the
# countdown sets one; the close is a no-op for all but the first (``poll_close_expired`` locks the
# poll and checks its state), and a page that connects later sets it again, so nothing here must
# survive a restart.
_TIMERS: dict[tuple[asyncio.AbstractEventLoop, int], str] = {}
GRACE = 0.3  # seconds after closes_at: casts already on their way are judged by the database


def watch_countdown(countdown: tuple[int, str] | None) -> None:
    if countdown is None:
        return
    poll_id, closes_at = countdown
    loop = asyncio.get_running_loop()
    if _TIMERS.get((loop, poll_id)) == closes_at:
        return
    _TIMERS[(loop, poll_id)] = closes_at
    delay = (dt.datetime.fromisoformat(closes_at) - timezone.now()).total_seconds() + GRACE
    loop.call_later(max(delay, 0), lambda: asyncio.ensure_future(_close_when_due(loop, poll_id, closes_at)))


async def _close_when_due(loop: asyncio.AbstractEventLoop, poll_id: int, closes_at: str) -> None:
    if _TIMERS.get((loop, poll_id)) != closes_at:
        return  # reopened with another countdown: its own timer decides
    try:
        await close_expired(poll_id=poll_id)
    except Exception:  # a later page or request tries again
        log.exception("closing poll %s at the end of its countdown failed", poll_id)
    finally:
        if _TIMERS.get((loop, poll_id)) == closes_at:
            del _TIMERS[(loop, poll_id)]


# --- garbage collection in a process that serves a hall ------------------------------------------

# Thousands of open pages keep hundreds of thousands of objects alive in one process; with
# Python's default thresholds a full collection then ran every few seconds and stopped the event
# loop for 0.3–2 s (measured with gc.callbacks during the benchmark), which was the whole tail of
# the acknowledgement times. Reference counting frees almost everything here; the cyclic
# collector may run far less often, and never again over what was loaded at start-up.
GC_THRESHOLDS = (10_000, 20, 100)
_gc_tuned = False


def tune_gc() -> None:
    global _gc_tuned
    if _gc_tuned:
        return
    _gc_tuned = True
    gc.collect()
    gc.freeze()  # Django, the apps and their modules: never garbage, never scanned again
    gc.set_threshold(*GC_THRESHOLDS)


# --- one subscription per process and meeting ---------------------------------------------------


class MeetingHub:
    """Per process (event loop) and meeting: ONE channel in the meeting's group, whatever the number
    of pages open here. A broadcast reaches the process once and is written to each page in a
    plain loop: no per-page channel-layer message, task or dispatch, and no per-page group entry
    (with Redis, a connect or disconnect costs no round trip). Routing only: what a page shows
    always comes from the database."""

    REJOIN = 600.0  # seconds; renews the membership well within the layer's group_expiry
    YIELD_EVERY = 250  # pages written before letting casts and other pages run

    def __init__(self, meeting_id: int, layer: Any) -> None:
        self.meeting_id = meeting_id
        self.layer = layer
        self.pages: set[MeetingConsumer] = set()
        self.started = asyncio.get_running_loop().create_future()
        self.task = asyncio.ensure_future(self.run())

    async def run(self) -> None:
        group = live.meeting_group(self.meeting_id)
        channel = await self.layer.new_channel()
        try:
            await self.layer.group_add(group, channel)
            self.started.set_result(None)
            while True:
                try:
                    message = await asyncio.wait_for(self.layer.receive(channel), self.REJOIN)
                except TimeoutError:
                    await self.layer.group_add(group, channel)
                    continue
                if message.get("type") == "meeting.state":
                    await self.deliver(message)
        except Exception as exc:
            if not self.started.done():
                self.started.set_exception(exc)
            raise
        finally:
            await self.layer.group_discard(group, channel)

    async def deliver(self, message: dict[str, Any]) -> None:
        text = message["text"]
        for i, page in enumerate(list(self.pages), start=1):
            page.push(text)
            if i % self.YIELD_EVERY == 0:
                await asyncio.sleep(0)
        watch_countdown(message.get("countdown"))


_HUBS: dict[tuple[asyncio.AbstractEventLoop, int], MeetingHub] = {}


async def hub_join(page: MeetingConsumer) -> MeetingHub:
    loop = asyncio.get_running_loop()
    hub = _HUBS.get((loop, page.meeting_id))
    if hub is None or hub.task.done():
        hub = _HUBS[(loop, page.meeting_id)] = MeetingHub(page.meeting_id, page.channel_layer)
    hub.pages.add(page)
    await asyncio.shield(hub.started)
    return hub


async def _finish(coro: Any, waiting: Any) -> None:
    """Drive a coroutine that already ran up to its first suspension (see ``push``)."""
    while True:
        try:
            await waiting
        except BaseException as exc:  # noqa: BLE001 - handed to the coroutine, as a task would
            try:
                waiting = coro.throw(exc)
            except (StopIteration, Exception):
                return
            continue
        try:
            waiting = coro.send(None)
        except (StopIteration, Exception):
            return


class MeetingConsumer(AsyncJsonWebsocketConsumer):
    meeting_id: int
    view: str
    participant: Participant | None = None
    ticker: asyncio.Task[None] | None = None
    last_progress: dict[str, Any] | None = None
    dirty: bool = True
    hub: MeetingHub | None = None
    held: list[str] | None = None  # broadcasts that came before the first state was sent

    async def dispatch(self, message: dict[str, Any]) -> None:
        """As Channels' own, without ``aclose_old_connections`` before every handler: that is a hop
        onto Django's single sync thread for every message of every page (each cast, each page of
        a broadcast), queued behind all HTTP views. This consumer never touches the database on
        that thread: its reads and casts run on pools that keep (and check) their connections."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        """As Channels' own, without the sync-thread hop (see ``dispatch``): a hall leaving at the
        end of a sitting would queue thousands of them."""
        await self.disconnect(message["code"])
        raise StopConsumer()

    async def connect(self) -> None:
        tune_gc()
        kwargs = self.scope["url_route"]["kwargs"]
        self.meeting_id, self.view = int(kwargs["meeting_id"]), kwargs["view"]
        user = self.scope.get("user")
        if self.view not in VIEWS or user is None or not user.is_authenticated:
            await self.close(code=4403)
            return
        # Join before reading: a change committed meanwhile reaches this page after its first state.
        self.held = []
        self.hub = await hub_join(self)
        text = await self._state_text(user, "connect")
        if text is None:
            self.hub.pages.discard(self)
            await self.close(code=4403)
            return
        if self.view != "member":
            await self.channel_layer.group_add(live.monitor_group(self.meeting_id), self.channel_name)
        await self.accept()
        await self.send(text_data=text)
        held, self.held = self.held, None
        for later in held:
            await self.send(text_data=later)
        if self.view != "member":
            self.ticker = asyncio.ensure_future(self._tick())

    def push(self, text: str) -> None:
        """A broadcast from the hub. Written at once: the send completes without suspending
        unless this page's connection is congested, and only then does it get a task of its own,
        so one stalled tablet never holds up the hall."""
        if self.held is not None:
            self.held.append(text)
            return
        if self.view != "member":
            self.dirty = True
        coro = self.send(text_data=text)
        try:
            waiting = coro.send(None)
        except StopIteration:
            return
        except Exception:  # noqa: BLE001 - the page has gone; its disconnect cleans up
            return
        asyncio.ensure_future(_finish(coro, waiting))

    async def _state_text(self, user: Any, event: str) -> str | None:
        if self.view == "member":
            found = await member_text(self.meeting_id, user.pk, event)
            if found is None:
                return None
            self.participant, text, countdown = found
        else:
            monitor = await monitor_text(self.meeting_id, user, self.view, event)
            if monitor is None:
                return None
            text, countdown = monitor
        watch_countdown(countdown)
        return str(text)

    async def _tick(self) -> None:
        """While a poll is open (or after a nudge), refresh the counters from the database."""
        self.dirty = True
        while True:
            if self.dirty or (self.last_progress or {}).get("poll"):
                self.dirty = False
                current = await progress(self.meeting_id)
                if current != self.last_progress:
                    self.last_progress = current
                    await self.send(text_data=live.dumps({"type": "progress", **current}))
            await asyncio.sleep(PROGRESS_INTERVAL)

    async def disconnect(self, code: int) -> None:
        if self.ticker is not None:
            self.ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.ticker
        if self.hub is not None:
            self.hub.pages.discard(self)
        if hasattr(self, "meeting_id") and self.view != "member":
            await self.channel_layer.group_discard(live.monitor_group(self.meeting_id), self.channel_name)

    async def receive_json(self, content: dict[str, Any], **kwargs: Any) -> None:
        action = content.get("action")
        if action == "state":
            text = await self._state_text(self.scope["user"], "refresh")
            if text is not None:
                await self.send(text_data=text)
        elif action == "cast" and self.view == "member" and self.participant is not None:
            await self._cast(content, self.participant)
        else:
            await self.send_json({"type": "error", "message": str(_("The request was not understood."))})

    async def _cast(self, content: dict[str, Any], participant: Participant) -> None:
        try:
            poll_id = int(content.get("poll", 0))
        except (TypeError, ValueError):
            poll_id = 0
        raw = content.get("choice")
        choice: dict[str, Any] = raw if isinstance(raw, dict) else {}
        key = str(content.get("key", ""))[:64]
        outcome = await batcher().submit(
            services.CastRequest(self.scope["user"], poll_id, participant, choice, key)
        )
        if isinstance(outcome, services.CastReceipt):
            reply: dict[str, Any] = {
                "type": "ack",
                "key": key,
                "poll": poll_id,
                "receipt": outcome.receipt,
                "replayed": outcome.replayed,
            }
        else:
            reply = {"type": "error", "key": key, "poll": poll_id, "message": " ".join(outcome.messages)}
        await self.send(text_data=live.dumps(reply))

    async def monitor_refresh(self, event: dict[str, Any]) -> None:
        self.dirty = True
