"""A PostgreSQL ledger: ``intersessional db backup`` and ``restore`` refuse it with one sentence
pointing to docs/OPERATIONS.md, and the ``pg_dump`` / ``pg_restore`` commands that page gives
do back up and restore a real ledger (its chains verify, its head is the dump's)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ledger import Ledger, create_ledger_engine, upgrade
from ledger.verify import verify
from tests.backends import client_tools, postgres_url, server_url, worker_database
from tests.e2e.conftest import Dev
from tests.ledger.conftest import populate

OPERATIONS = Path(__file__).resolve().parents[2] / "docs" / "OPERATIONS.md"


def test_backup_and_restore_refuse_a_postgresql_ledger_with_the_guidance(
        dev: Dev, tmp_path: Path) -> None:
    env = {"INTERSESSIONAL_LEDGER_URL": postgres_url()}
    for command, tool in (("backup", "pg_dump"), ("restore", "pg_restore")):
        done = dev.cli("db", command, str(tmp_path / "backup"), exit_code=2, env=env)
        lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        assert len(lines) == 1, lines
        assert "the ledger is on postgresql, not SQLite" in lines[0]
        assert tool in lines[0]
        assert "docs/OPERATIONS.md, *Backup and restore*" in lines[0]
    assert not (tmp_path / "backup").exists()
    assert not dev.data_dir.exists()  # nothing made, not even the data directory
    assert "## Backup and restore" in OPERATIONS.read_text()


def fresh_database(name: str) -> str:
    """An empty database ``name`` (of this xdist worker) on the test server; its libpq URL."""
    database = worker_database(name)
    admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
    finally:
        admin.dispose()
    return make_url(postgres_url()).set(database=database).render_as_string(hide_password=False)


def documented(command: str) -> list[str]:
    """The options docs/OPERATIONS.md gives ``command`` (its line in a shell block)."""
    line = re.search(rf"^{command} (.*)$", OPERATIONS.read_text(), re.MULTILINE)
    assert line, f"docs/OPERATIONS.md gives no {command} command"
    return re.findall(r"(--[a-z-]+)", line[1].split("#")[0])


def test_the_documented_pg_dump_and_pg_restore_keep_the_ledger(tmp_path: Path) -> None:
    postgres_url()  # skips, with the reason, without a server
    client_tools()
    dump_options, restore_options = documented("pg_dump"), documented("pg_restore")
    assert {"--format", "--file"} <= set(dump_options)  # custom format, as run below
    source, target = fresh_database("backup_source"), fresh_database("backup_target")
    engine = create_ledger_engine(source)
    try:
        upgrade(engine)
        recorded = populate(Ledger(engine), rounds=4)
        dump = tmp_path / "ledger.dump"
        subprocess.run(["pg_dump", "--format=custom", f"--file={dump}", source], check=True,
                       timeout=60)
        populate(Ledger(engine), streams=("cycle-2027",), rounds=1)  # after the dump
    finally:
        engine.dispose()
    assert {"--no-owner", "--exit-on-error", "--dbname"} <= set(restore_options)
    subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={target}",
                    str(dump)], check=True, timeout=60)
    restored = create_ledger_engine(target)
    try:
        assert Ledger(restored).head() == recorded
        report = verify(restored, None)
        assert report.intact, report.problem
        assert report.events == recorded
    finally:
        restored.dispose()
