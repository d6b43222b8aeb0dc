"""Outbound channels (SMS, e-mail). The default backend writes to the log; a deployment sets
RENDA_OUTBOUND_BACKEND to a class with the same ``send`` method (an SMS gateway, SMTP).

Services never call a backend directly: ``notification_send(..., sms=True)`` queues the messages
with ``transaction.on_commit`` so nothing leaves the building for a change that was rolled back.
"""

from __future__ import annotations

import logging
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from renda.core.masking import mask_phone
from renda.core.models import User

logger = logging.getLogger("renda.outbound")

SMS = "sms"
EMAIL = "email"
CHANNELS = (SMS, EMAIL)


@dataclass(frozen=True)
class OutboundMessage:
    channel: str  # SMS or EMAIL
    to: str  # phone number or e-mail address
    title: str
    body: str


class OutboundBackend(Protocol):
    def send(self, message: OutboundMessage) -> None: ...


class LogBackend:
    """Writes each message to the ``renda.outbound`` log (phone numbers masked) and keeps the last
    few in memory for tests and ``renda shell``."""

    def __init__(self) -> None:
        self.sent: deque[OutboundMessage] = deque(maxlen=200)

    def send(self, message: OutboundMessage) -> None:
        self.sent.append(message)
        to = mask_phone(message.to) if message.channel == SMS else message.to
        logger.info("outbound %s to %s: %s", message.channel, to, message.title)


@lru_cache(maxsize=1)
def backend() -> OutboundBackend:
    backend_class: Any = import_string(settings.RENDA_OUTBOUND_BACKEND)
    return backend_class()


@receiver(setting_changed)
def _reset_backend(*, setting: str, **kwargs: Any) -> None:
    if setting == "RENDA_OUTBOUND_BACKEND":
        backend.cache_clear()


def address_of(user: User, channel: str) -> str:
    """Where a user receives messages on a channel: the phone of the person linked to the login
    (decrypted only here, at sending time), or the account's e-mail. Empty when unknown."""
    if channel == EMAIL:
        return user.email or ""
    person = getattr(user, "person", None)
    return (getattr(person, "phone", "") or "") if person is not None else ""


def messages_for(users: list[User], channel: str, title: str, body: str) -> list[OutboundMessage]:
    """One message per user with an address on the channel; users without one are skipped (they
    still get the inbox message)."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown outbound channel {channel}")
    found = []
    for user in users:
        to = address_of(user, channel)
        if to:
            found.append(OutboundMessage(channel, to, title, body))
        else:
            logger.info("outbound %s: user %s has no address, inbox only", channel, user.pk)
    return found


def deliver(messages: list[OutboundMessage]) -> None:
    """Hand the messages to the configured backend; one failure does not stop the others."""
    sender = backend()
    for message in messages:
        try:
            sender.send(message)
        except Exception:
            logger.exception("outbound %s failed", message.channel)
