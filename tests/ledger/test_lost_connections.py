"""A PostgreSQL server that terminates the ledger's backends (restarted, or an operator's
``pg_terminate_backend``, as ``make chaos``'s postgres-backend-kill does) leaves every pooled
connection dead. The first append to meet one fails and the rest of the pool is recycled with
it, as SQLAlchemy's own connections do: the next append records. (Recycling only the one
connection that failed, each retry met the next dead one, and the activity's backoff grew past
half a minute: a year looked wedged.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from ledger import Ledger
from ledger.engine import create_ledger_engine
from tests.backends import ledger_database, postgres_url
from tests.ledger.conftest import new_event

POOLED = 4


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    with ledger_database("postgresql", tmp_path) as eng:
        yield eng


def _terminate_pooled(engine: Engine) -> int:
    """Open ``POOLED`` connections at once, return them to the pool, then terminate their
    backends from outside; how many were terminated."""
    held = [engine.raw_connection() for _ in range(POOLED)]
    pids = []
    for pooled in held:
        cursor = pooled.driver_connection.cursor()  # type: ignore[union-attr]
        pids.append(cursor.execute("SELECT pg_backend_pid()").fetchone()[0])
        pooled.driver_connection.rollback()  # type: ignore[union-attr]
    for pooled in held:
        pooled.close()
    admin = create_ledger_engine(postgres_url())
    try:
        with admin.begin() as conn:
            return sum(bool(conn.execute(text("SELECT pg_terminate_backend(:pid)"),
                                         {"pid": pid}).scalar()) for pid in pids)
    finally:
        admin.dispose()


def test_after_the_backends_are_terminated_the_second_append_records(engine: Engine) -> None:
    ledger = Ledger(engine)
    ledger.append("cycle-2025", [new_event(0)], 0)
    assert _terminate_pooled(engine) == POOLED
    with pytest.raises(OperationalError):  # the first meets a dead connection
        ledger.append("cycle-2025", [new_event(1)], 1)
    [receipt] = ledger.append("cycle-2025", [new_event(1)], 1)
    assert (receipt.version, receipt.position) == (2, 2)
    assert ledger.version("cycle-2025") == 2
