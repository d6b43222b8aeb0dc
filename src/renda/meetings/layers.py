"""Channel layers fit for a hall of thousands of pages.

- ``InMemoryChannelLayer`` (the embedded default, one process): Channels' own sweeps every
  channel and every group for expired entries on EACH receive and deep-copies a group message once
  per channel, so a broadcast to N pages costs O(N²). Here the sweep runs at most once a second and
  a group message is copied shallowly (receivers never mutate a message; channels_redis shares one
  decoded message among a worker's channels in the same way).
- ``RedisChannelLayer`` (production, several workers): channels_redis builds a plain redis-py pool,
  which raises ``MaxConnectionsError`` once its cap is reached, so thousands of pages joining or
  leaving a meeting's group at once fail. A blocking pool makes a burst wait a few milliseconds for
  one of a bounded number of connections instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from channels.exceptions import ChannelFull
from channels.layers import InMemoryChannelLayer as BaseInMemoryChannelLayer
from channels_redis.core import RedisChannelLayer as BaseRedisChannelLayer
from redis.asyncio import BlockingConnectionPool

SWEEP_INTERVAL = 1.0  # seconds


class InMemoryChannelLayer(BaseInMemoryChannelLayer):
    _swept = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self._swept < SWEEP_INTERVAL:
            return
        self._swept = now
        super()._clean_expired()

    async def send(self, channel: str, message: dict[str, Any]) -> None:
        self._put(channel, dict(message))

    def _put(self, channel: str, message: dict[str, Any]) -> None:
        assert isinstance(message, dict), "message is not a dict"  # noqa: S101 - the layer API contract
        self.require_valid_channel_name(channel)
        assert "__asgi_channel__" not in message  # noqa: S101
        queue = self.channels.setdefault(channel, asyncio.Queue(maxsize=self.get_capacity(channel)))
        try:
            queue.put_nowait((time.time() + self.expiry, message))
        except asyncio.QueueFull:
            raise ChannelFull(channel) from None
        except RuntimeError:
            # Its reader waited on an event loop that has since closed (an embedded server
            # stopped): nobody will read it again.
            self.channels.pop(channel, None)
            self._remove_from_groups(channel)

    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        self.require_valid_group_name(group)
        self._clean_expired()
        for channel in list(self.groups.get(group, {})):
            # A full channel is a page that stopped reading; it resyncs when it reconnects.
            with contextlib.suppress(ChannelFull):
                self._put(channel, dict(message))


class RedisChannelLayer(BaseRedisChannelLayer):
    def create_pool(self, index: int) -> Any:
        host = dict(self.hosts[index])
        address = host.pop("address")
        return BlockingConnectionPool.from_url(address, **host)
