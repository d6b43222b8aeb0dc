"""A minimal WebSocket client for the voting benchmark: thousands of simulated members in ONE
asyncio process (uvloop), each connection a bare ``asyncio.Protocol``. No per-connection task, no
frame objects: the handshake, masked text frames out, and unmasked frames in, inflated with
permessage-deflate when the server agrees to it (browsers always offer it, so the server does the
same compression work as in a real hall). 127.0.0.1 only."""

from __future__ import annotations

import asyncio
import base64
import os
import zlib
from collections.abc import Callable

DEFLATE_TAIL = b"\x00\x00\xff\xff"


class WsConnection(asyncio.Protocol):
    """Calls ``on_text(conn, payload_bytes)`` for every text message; ``opened`` resolves after
    the 101 response (or fails with the status line)."""

    def __init__(
        self, on_text: Callable[[WsConnection, bytes], None], loop: asyncio.AbstractEventLoop
    ) -> None:
        self.on_text = on_text
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[None] = loop.create_future()
        self.transport: asyncio.Transport | None = None
        self.buf = bytearray()
        self.upgraded = False
        self.inflate: zlib._Decompress | None = None
        self.fragments: list[bytes] = []
        self.fragment_compressed = False
        self.user: object = None

    # --- asyncio.Protocol ---------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(f"connection lost during handshake: {exc}"))
        if not self.closed.done():
            self.closed.set_result(None)
            if self.on_close is not None:
                self.on_close(self)

    def data_received(self, data: bytes) -> None:
        self.buf += data
        if not self.upgraded:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buf[:end]).decode("latin-1")
            del self.buf[: end + 4]
            status = head.split("\r\n", 1)[0]
            if " 101 " not in status + " ":
                self.opened.set_exception(ConnectionError(status))
                self.close()
                return
            self.upgraded = True
            if "permessage-deflate" in head.lower():
                self.inflate = zlib.decompressobj(wbits=-15)
            self.opened.set_result(None)
        self._frames()

    # --- frames -------------------------------------------------------------------------------

    def _frames(self) -> None:
        buf = self.buf
        while len(buf) >= 2:
            b0, b1 = buf[0], buf[1]
            n, off = b1 & 0x7F, 2
            if n == 126:
                if len(buf) < 4:
                    return
                n, off = int.from_bytes(buf[2:4], "big"), 4
            elif n == 127:
                if len(buf) < 10:
                    return
                n, off = int.from_bytes(buf[2:10], "big"), 10
            if len(buf) < off + n:
                return
            payload = bytes(buf[off : off + n])
            del buf[: off + n]
            opcode, fin, rsv1 = b0 & 0x0F, b0 & 0x80, b0 & 0x40
            if opcode in (1, 2):
                self.fragments, self.fragment_compressed = [payload], bool(rsv1)
            elif opcode == 0:
                self.fragments.append(payload)
            elif opcode == 9:  # ping
                self._write(0xA, payload)
                continue
            elif opcode == 8:
                self.close()
                return
            else:
                continue
            if fin:
                message = b"".join(self.fragments)
                self.fragments = []
                if self.fragment_compressed and self.inflate is not None:
                    message = self.inflate.decompress(message + DEFLATE_TAIL)
                self.on_text(self, message)

    def _write(self, opcode: int, payload: bytes) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        n = len(payload)
        if n < 126:
            header = bytes((0x80 | opcode, 0x80 | n))
        elif n < 65536:
            header = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
        else:
            header = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
        mask = os.urandom(4)
        masked = (int.from_bytes(payload, "big") ^ int.from_bytes((mask * (n // 4 + 1))[:n], "big")).to_bytes(
            n, "big"
        )
        self.transport.write(header + mask + masked)

    def send_text(self, text: str) -> None:
        self._write(0x1, text.encode())

    def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self._write(0x8, (1000).to_bytes(2, "big"))
            self.transport.close()


async def ws_connect(
    loop: asyncio.AbstractEventLoop,
    host: str,
    port: int,
    path: str,
    headers: dict[str, str],
    on_text: Callable[[WsConnection, bytes], None],
    user: object = None,
    deflate: bool = True,
    on_close: Callable[[WsConnection], None] | None = None,
) -> WsConnection:
    conn = WsConnection(on_text, loop)
    conn.user = user  # before any message can arrive
    conn.on_close = on_close
    await loop.create_connection(lambda: conn, host, port)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    if deflate:
        lines.append("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")
    assert conn.transport is not None
    conn.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
    await conn.opened
    return conn
