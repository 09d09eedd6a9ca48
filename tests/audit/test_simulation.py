"""The five simulated years hold what an audit must find: the cycles' deviations, and a
coalition and two silence procedures beside them."""

from __future__ import annotations

from collections import Counter

from domain.cycle import fold
from domain.events import CoordinatorsElected, parse_event
from domain.kinds import COALITION as COALITIONS
from domain.kinds import SILENCE as SILENCES
from domain.kinds import kind_of
from domain.state import WorkplanStatus
from ledger import Ledger
from reading import streams as reading
from reading.streams import streams
from scenarios.simulation import ADOPTED, COALITION, NECESSITY, WITHDRAWN
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


def test_the_processes_run_beside_the_cycles_within_their_years(
        five_years_ledger: Ledger) -> None:
    assert streams(five_years_ledger, COALITIONS) == [COALITION]
    assert streams(five_years_ledger, SILENCES) == [ADOPTED, WITHDRAWN]
    for stream, phase, years in ((COALITION, "closed", {2027, 2028}),
                                 (ADOPTED, "adopted", {2027}), (WITHDRAWN, "withdrawn", {2028})):
        recorded = five_years_ledger.read_stream(stream)
        folded = reading.fold(kind_of(stream), recorded)
        assert folded.phase.value == phase
        assert {int(e.occurred_at[:4]) for e in recorded} == years
        assert {e.workflow_id for e in recorded} == {stream}  # each recorded by its workflow
    events = five_years_ledger.read_after(0, 100_000)
    # the first two years' processes come after the year's meeting was convened
    convened = [e.position for e in events if e.type == "IntersessionalMeetingConvened"]
    first_steps = [five_years_ledger.read_stream(s)[0].position
                   for s in (COALITION, WITHDRAWN)]
    assert convened[0] < first_steps[0] < convened[1] < first_steps[1] < convened[2]
