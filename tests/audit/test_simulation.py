"""The five simulated years hold what an audit must find."""

from __future__ import annotations

from collections import Counter

from domain.cycle import fold
from domain.events import CoordinatorsElected, parse_event
from domain.state import WorkplanStatus
from ledger import Ledger
from simulation import NECESSITY
from tests.audit.conftest import YEARS


def test_five_years_close_with_their_deviations(five_years_ledger: Ledger) -> None:
    recorded = five_years_ledger.read_after(0, 100_000)
    for year in YEARS:
        state = fold(parse_event(e.payload) for e in recorded if e.stream == f"cycle-{year}")
        assert state.closed
        assert state.workplan_status is WorkplanStatus.ADOPTED
    kinds = Counter(e.type for e in recorded)
    assert kinds["CycleClosed"] == len(YEARS)
    assert kinds["WorkplanReturnedForRevision"] == 1
    assert kinds["DeadlineMissed"] >= 1
    elections = [parse_event(e.payload) for e in recorded if e.type == "CoordinatorsElected"]
    necessity = [n for e in elections if isinstance(e, CoordinatorsElected)
                 for n in e.election.necessity]
    assert [(n.reason, n.mandate) for n in necessity] == [(NECESSITY, necessity[0].mandate)]
