"""Identities on both backends: the ``people`` table in a migrated ledger database, on SQLite
and on PostgreSQL (``tests/backends.py``; PostgreSQL fails instead of skipping under
``INTERSESSIONAL_REQUIRE_POSTGRES=1``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from identities import People
from tests.backends import ledger_database


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty ledger database on each backend."""
    with ledger_database(request.param, tmp_path) as eng:
        yield eng


class Clock:
    """Each reading one second after the last."""

    def __init__(self) -> None:
        self.now = datetime(2026, 9, 7, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def people(engine: Engine) -> People:
    return People(engine, clock=Clock())


@pytest.fixture
def ledger_url(engine: Engine) -> str:
    """The URL of ``engine``'s database as a person would set INTERSESSIONAL_LEDGER_URL — on
    PostgreSQL with the test's own schema as the search path."""
    if engine.dialect.name == "sqlite":
        return engine.url.render_as_string(hide_password=False)
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    return engine.url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
        hide_password=False)


def count(engine: Engine) -> int:
    """How many rows ``people`` holds, by raw SQL."""
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM people")).scalar_one())


def rows(engine: Engine) -> list[tuple[object, ...]]:
    """Every column of every row of ``people``, by raw SQL."""
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM people ORDER BY id"))]
