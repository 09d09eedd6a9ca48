"""The five simulated years hold what an audit must find."""

from __future__ import annotations

from collections import Counter

from domain.cycle import fold
from domain.events import parse_event
from domain.state import WorkplanStatus
from ledger import Ledger
from tests.audit.conftest import YEARS, World


def test_five_years_close_with_their_deviations(world: World, five_years_ledger: Ledger) -> None:
    recorded = five_years_ledger.read_after(0, 100_000)
    kinds = Counter(e.type for e in recorded)
    for year in YEARS:
        state = fold(parse_event(e.payload) for e in five_years_ledger.read_stream(f"cycle-{year}"))
        assert state.closed and state.workplan_status is WorkplanStatus.ADOPTED
    assert kinds["CycleClosed"] == 5
    assert kinds["WorkplanReturnedForRevision"] == 1
    assert kinds["DeadlineMissed"] >= 1
    elections = [parse_event(e.payload) for e in recorded if e.type == "CoordinatorsElected"]
    assert [len(e.election.necessity) for e in elections  # type: ignore[union-attr]
            ].count(1) == 1
