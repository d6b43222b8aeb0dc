"""Kill the ASGI server (SIGKILL) during an open poll and restart it: no acknowledged ballot is lost,
and retries with the same idempotency keys complete the vote without duplicates. Runs the server as
a real subprocess on the database of DATABASE_URL when set, else on a fresh SQLite file."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "voting"))

import restart_check  # noqa: E402


def test_no_acknowledged_ballot_is_lost_across_a_crash(tmp_path):
    report = restart_check.run(members=40, var_dir=tmp_path)
    assert report["acked_before_kill"] >= 20
    assert report["lost_acknowledged"] == []
    assert report["stored_after_restart"] >= report["acked_before_kill"]
    assert report["acked_total"] == report["voters"] == report["ballots"] == report["counted"] == 40
