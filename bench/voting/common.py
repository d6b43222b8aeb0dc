"""Shared by the voting benchmark and the restart check: a fresh database with N members of a
congress session, a sitting in session with everyone checked in, an open poll, login sessions for
every member and an API token for staff; and the ASGI server as a subprocess."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def server_env(var_dir: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = f"{ROOT / 'src'}{os.pathsep}{ROOT}"
    env["DJANGO_SETTINGS_MODULE"] = "renda.settings"
    env["RENDA_TESTING"] = "1"  # fast password hashing for the generated logins
    env["RENDA_HOME"] = str(ROOT)
    if var_dir is not None:
        env["RENDA_VAR_DIR"] = str(var_dir)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_database(env: dict[str, str]) -> None:
    """Create the PostgreSQL database named by DATABASE_URL when it does not exist yet."""
    url = env.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    with psycopg.connect(
        host=cfg["HOST"],
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def migrate(env: dict[str, str]) -> None:
    ensure_database(env)
    subprocess.run(
        [PYTHON, "-P", "-m", "renda.cli", "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
        cwd=ROOT,
        timeout=300,
    )


def start_server(
    env: dict[str, str], port: int, workers: int = 1, prefix: list[str] | None = None
) -> subprocess.Popen[bytes]:
    """uvicorn as ``renda serve`` runs it; ``prefix`` e.g. ``taskset -c 0`` pins it to a core."""
    cmd = [
        *(prefix or []),
        PYTHON,
        "-P",
        "-m",
        "uvicorn",
        "renda.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--lifespan",
        "off",
    ]
    if workers > 1:
        cmd += ["--workers", str(workers)]
    # Its own process group, so that stopping it also stops uvicorn's worker processes.
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:  # noqa: S310
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def stop_server(proc: subprocess.Popen[bytes], grace: float = 30.0) -> bool:
    """SIGTERM to the server's process group; SIGKILL after ``grace`` seconds. True if it stopped
    by itself."""
    import signal

    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
        clean = True
    except subprocess.TimeoutExpired:
        clean = False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)  # workers left behind by a supervisor that was killed
    proc.wait(timeout=grace)
    return clean


def build(n_members: int, prefix: str) -> dict[str, Any]:
    """Runs inside a process with Django set up on the target database."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from renda.core import services as core
    from renda.core.models import CongressKind, Role, User
    from renda.meetings import services
    from renda.meetings.models import Attendance, AttendanceStatus, MeetingKind, ParticipantRole
    from renda.org import services as org
    from renda.org.models import DeputyMandate, Person

    start = dt.date(2021, 12, 1)
    county = core.congress_create(actor=None, name=f"{prefix}压测县人民代表大会", kind=CongressKind.COUNTY)
    term = org.term_create(actor=None, congress=county, number=18, start_date=start)
    staff = core.user_create(
        actor=None,
        username=f"{prefix}staff",
        password=get_random_string(20),
        display_name="会务",
        grants=[(Role.STAFF, county)],
    )
    # Bulk rows for the members: the services would write an audit event per row, which is set-up
    # cost, not what is measured.
    password = make_password(None)
    users = User.objects.bulk_create(
        [User(username=f"{prefix}m{i}", password=password, display_name=f"代表{i}") for i in range(n_members)]
    )
    people = Person.objects.bulk_create(
        [Person(congress=county, name=f"代表{i:04d}", gender="male", user=u) for i, u in enumerate(users)]
    )
    DeputyMandate.objects.bulk_create(
        [DeputyMandate(congress=county, term=term, person=p, start_date=start) for p in people]
    )
    meeting = services.meeting_create(
        actor=staff,
        term=term,
        kind=MeetingKind.CONGRESS_SESSION,
        title="压测县第十八届人民代表大会第五次会议",
        start_date=dt.date(2026, 3, 5),
    )
    sitting = services.sitting_create(
        actor=staff, meeting=meeting, title="第一次全体会议", starts_at=timezone.now()
    )
    participants = list(meeting.participants.filter(role=ParticipantRole.VOTING))
    Attendance.objects.bulk_create(
        [
            Attendance(
                congress=county,
                sitting=sitting,
                participant=p,
                status=AttendanceStatus.PRESENT,
                checked_in_at=timezone.now(),
            )
            for p in participants
        ]
    )
    services.sitting_open(actor=staff, sitting=sitting)
    poll = services.poll_create(
        actor=staff, meeting=meeting, kind="motion", title="关于批准2025年县级决算的决议"
    )
    services.poll_open(actor=staff, poll=poll)
    user_by_person = {p.pk: u for p, u in zip(people, users, strict=True)}
    sessions, keys = [], []
    store = SessionStore()
    expire = timezone.now() + dt.timedelta(hours=8)
    for p in participants:
        user = user_by_person[p.person_id]
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            "_auth_user_id": str(user.pk),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
        }
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        keys.append(key)
    Session.objects.bulk_create(sessions, batch_size=1000)
    _token, raw = core.api_token_create(actor=staff, name="bench")
    tokens = []
    for p in participants[: min(len(participants), 200)]:
        _t, member_raw = core.api_token_create(actor=user_by_person[p.person_id], name="bench")
        tokens.append(member_raw)
    return {
        "meeting": meeting.pk,
        "poll": poll.pk,
        "sessions": keys,
        "staff_token": raw,
        "member_tokens": tokens,
    }


def counts(poll_id: int) -> dict[str, int]:
    from renda.meetings.models import Ballot, PollVoter

    return {
        "voters": PollVoter.objects.filter(poll_id=poll_id).count(),
        "ballots": Ballot.objects.filter(poll_id=poll_id).count(),
    }


def peak_rss_kib(pid: int) -> int:
    """VmHWM of a process and its children (uvicorn workers)."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def run_django(env: dict[str, str], *args: str) -> Any:
    """Run a command of this module in a fresh process configured by ``env``; returns its JSON."""
    import json

    out = subprocess.run(
        [PYTHON, "-P", str(Path(__file__)), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _main() -> None:
    import json

    import django

    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    django.setup()
    command = sys.argv[1]
    if command == "build":
        print(json.dumps(build(int(sys.argv[2]), sys.argv[3])))
    elif command == "counts":
        print(json.dumps(counts(int(sys.argv[2]))))
    elif command == "receipts":
        from renda.meetings.models import PollVoter

        print(
            json.dumps(
                sorted(PollVoter.objects.filter(poll_id=int(sys.argv[2])).values_list("receipt", flat=True))
            )
        )
    elif command == "result":
        from renda.meetings.models import Poll

        print(json.dumps(Poll.objects.get(pk=int(sys.argv[2])).result))


if __name__ == "__main__":
    _main()
