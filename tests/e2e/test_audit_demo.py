"""The audit as a new user meets it: ``intersessional demo``, then ``audit verify``, ``audit
export`` (which starts the stopped demo engine for the while, to read Temporal's histories) and
``audit verify-bundle`` in an empty directory with no engine and no database; then one row of
the ledger altered with SQL, and both verifications fail naming it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from scenarios.demo import demo_year
from tests.e2e.conftest import INTERSESSIONAL
from tests.ports import free_port


def _run(*args: str, data_dir: Path, cwd: Path | None = None, address: str | None = None
         ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
    env["INTERSESSIONAL_DATA_DIR"] = str(data_dir)
    env["INTERSESSIONAL_TEMPORAL_ADDRESS"] = address or f"127.0.0.1:{free_port()}"
    return subprocess.run([str(INTERSESSIONAL), *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=300, check=False)


def _said(done: subprocess.CompletedProcess[str]) -> str:
    return (done.stdout + done.stderr).replace("\n", " ")


def test_a_new_user_audits_the_demo_offline(tmp_path: Path) -> None:
    demo = _run("demo", data_dir=tmp_path)
    assert demo.returncode == 0, _said(demo)
    engine, year = tmp_path / "demo", demo_year(datetime.now(UTC).date())
    years = ("--from-year", str(year), "--to-year", str(year + 1))  # closed, and at committee
    verified = _run("audit", "verify", data_dir=engine)
    assert verified.returncode == 0, _said(verified)
    assert "ledger intact" in verified.stdout

    out = tmp_path / "out"
    exported = _run("audit", "export", *years, "--out", str(out / "bundle.zip"),
                    data_dir=engine)
    assert exported.returncode == 0, _said(exported)
    assert "warning" not in exported.stdout  # every history was read from the stopped engine
    empty = tmp_path / "laptop"
    empty.mkdir()
    nowhere = tmp_path / "no-data"  # no ledger, no key, no Temporal at the address
    offline = _run("audit", "verify-bundle", str(out / "bundle.zip"), data_dir=nowhere,
                   cwd=empty)
    assert offline.returncode == 0, _said(offline)
    assert not nowhere.exists()
    assert list(empty.iterdir()) == []

    with sqlite3.connect(engine / "ledger.sqlite3") as conn:  # a tamperer with the database
        position, payload = conn.execute(
            "SELECT position, payload FROM events WHERE type = 'WorkplanApprovedByCommittee' "
            "ORDER BY position LIMIT 1").fetchone()
        conn.execute("UPDATE events SET payload = ? WHERE position = ?",
                     (payload.replace('"name":"', '"name":"Not '), position))
    named = f"altered at position {position}"
    tampered = _run("audit", "verify", data_dir=engine)
    assert tampered.returncode == 1
    assert named in _said(tampered)
    again = _run("audit", "export", *years, "--out", str(out / "tampered.zip"), data_dir=engine)
    assert again.returncode == 0, _said(again)
    refused = _run("audit", "verify-bundle", str(out / "tampered.zip"), data_dir=nowhere,
                   cwd=empty)
    assert refused.returncode == 1, _said(refused)
    assert named in _said(refused)
