"""Restart check: kill the server (SIGKILL) while members are casting, restart it, and prove that
no acknowledged ballot was lost; retries with the same idempotency keys then complete the vote.

    python bench/voting/restart_check.py [--members 60]

Uses DATABASE_URL when set (a database the check may write to), else a fresh SQLite file."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402


def _post(url: str, token: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body or {}).encode()
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        url,
        data=data,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as r:  # noqa: S310
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def run(members: int = 60, var_dir: Path | None = None) -> dict[str, Any]:
    var_dir = var_dir or Path(tempfile.mkdtemp(prefix="renda-restart-"))
    env = common.server_env(var_dir)
    common.migrate(env)
    data = common.run_django(env, "build", str(members), f"r{int(time.time())}")
    poll, tokens = data["poll"], data["member_tokens"]
    port = common.free_port()
    base = f"http://127.0.0.1:{port}"
    server = common.start_server(env, port)
    acked: dict[int, str] = {}
    lock = threading.Lock()
    killed = threading.Event()

    def cast(i: int) -> None:
        if killed.is_set():
            return
        try:
            status, body = _post(
                f"{base}/api/v1/meetings/polls/{poll}/cast",
                tokens[i],
                {"choice": {"v": "yes"}, "idempotency_key": f"key-{i}"},
            )
        except OSError:
            return  # no acknowledgement: the member's device will retry
        if status == 200:
            with lock:
                acked[i] = body["receipt"]

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [pool.submit(cast, i) for i in range(len(tokens))]
            while len(acked) < len(tokens) // 2:
                time.sleep(0.005)
            server.send_signal(signal.SIGKILL)  # mid-vote, without warning
            killed.set()
            server.wait(timeout=10)
            for f in futures:
                f.result()
        acked_before_kill = dict(acked)
        server = common.start_server(env, port)
        stored = set(common.run_django(env, "receipts", str(poll)))
        lost = sorted(set(acked_before_kill.values()) - stored)
        # Devices retry every unacknowledged cast with the same key.
        replayed = 0
        for i in range(len(tokens)):
            if i in acked:
                continue
            status, body = _post(
                f"{base}/api/v1/meetings/polls/{poll}/cast",
                tokens[i],
                {"choice": {"v": "yes"}, "idempotency_key": f"key-{i}"},
            )
            if status == 200:
                acked[i] = body["receipt"]
                replayed += int(body["replayed"])
        status, closed = _post(f"{base}/api/v1/meetings/polls/{poll}/close", data["staff_token"])
        after = common.run_django(env, "counts", str(poll))
        return {
            "members": len(tokens),
            "acked_before_kill": len(acked_before_kill),
            "stored_after_restart": len(stored),
            "lost_acknowledged": lost,
            "committed_but_unacked_then_replayed": replayed,
            "acked_total": len(acked),
            "voters": after["voters"],
            "ballots": after["ballots"],
            "counted": closed.get("result", {}).get("ballots"),
            "close_status": status,
            "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
        }
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=60)
    args = parser.parse_args()
    report = run(args.members)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    ok = (
        not report["lost_acknowledged"]
        and report["acked_total"]
        == report["members"]
        == report["ballots"]
        == report["voters"]
        == report["counted"]
    )
    print("OK: no acknowledged ballot lost" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
