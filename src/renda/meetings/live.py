"""Live events over the channel layer. Services call ``broadcast_on_commit``; the payload is the
meeting's public state computed once after commit, so every screen shows what the database holds."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def meeting_group(meeting_id: int) -> str:
    return f"meeting.{meeting_id}"


def monitor_group(meeting_id: int) -> str:
    """Hall screens and staff consoles: they also receive attendance and voting progress."""
    return f"meeting.{meeting_id}.monitor"


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


def broadcast_on_commit(meeting_id: int, *, event: str) -> None:
    """After commit, send the recomputed public state to every page of the meeting."""

    def send() -> None:
        from renda.meetings.selectors import meeting_public_state

        state = meeting_public_state(meeting_id=meeting_id)
        _send(meeting_group(meeting_id), {"type": "meeting.state", "event": event, "state": state})

    transaction.on_commit(send)


def monitor_on_commit(meeting_id: int, *, event: str) -> None:
    """After commit, ask screens and consoles to refresh their counters from the database."""
    transaction.on_commit(
        lambda: _send(monitor_group(meeting_id), {"type": "monitor.refresh", "event": event})
    )
