"""The ledger's two backends for tests: SQLite in a temporary directory, or PostgreSQL in a
schema of its own, dropped afterwards.

PostgreSQL comes from ``INTERSESSIONAL_TEST_POSTGRES_URL`` (default: the local server). Without
a reachable server the PostgreSQL cases skip with the reason — unless
``INTERSESSIONAL_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), under which a missing server fails.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from ledger import create_ledger_engine, upgrade
from ledger.engine import unreachable

POSTGRES_URL = os.environ.get("INTERSESSIONAL_TEST_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")
REQUIRED = os.environ.get("INTERSESSIONAL_REQUIRE_POSTGRES") == "1"


def require_postgres() -> None:
    """Skip with the reason when no PostgreSQL answers — or fail, under
    ``INTERSESSIONAL_REQUIRE_POSTGRES=1``."""
    why = unreachable(POSTGRES_URL)
    if why:
        reason = f"PostgreSQL at {why}"
        if REQUIRED:
            pytest.fail(f"{reason}, and INTERSESSIONAL_REQUIRE_POSTGRES=1")
        pytest.skip(reason)


@contextmanager
def ledger_database(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty ledger database on ``backend`` ("sqlite" or "postgresql")."""
    if backend == "sqlite":
        eng = create_ledger_engine(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
        upgrade(eng)
        yield eng
        eng.dispose()
        return
    require_postgres()
    schema = f"ledger_test_{uuid.uuid4().hex[:12]}"
    admin = create_ledger_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = create_ledger_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(eng)
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
