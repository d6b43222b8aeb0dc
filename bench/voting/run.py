"""Voting benchmark: N members on WebSockets cast within a window, then the poll is closed.

    python bench/voting/run.py [--members 3000] [--window 10] [--workers N] [--pin auto|none] [--nice N]

Starts the ASGI server (uvicorn, as ``renda serve`` does) as a subprocess: on PostgreSQL and the
Redis channel layer when DATABASE_URL and REDIS_URL are set, else the embedded default (a fresh
SQLite file, in-memory layer, one process). The simulated members run in THIS process, one asyncio
loop on uvloop with a bare protocol per connection (``wsclient``), so they cost the server's cores
as little as possible; with one server worker, ``--pin auto`` puts the server on CPU 0 and the
clients on CPU 1. Reports p50/p99 cast→acknowledgement, close→result on every client, acknowledged
vs counted, duplicates, peak memory and the host's load average. 127.0.0.1 only; every phase has a
time limit."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from wsclient import WsConnection, ws_connect  # noqa: E402

PHASE_TIMEOUT = 120.0
CONNECT_TIMEOUT = 480.0
CHOICES = ("yes", "yes", "no", "abstain")


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


class Member:
    """One simulated member: connect → first state → cast at its moment → ack → result."""

    __slots__ = (
        "session",
        "phase",
        "key",
        "t0",
        "ack_ms",
        "receipt",
        "error",
        "result_at",
        "first",
        "conn",
        "lost",
    )

    def __init__(self, session: str, loop: asyncio.AbstractEventLoop) -> None:
        self.session = session
        self.phase = 0  # 0 connecting, 1 ready, 2 cast sent, 3 acknowledged, 4 has the result
        self.key = b""
        self.t0 = 0.0
        self.ack_ms: float | None = None
        self.receipt: str | None = None
        self.error: str | None = None
        self.result_at: float | None = None
        self.first: asyncio.Future[bool] = loop.create_future()
        self.conn: WsConnection | None = None
        self.lost = False


def on_text(conn: WsConnection, payload: bytes) -> None:
    """Minimal parsing: a message is decoded only when it is the one this member waits for."""
    now = time.perf_counter()
    m: Member = conn.user  # type: ignore[assignment]
    if m.phase == 0:
        if not m.first.done():
            m.first.set_result(json.loads(payload).get("type") == "state")
    elif m.phase == 2:
        if m.key in payload:
            msg = json.loads(payload)
            if msg["type"] == "ack":
                m.ack_ms = (now - m.t0) * 1000
                m.receipt = msg["receipt"]
            else:
                m.error = msg.get("message", "error")
            m.phase = 3
    elif m.phase == 3 and payload.startswith(b'{"type":"state"'):
        status = (json.loads(payload)["state"].get("poll") or {}).get("status")
        if status in ("closed", "announced"):
            m.result_at = now
            m.phase = 4


def on_close(conn: WsConnection) -> None:
    """The server closed the connection: the member stops waiting (and counts as a failure)."""
    m: Member = conn.user  # type: ignore[assignment]
    m.lost = True
    if not m.first.done():
        m.first.set_result(False)


def cast(m: Member, poll: int) -> None:
    if m.conn is None or m.lost:
        return
    key = uuid.uuid4().hex
    m.key = key.encode()
    m.phase = 2
    text = f'{{"action":"cast","poll":{poll},"choice":{{"v":"{random.choice(CHOICES)}"}},"key":"{key}"}}'
    m.t0 = time.perf_counter()
    m.conn.send_text(text)


async def wait_until(done: Any, timeout: float) -> bool:
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(0.005)
    return True


async def drive(
    port: int, data: dict[str, Any], window: float, connect_concurrency: int, deflate: bool = True
) -> dict[str, Any]:
    loop = asyncio.get_running_loop()
    base = f"http://127.0.0.1:{port}"
    path = f"/ws/meetings/{data['meeting']}/member/"
    members = [Member(s, loop) for s in data["sessions"]]
    sem = asyncio.Semaphore(connect_concurrency)
    failures: list[str] = []

    async def open_one(m: Member) -> None:
        async with sem:  # a bounded number of handshakes in flight, as a hall's Wi-Fi would allow
            try:
                conn = await ws_connect(
                    loop,
                    "127.0.0.1",
                    port,
                    path,
                    {"Origin": base, "Cookie": f"sessionid={m.session}"},
                    on_text,
                    m,
                    deflate=deflate,
                    on_close=on_close,
                )
                m.conn = conn
                if not await asyncio.wait_for(m.first, CONNECT_TIMEOUT):
                    failures.append("first message was not the state")
                m.phase = 1
            except (OSError, TimeoutError) as exc:
                failures.append(repr(exc))

    load_start = loadavg()
    t_connect = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*(open_one(m) for m in members)), CONNECT_TIMEOUT)
    connect_s = time.perf_counter() - t_connect
    load_connected = loadavg()

    go = loop.time() + 0.2
    for m in members:
        loop.call_at(go + random.uniform(0, window), cast, m, data["poll"])
    t_cast = time.perf_counter()
    await wait_until(
        lambda: all(m.phase >= 3 or m.conn is None or m.lost for m in members), window + PHASE_TIMEOUT
    )
    cast_s = time.perf_counter() - t_cast
    load_cast = loadavg()

    def close() -> float:
        request = urllib.request.Request(  # noqa: S310 - 127.0.0.1 only
            f"{base}/api/v1/meetings/polls/{data['poll']}/close",
            data=b"{}",
            method="POST",
            headers={"Authorization": f"Bearer {data['staff_token']}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as r:  # noqa: S310
            r.read()
        return time.perf_counter()

    await asyncio.sleep(0.5)  # let the server settle: close is measured on its own
    t_close = time.perf_counter()
    t_close_ack = await loop.run_in_executor(None, close)
    await wait_until(lambda: all(m.phase == 4 or m.conn is None or m.lost for m in members), PHASE_TIMEOUT)
    for m in members:
        if m.conn is not None:
            m.conn.close()
    acks = [m.ack_ms for m in members if m.ack_ms is not None]
    results = [m.result_at - t_close for m in members if m.result_at is not None]
    return {
        "members": len(members),
        "connect_s": round(connect_s, 2),
        "cast_phase_s": round(cast_s, 2),
        "acknowledged": len(acks),
        "refused": sum(m.error is not None for m in members),
        "client_failures": len(failures) + sum(m.lost and m.phase < 4 for m in members),
        "ack_p50_ms": round(pct(acks, 0.5), 1),
        "ack_p99_ms": round(pct(acks, 0.99), 1),
        "ack_max_ms": round(max(acks), 1) if acks else None,
        "ack_mean_ms": round(statistics.fmean(acks), 1) if acks else None,
        "close_request_s": round(t_close_ack - t_close, 3),
        "result_on_all_clients_s": round(max(results), 3) if len(results) == len(members) else None,
        "result_p50_s": round(pct(results, 0.5), 3),
        "clients_with_result": len(results),
        "receipts_unique": len({m.receipt for m in members if m.receipt}),
        "load_avg": {"start": load_start, "connected": load_connected, "after_cast": load_cast},
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument(
        "--window",
        type=float,
        default=10.0,
        help="seconds over which the members press their buttons (default 10; 2 is a burst)",
    )
    parser.add_argument(
        "--workers", type=int, default=0, help="uvicorn workers (default: 1, or 2 with Redis)"
    )
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument(
        "--pin",
        choices=("auto", "none"),
        default="auto",
        help="auto: with one worker, server on CPU 0 and the clients on CPU 1",
    )
    parser.add_argument("--nice", type=int, default=0, help="lower the clients' priority by N")
    parser.add_argument(
        "--no-deflate",
        action="store_true",
        help="clients do not offer permessage-deflate (browsers do), so the server sends uncompressed",
    )
    args = parser.parse_args()
    with_redis = bool(os.environ.get("REDIS_URL"))
    with_pg = bool(os.environ.get("DATABASE_URL"))
    if not with_pg:
        os.environ.pop("REDIS_URL", None)  # the embedded default: one process, in-memory layer
        with_redis = False
    workers = args.workers or (2 if with_redis else 1)
    if workers > 1 and not with_redis:
        sys.exit("several workers need the Redis channel layer (REDIS_URL)")
    pinned = args.pin == "auto" and workers == 1 and (os.cpu_count() or 1) >= 2
    var_dir = Path(tempfile.mkdtemp(prefix="renda-bench-"))
    env = common.server_env(var_dir)
    t0 = time.perf_counter()
    common.migrate(env)
    data = common.run_django(env, "build", str(args.members), f"b{int(time.time())}")
    setup_s = time.perf_counter() - t0
    port = common.free_port()
    server = common.start_server(env, port, workers, prefix=["taskset", "-c", "0"] if pinned else [])
    if pinned:
        os.sched_setaffinity(0, {1})
    if args.nice:
        os.nice(args.nice)
    try:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            report = runner.run(
                asyncio.wait_for(
                    drive(port, data, args.window, args.connect_concurrency, not args.no_deflate), 900
                )
            )
        report["server_peak_rss_mib"] = round(common.peak_rss_kib(server.pid) / 1024, 1)
    finally:
        stopped = common.stop_server(server)
        if not stopped:
            print("server did not stop within 30 s of SIGTERM: killed", file=sys.stderr)
    counted = common.run_django(env, "counts", str(data["poll"]))
    result = common.run_django(env, "result", str(data["poll"]))
    report.update(
        {
            "stored_voters": counted["voters"],
            "stored_ballots": counted["ballots"],
            "counted": result["ballots"],
            "duplicates": counted["ballots"]
            - counted["voters"]
            + (report["acknowledged"] - report["receipts_unique"]),
            "lost": report["acknowledged"] - result["ballots"]
            if report["acknowledged"] > result["ballots"]
            else 0,
            "bench_client_peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "bench_client_cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1),
            "setup_s": round(setup_s, 1),
            "database": "postgresql" if with_pg else "sqlite",
            "channel_layer": "redis" if with_redis else "in-memory",
            "workers": workers,
            "window_s": args.window,
            "pinned": "server CPU 0, clients CPU 1" if pinned else "no",
            "client_nice": args.nice,
            "permessage_deflate": not args.no_deflate,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "python": platform.python_version(),
        }
    )
    print(json.dumps(report, ensure_ascii=False, indent=2))
    ok = report["acknowledged"] == report["counted"] == report["members"] and report["duplicates"] == 0
    print("OK" if ok else "CHECK: acknowledged and counted differ, or duplicates")


if __name__ == "__main__":
    main()
