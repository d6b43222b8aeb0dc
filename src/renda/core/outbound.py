"""Outbound channels (SMS, e-mail). The default backend writes to the log; a deployment sets
RENDA_OUTBOUND_BACKEND to a class with the same ``send`` method (an SMS gateway, SMTP)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("renda.outbound")


@dataclass(frozen=True)
class OutboundMessage:
    channel: str  # "sms" or "email"
    to: str
    title: str
    body: str


class LogBackend:
    sent: list[OutboundMessage] = []  # kept for inspection in tests and `renda shell`

    def send(self, message: OutboundMessage) -> None:
        self.sent.append(message)
        logger.info("outbound %s to %s: %s", message.channel, message.to, message.title)


@lru_cache(maxsize=1)
def backend() -> LogBackend:
    return import_string(settings.RENDA_OUTBOUND_BACKEND)()  # type: ignore[no-any-return]
