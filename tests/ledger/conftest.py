"""One test suite, two backends: every ledger test runs on SQLite and on PostgreSQL.

The backends come from ``tests/backends.py``: PostgreSQL in a schema of its own per test, which
skips without a reachable server unless ``INTERSESSIONAL_REQUIRE_POSTGRES=1`` (set by
``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text

from ledger import Ledger, NewEvent
from ledger.checkpoints import load_or_create_key
from tests.backends import ledger_database


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty ledger database on each backend."""
    with ledger_database(request.param, tmp_path) as eng:
        yield eng


class Clock:
    """A controllable clock: each reading advances one second unless told otherwise."""

    def __init__(self, start: datetime = datetime(2025, 1, 1, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ledger(engine: Engine, clock: Clock) -> Ledger:
    return Ledger(engine, clock=clock)


def new_event(n: int = 0, **changes: object) -> NewEvent:
    """A plausible cycle event; ``n`` varies its payload."""
    values: dict[str, object] = {
        "event_id": uuid.uuid4(), "type": "WorkplanDrafted", "schema_version": 1,
        "payload": {"year": 2025, "n": n, "title": "Plan de travail — 2026"},
        "actor": "ISU Director", "role": "isu",
        "occurred_at": datetime(2025, 6, 16, 9, tzinfo=UTC) + timedelta(minutes=n),
        "workflow_id": "cycle-2025", "run_id": "run-1",
    }
    values.update(changes)
    return NewEvent.model_validate(values)


def populate(ledger: Ledger, streams: tuple[str, ...] = ("cycle-2025", "cycle-2026",
                                                         "coalition-lao-1"),
             rounds: int = 10) -> int:
    """Interleave ``rounds`` single-event appends over ``streams``; return the event count."""
    count = 0
    for n in range(rounds):
        for stream in streams:
            ledger.append(stream, [new_event(count)], expected_version=n)
            count += 1
    return count


def execute(engine: Engine, sql: str, **params: object) -> None:
    """Raw SQL, as a tamperer with database access would run it."""
    with engine.begin() as conn:
        conn.execute(text(sql), params)


@pytest.fixture
def key(tmp_path: Path) -> Ed25519PrivateKey:
    """A checkpoint signing key of the test's own."""
    return load_or_create_key(tmp_path / "keys" / "checkpoint-signing-key.pem")


def append_stream(ledger: Ledger, count: int, prefix: str = "stream") -> None:
    """``count`` events in a new stream of their own (``<prefix>-…``), in batches of 100."""
    stream, version = f"{prefix}-{uuid.uuid4().hex[:12]}", 0
    while version < count:
        batch = [new_event(version + i) for i in range(min(100, count - version))]
        ledger.append(stream, batch, version)
        version += len(batch)
