"""Running deploy/backup/backup.sh and restore.sh as the backup service runs them, here with
this machine's PostgreSQL and its client tools (tests/deploy/test_backup.py, and
tests/topology against a running topology's ledger)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.backends import server_url
from tests.deploy.files import ROOT

BACKUP = ROOT / "deploy" / "backup" / "backup.sh"
RESTORE = ROOT / "deploy" / "backup" / "restore.sh"


def sql(database: str, statement: str) -> list[tuple[object, ...]]:
    """``statement`` run in ``database`` of the test server (autocommit); its rows."""
    engine = create_engine(server_url(database), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            result = conn.execute(text(statement))
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        engine.dispose()


def libpq() -> dict[str, str]:
    """libpq's variables (the backup service's PGHOST, PGPORT, PGUSER, PGPASSWORD) naming the
    test server."""
    url = server_url()
    env = {"PGHOST": url.host or "127.0.0.1", "PGPORT": str(url.port or 5432),
           "PGUSER": url.username or "postgres"}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return env


def run_script(script: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``sh script args…`` with this environment, :func:`libpq` and ``env``."""
    return subprocess.run(["sh", str(script), *args], capture_output=True, text=True,
                          timeout=60, check=False, env={**os.environ, **libpq(), **env})
