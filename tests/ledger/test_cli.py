"""The ledger from the command line, as an operator runs it: real processes, a real file."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "cli"]


def _run(args: list[str], data_dir: Path, **env: str) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
    environment = {**inherited, "INTERSESSIONAL_DATA_DIR": str(data_dir), **env}
    return subprocess.run(args, cwd=ROOT, env=environment, capture_output=True, text=True,
                          check=False, timeout=120)


def test_alembic_upgrade_head_creates_the_schema(tmp_path: Path) -> None:
    """`alembic upgrade head` from the project root migrates the ledger at the settings' URL."""
    url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
    done = _run([sys.executable, "-m", "alembic", "upgrade", "head"], tmp_path,
                INTERSESSIONAL_LEDGER_URL=url)
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "ledger.sqlite3") as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert {"events", "ledger_head", "checkpoints", "alembic_version"} <= tables
        assert db.execute("SELECT position FROM ledger_head").fetchone() == (0,)


def test_upgrade_checkpoint_verify_and_a_tampered_ledger(tmp_path: Path) -> None:
    """db upgrade, checkpoint and verify succeed on the embedded default; after a payload is
    edited behind the ledger's back, verify exits 1 naming the position."""
    for step in ("upgrade", "checkpoint", "verify"):
        done = _run([*CLI, "db", step], tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
    assert "signatures checked" in done.stdout
    assert (tmp_path / "checkpoint-signing-key.pem").exists()
    with sqlite3.connect(tmp_path / "ledger.sqlite3") as db:
        db.execute("INSERT INTO events VALUES (1, 'e', 's', 1, 'T', 1, '{}', 'a', 'r', 'x', 'x', "
                   "NULL, NULL, NULL, :z, :z)", {"z": "0" * 64})
        db.execute("UPDATE ledger_head SET position = 1")
    done = _run([*CLI, "db", "verify"], tmp_path)
    assert done.returncode == 1
    assert "altered at position 1" in done.stdout


def test_an_unusable_ledger_url_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    """A URL for another database is refused in one sentence, and nothing is created."""
    done = _run([*CLI, "db", "upgrade"], tmp_path, INTERSESSIONAL_LEDGER_URL="mysql://x/y")
    assert done.returncode == 2
    assert done.stdout == ""
    assert "runs on SQLite or PostgreSQL" in done.stderr
    assert not (tmp_path / "ledger.sqlite3").exists()
