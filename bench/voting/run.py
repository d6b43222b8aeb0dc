"""Voting benchmark: N members on WebSockets cast within a short window, then the poll is closed.

    python bench/voting/run.py [--members 3000] [--window 2.0] [--workers N]

Starts the ASGI server (uvicorn) as a subprocess: on PostgreSQL and the Redis channel layer when
DATABASE_URL and REDIS_URL are set, else the embedded default (a fresh SQLite file, in-memory layer,
one process). Reports p50/p99 cast→acknowledgement, close→result on every client, acknowledged vs
counted, duplicates and peak memory. 127.0.0.1 only; every phase has a time limit."""

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

import websockets

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

PHASE_TIMEOUT = 120.0
CONNECT_TIMEOUT = 480.0


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


class Member:
    def __init__(self, session: str) -> None:
        self.session = session
        self.ack_ms: float | None = None
        self.receipt: str | None = None
        self.error: str | None = None
        self.result_at: float | None = None


async def member_task(
    m: Member,
    url: str,
    origin: str,
    poll: int,
    ready: asyncio.Event,
    go: asyncio.Event,
    connected: list[int],
    window: float,
    sem: asyncio.Semaphore,
) -> None:
    await sem.acquire()  # a bounded number of handshakes in flight
    try:
        ws = await websockets.connect(
            url,
            origin=origin,
            additional_headers={"Cookie": f"sessionid={m.session}"},
            open_timeout=CONNECT_TIMEOUT,
            max_size=2**22,
            ping_interval=None,
        )
        first = json.loads(await ws.recv())
    finally:
        sem.release()
    async with ws:
        assert first["type"] == "state", first
        connected[0] += 1
        if connected[0] == connected[1]:
            ready.set()
        await go.wait()
        await asyncio.sleep(random.uniform(0, window))
        key = uuid.uuid4().hex
        t0 = time.perf_counter()
        await ws.send(
            json.dumps(
                {
                    "action": "cast",
                    "poll": poll,
                    "choice": {"v": random.choice(["yes", "yes", "no", "abstain"])},
                    "key": key,
                }
            )
        )
        while True:
            msg = json.loads(await ws.recv())
            if msg.get("key") == key and msg["type"] in ("ack", "error"):
                if msg["type"] == "ack":
                    m.ack_ms = (time.perf_counter() - t0) * 1000
                    m.receipt = msg["receipt"]
                else:
                    m.error = msg["message"]
                break
        while True:
            msg = json.loads(await ws.recv())
            if msg["type"] == "state" and (msg["state"].get("poll") or {}).get("status") in (
                "closed",
                "announced",
            ):
                m.result_at = time.perf_counter()
                break


async def drive(base: str, data: dict[str, Any], window: float, connect_concurrency: int) -> dict[str, Any]:
    ws_url = base.replace("http://", "ws://") + f"/ws/meetings/{data['meeting']}/member/"
    members = [Member(s) for s in data["sessions"]]
    ready, go = asyncio.Event(), asyncio.Event()
    connected = [0, len(members)]
    sem = asyncio.Semaphore(connect_concurrency)

    async def start(m: Member) -> None:
        await member_task(m, ws_url, base, data["poll"], ready, go, connected, window, sem)

    t_connect = time.perf_counter()
    tasks = []
    for m in members:
        tasks.append(asyncio.ensure_future(start(m)))
    await asyncio.wait_for(ready.wait(), CONNECT_TIMEOUT)
    connect_s = time.perf_counter() - t_connect
    t_cast = time.perf_counter()
    go.set()
    deadline = time.perf_counter() + PHASE_TIMEOUT
    while any(m.ack_ms is None and m.error is None for m in members):
        if time.perf_counter() > deadline:
            break
        await asyncio.sleep(0.01)
    cast_s = time.perf_counter() - t_cast
    loop = asyncio.get_running_loop()

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

    t_close = time.perf_counter()
    t_close_ack = await loop.run_in_executor(None, close)
    done, pending = await asyncio.wait(tasks, timeout=PHASE_TIMEOUT)
    for t in pending:
        t.cancel()
    failures = [t.exception() for t in done if t.exception() is not None]
    acks = [m.ack_ms for m in members if m.ack_ms is not None]
    results = [m.result_at - t_close for m in members if m.result_at is not None]
    return {
        "members": len(members),
        "connect_s": round(connect_s, 2),
        "cast_phase_s": round(cast_s, 2),
        "acknowledged": len(acks),
        "refused": sum(m.error is not None for m in members),
        "client_failures": len(failures) + len(pending),
        "ack_p50_ms": round(pct(acks, 0.5), 1),
        "ack_p99_ms": round(pct(acks, 0.99), 1),
        "ack_max_ms": round(max(acks), 1) if acks else None,
        "ack_mean_ms": round(statistics.fmean(acks), 1) if acks else None,
        "close_request_s": round(t_close_ack - t_close, 3),
        "result_on_all_clients_s": round(max(results), 3) if len(results) == len(members) else None,
        "clients_with_result": len(results),
        "receipts_unique": len({m.receipt for m in members if m.receipt}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=3000)
    parser.add_argument("--window", type=float, default=2.0, help="seconds over which all members cast")
    parser.add_argument(
        "--workers", type=int, default=0, help="uvicorn workers (default: 1, or 2 with Redis)"
    )
    parser.add_argument("--connect-concurrency", type=int, default=50)
    args = parser.parse_args()
    with_redis = bool(os.environ.get("REDIS_URL"))
    with_pg = bool(os.environ.get("DATABASE_URL"))
    if not with_pg:
        os.environ.pop("REDIS_URL", None)  # the embedded default: one process, in-memory layer
        with_redis = False
    workers = args.workers or (2 if with_redis else 1)
    if workers > 1 and not with_redis:
        sys.exit("several workers need the Redis channel layer (REDIS_URL)")
    var_dir = Path(tempfile.mkdtemp(prefix="renda-bench-"))
    env = common.server_env(var_dir)
    t0 = time.perf_counter()
    common.migrate(env)
    data = common.run_django(env, "build", str(args.members), f"b{int(time.time())}")
    setup_s = time.perf_counter() - t0
    port = common.free_port()
    server = common.start_server(env, port, workers)
    try:
        report = asyncio.run(
            asyncio.wait_for(
                drive(f"http://127.0.0.1:{port}", data, args.window, args.connect_concurrency), 900
            )
        )
        report["server_peak_rss_mib"] = round(common.peak_rss_kib(server.pid) / 1024, 1)
    finally:
        server.terminate()
        server.wait(timeout=30)
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
            "setup_s": round(setup_s, 1),
            "database": "postgresql" if with_pg else "sqlite",
            "channel_layer": "redis" if with_redis else "in-memory",
            "workers": workers,
            "window_s": args.window,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "python": platform.python_version(),
        }
    )
    print(json.dumps(report, ensure_ascii=False, indent=2))
    ok = report["acknowledged"] == report["counted"] == report["members"] and report["duplicates"] == 0
    print("OK" if ok else "CHECK: acknowledged and counted differ, or duplicates")


if __name__ == "__main__":
    main()
