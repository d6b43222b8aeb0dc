"""``renda serve``: the ASGI server (uvicorn) and, unless told otherwise, the task worker and the
scheduler, as one command so the embedded default needs nothing else running."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand


def uvicorn_options() -> dict[str, Any]:
    """How Renda runs uvicorn, shared by this command and the test server."""
    return {
        "server_header": False,
        "log_level": "warning",
        # thousands of open WebSockets must not hold a restart up indefinitely
        "timeout_graceful_shutdown": 10,
        # X-Forwarded-For is believed only from these addresses, so log-in lock-outs and the audit
        # trail see the client's address rather than the proxy's
        "proxy_headers": True,
        "forwarded_allow_ips": os.environ.get("RENDA_TRUSTED_PROXIES", "127.0.0.1"),
    }


class Command(BaseCommand):
    help = "Start the ASGI server, the task worker and the scheduler."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=1, help="ASGI worker processes")
        parser.add_argument(
            "--no-worker", action="store_true", help="start neither the task worker nor the scheduler"
        )

    def handle(self, *args: Any, host: str, port: int, workers: int, no_worker: bool, **options: Any) -> None:
        helpers = []
        if not no_worker:
            # the task worker, and the scheduler that hands it the daily jobs
            for argv in (["db_worker", "--interval", "0.5"], ["scheduler"]):
                helpers.append(subprocess.Popen([sys.executable, "-m", "renda.cli", *argv]))  # noqa: S603
        self.stdout.write(f"Renda: http://{host}:{port}/")
        argv = [sys.executable, "-m", "uvicorn", "renda.asgi:application"]
        for name, value in {"host": host, "port": port, "workers": workers, **uvicorn_options()}.items():
            flag = "--" + name.replace("_", "-")
            if isinstance(value, bool):
                argv.append(flag if value else flag.replace("--", "--no-", 1))
            else:
                argv += [flag, str(value)]
        server = subprocess.Popen(argv)  # noqa: S603 - fixed argv, our own interpreter

        def stop(*_args: Any) -> None:
            for proc in (server, *helpers):
                if proc and proc.poll() is None:
                    proc.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            stop()
            for proc in (server, *helpers):
                if proc:
                    proc.wait(timeout=10)
