"""Coalitions and silence procedures are listed in the order a person counts them, not as the
ledger sorts their names as text."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from domain.kinds import COALITION, SILENCE
from ledger import Ledger, NewEvent, create_ledger_engine, upgrade
from reading.streams import numbered, streams


def test_the_tenth_comes_after_the_second() -> None:
    assert numbered(["coalition-lao-10", "coalition-lao-2", "coalition-khm-1",
                     "coalition-lao-1"]) == [
        "coalition-khm-1", "coalition-lao-1", "coalition-lao-2", "coalition-lao-10"]
    assert numbered(["silence-2027-1", "silence-2026-11", "silence-2026-3"]) == [
        "silence-2026-3", "silence-2026-11", "silence-2027-1"]


@given(st.sets(st.integers(1, 10_000), min_size=1, max_size=30))
def test_ids_of_one_state_are_in_numeric_order(numbers: set[int]) -> None:
    ids = [f"coalition-lao-{n}" for n in numbers]
    assert numbered(ids) == [f"coalition-lao-{n}" for n in sorted(numbers)]


def test_the_ledgers_processes_are_listed_by_number(tmp_path: Path) -> None:
    engine = create_ledger_engine(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    upgrade(engine)
    ledger = Ledger(engine)
    for stream in ("coalition-lao-10", "coalition-lao-2", "silence-2026-12", "silence-2026-9"):
        ledger.append(stream, [NewEvent(
            event_id=uuid.uuid4(), type="Noted", schema_version=1, payload={}, actor="ISU",
            role="isu", occurred_at=datetime(2026, 11, 23, tzinfo=UTC))], 0)
    assert ledger.streams("coalition-") == ["coalition-lao-10", "coalition-lao-2"]  # as text
    assert streams(ledger, COALITION) == ["coalition-lao-2", "coalition-lao-10"]
    assert streams(ledger, SILENCE) == ["silence-2026-9", "silence-2026-12"]
    engine.dispose()
