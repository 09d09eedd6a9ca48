"""deploy/backup/backup.sh and restore.sh, run for real as the backup service runs them (here
with this machine's PostgreSQL and its pg_dump, not in Docker): a ledger made by
``intersessional db upgrade`` holding a person, and a database standing for Temporal's, backed
up with the document store; the health check's verdict; then the ledger dropped and Temporal's
rows deleted, restored — the ledger first — and read back by the CLI; a damaged backup refused
with nothing restored; and a stale backup unhealthy."""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.backends import client_tools, postgres_url, server_url, worker_database
from tests.deploy.backups import BACKUP, RESTORE, run_script, sql
from tests.e2e.conftest import INTERSESSIONAL
from tests.topology.conftest import child_environment


@pytest.fixture(autouse=True)
def _client_tools() -> None:
    """The scripts need pg_dump and pg_restore: skipped without them, failed under CI."""
    client_tools()


@pytest.fixture
def databases() -> Iterator[tuple[str, str]]:
    """A ledger's and a Temporal stand-in's database of this run, dropped afterwards."""
    postgres_url()  # skips, or fails under INTERSESSIONAL_REQUIRE_POSTGRES=1, without a server
    stem = f"{worker_database('backup')}_{uuid.uuid4().hex[:8]}"
    names = (f"{stem}_temporal", f"{stem}_ledger")
    for name in names:
        sql("postgres", f'CREATE DATABASE "{name}"')
    try:
        yield names
    finally:
        for name in names:
            sql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _cli(ledger: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    url = server_url(ledger).render_as_string(hide_password=False)
    env = child_environment({"ledger_url": url, "data_dir": tmp_path / "data"})
    return subprocess.run([str(INTERSESSIONAL), *args], capture_output=True, text=True,
                          timeout=60, check=False, env=env)


def test_backup_then_restore_the_ledger_first(databases: tuple[str, str],
                                              tmp_path: Path) -> None:
    temporal, ledger = databases
    assert _cli(ledger, tmp_path, "db", "upgrade").returncode == 0
    added = _cli(ledger, tmp_path, "users", "add", "Ana Ruiz", "--role", "isu")
    assert added.returncode == 0, added.stderr
    sql(temporal, "CREATE TABLE executions (id int); INSERT INTO executions VALUES (1), (2)")
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "wp1.pdf").write_bytes(b"%PDF-1.7 a working paper")
    store = tmp_path / "backups"
    env = {"BACKUP_DIR": str(store), "BACKUP_DATABASES": f"{temporal} {ledger}",
           "BACKUP_DOCUMENTS_DIR": str(documents), "BACKUP_KEEP": "2"}

    assert run_script(BACKUP, "check", **env).returncode == 1  # nothing yet: unhealthy
    ran = run_script(BACKUP, "once", **env)
    assert ran.returncode == 0, ran.stderr
    (taken,) = [p for p in store.iterdir()]
    assert not taken.name.startswith(".partial")
    assert {p.name for p in taken.iterdir()} == {f"{temporal}.dump", f"{ledger}.dump",
                                                 "documents.tar.gz", "BACKUP", "SHA256SUMS"}
    assert run_script(BACKUP, "check", **env).returncode == 0

    # the disaster: the ledger's database gone, Temporal's emptied
    sql("postgres", f'DROP DATABASE "{ledger}" WITH (FORCE)')
    sql(temporal, "DELETE FROM executions")

    restored = run_script(RESTORE, str(taken), ledger, temporal)
    assert restored.returncode == 0, restored.stderr
    listed = _cli(ledger, tmp_path, "users", "list")
    assert listed.returncode == 0, listed.stderr
    assert "Ana Ruiz" in listed.stdout
    assert sql(temporal, "SELECT count(*) FROM executions") == [(2,)]


def test_a_damaged_backup_restores_nothing_and_a_stale_one_is_unhealthy(
        databases: tuple[str, str], tmp_path: Path) -> None:
    temporal, ledger = databases
    sql(ledger, "CREATE TABLE events (id int); INSERT INTO events VALUES (1)")
    store = tmp_path / "backups"
    env = {"BACKUP_DIR": str(store), "BACKUP_DATABASES": ledger, "BACKUP_INTERVAL_HOURS": "1"}
    assert run_script(BACKUP, "once", **env).returncode == 0
    (taken,) = list(store.iterdir())
    sql(ledger, "INSERT INTO events VALUES (2)")
    dump = taken / f"{ledger}.dump"
    dump.write_bytes(dump.read_bytes()[:-1] + bytes([dump.read_bytes()[-1] ^ 1]))

    refused = run_script(RESTORE, str(taken), ledger)
    assert refused.returncode == 1
    assert "does not match SHA256SUMS; nothing was restored" in refused.stderr
    assert sql(ledger, "SELECT count(*) FROM events") == [(2,)]  # untouched
    assert run_script(RESTORE, str(taken), temporal).returncode == 2  # no dump of it

    old = 3 * 3600  # three hours ago: more than two intervals of one hour
    stat = taken.stat()
    os.utime(taken, (stat.st_atime - old, stat.st_mtime - old))
    stale = run_script(BACKUP, "check", **env)
    assert stale.returncode == 1
    assert "older than 2 hours" in stale.stderr
    assert run_script(BACKUP, "once", **{**env, "BACKUP_KEEP": "none"}).returncode == 2
