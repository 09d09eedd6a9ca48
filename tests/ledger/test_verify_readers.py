"""verify's worker processes read a SQLite ledger through sqlean.py when it loads
(``ledger.readers``), psycopg's binary format on PostgreSQL: a range reads the same whichever
library reads it, and a change to any column of any event is still named by the sequential
pass exactly as it would have been alone."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, text

import settings
from ledger import Ledger, readers, segments
from ledger.problems import ProblemKind
from ledger.records import COLUMNS
from ledger.verify import AFTER, BETWEEN, verify
from tests.ledger.conftest import execute, populate

# populate(): 30 events over three streams; position 20 is cycle-2026's seventh event
AT = 20
# a hash's first hex digit changed (SQL both backends speak)
_FLIP = "CASE WHEN substr({0}, 1, 1) = '0' THEN '1' ELSE '0' END || substr({0}, 2)"
#: each column changed as a tamperer would change it, and the kind the sequential pass names
CHANGES: dict[str, tuple[str, ProblemKind]] = {
    "position": ("position + 100", ProblemKind.DELETED),
    "event_id": ("'00000000-0000-4000-8000-000000000000'", ProblemKind.ALTERED),
    "stream": ("'cycle-2099'", ProblemKind.ALTERED),
    "version": ("version + 100", ProblemKind.ALTERED),
    "type": ("'WorkplanAdopted'", ProblemKind.ALTERED),
    "schema_version": ("schema_version + 1", ProblemKind.ALTERED),
    "actor": ("'Someone Else'", ProblemKind.ALTERED),
    "role": ("'president'", ProblemKind.ALTERED),
    "occurred_at": ("'2025-06-16T09:00:00.000001Z'", ProblemKind.ALTERED),
    "recorded_at": ("'2025-01-01T00:00:00.000001Z'", ProblemKind.ALTERED),
    "workflow_id": ("'cycle-2099'", ProblemKind.ALTERED),
    "run_id": ("NULL", ProblemKind.ALTERED),
    "causation_id": ("'00000000-0000-4000-8000-000000000001'", ProblemKind.ALTERED),
    "prev_hash": (_FLIP.format("prev_hash"), ProblemKind.ALTERED),
    "hash": (_FLIP.format("hash"), ProblemKind.ALTERED),
    "payload": ("replace(payload, '2025', '2026')", ProblemKind.ALTERED),
}


def _ranges(engine: Engine) -> list[segments.Segment | None]:
    """The log checked in two ranges (1–15, 16 on) in this process, as a worker would."""
    mark = "?" if engine.dialect.name == "sqlite" else "%s"
    url, options = segments._options(engine)
    return [segments.check(segments.Job(url, options, sql, start, end,
                                          sqlite=readers.sqlite_file(engine)))
            for sql, start, end in ((BETWEEN[mark], 0, 15), (AFTER[mark], 15, None))]


def _without_sqlean(monkeypatch: pytest.MonkeyPatch, engine: Engine
                    ) -> list[segments.Segment | None]:
    with monkeypatch.context() as patch:
        patch.setattr(readers, "sqlean", lambda: None)
        return _ranges(engine)


def test_sqlean_loads_here_and_says_which_sqlite_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dependency is installed (pyproject.toml): the fast reader is the one measured; the
    operator's variable turns it off."""
    assert readers.sqlean() is not None
    assert readers.description().startswith("sqlean.py (SQLite 3.")
    monkeypatch.setenv(readers.VARIABLE, "sqlite3")
    assert settings.unknown_variables({readers.VARIABLE: "sqlite3"}) == []
    assert readers.sqlean() is None
    assert readers.description().startswith("sqlite3 (SQLite 3.")


def test_a_range_reads_the_same_with_or_without_sqlean(
        ledger: Ledger, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    populate(ledger)
    fast = _ranges(engine)
    assert [r.count if r else None for r in fast] == [15, 15]
    assert fast == _without_sqlean(monkeypatch, engine)


@pytest.mark.parametrize("column", COLUMNS)
def test_a_change_to_any_column_is_named_as_sequentially(
        ledger: Ledger, engine: Engine, monkeypatch: pytest.MonkeyPatch, column: str) -> None:
    """One column of event 20 changed: the second range is not intact with either reader,
    and verify's report (parallel path first) is the sequential pass's, of the right kind."""
    populate(ledger)
    change, kind = CHANGES[column]
    event = f"SELECT {column} FROM events WHERE event_id = :id"
    with engine.connect() as conn:
        ident = conn.execute(text(f"SELECT event_id FROM events WHERE position = {AT}")).scalar()
        before: Any = conn.execute(text(event), {"id": ident}).scalar_one()
    execute(engine, f"UPDATE events SET {column} = {change} WHERE position = {AT}")
    if column != "event_id":
        with engine.connect() as conn:
            assert conn.execute(text(event), {"id": ident}).scalar_one() != before
    assert _ranges(engine)[1] is None
    assert _without_sqlean(monkeypatch, engine)[1] is None
    parallel = verify(engine, parallel_from=1, workers=2)
    assert parallel == verify(engine, workers=1)
    assert parallel.problem is not None
    assert parallel.problem.kind == kind, parallel.problem
