"""Three consecutive years: each closing cycle opens the next, which carries over the terms
still running, so the staggered elections (CO-5) and rotation (CO-7) hold across years."""

from __future__ import annotations

from collections import Counter

from contracts import cycle_id
from domain.elections import holders
from domain.events import CycleOpened, parse_event
from domain.state import WorkplanStatus
from scenarios.scripted import run_year
from tests.workflows.conftest import Engine
from workflows.cycle import AnnualCycleWorkflow


async def _closed(engine: Engine, year: int) -> None:
    outcome = await engine.client.get_workflow_handle_for(AnnualCycleWorkflow.run,
                                                           cycle_id(year)).result()
    assert outcome.workplan_status is WorkplanStatus.ADOPTED
    assert outcome.next_cycle == cycle_id(year + 1)


async def test_three_years_carry_their_staggered_terms_over(engine: Engine) -> None:
    await run_year(engine.client, 2027, engine.task_queue)
    await _closed(engine, 2027)
    for year in (2028, 2029):
        # the closing cycle opened this one; the ISU opening it again changes nothing
        await run_year(engine.client, year, engine.task_queue, first=False)
        await _closed(engine, year)

    for year in (2027, 2028, 2029):
        state = engine.folded(year)
        assert state.closed
        assert state.workplan_status is WorkplanStatus.ADOPTED
        in_office = holders(state.terms, year)
        # every seat of every mandate is filled, and in each two-seat group the two terms
        # end in different years (CO-5's staggering survives the carry-over)
        assert {k: len(v) for k, v in in_office.items()} == {
            m.key: m.max_seats for m in state.mandates}
        for terms in in_office.values():
            if len(terms) == 2:
                assert terms[0].last_year != terms[1].last_year
    opened_2028 = parse_event(engine.ledger.read_stream(cycle_id(2028))[0].payload)
    assert isinstance(opened_2028, CycleOpened)
    assert opened_2028.actor.role == "engine"  # opened by 2027's close, not by a person
    assert opened_2028.carried_terms == tuple(
        t for t in engine.folded(2027).terms if t.last_year >= 2027)
    # after the first round, each MSP elects only the seats falling vacant: six, then eight
    elected = [len(engine.folded(y).election.terms)  # type: ignore[union-attr]
               for y in (2027, 2028, 2029)]
    assert elected == [14, 6, 8]
    # no State coordinates a mandate in the term right after one it held (CO-7)
    for year in (2028, 2029):
        new = engine.folded(year).election.terms  # type: ignore[union-attr]
        before = {(t.state, t.mandate) for t in engine.folded(year - 1).terms
                  if t.last_year == year - 1}
        assert not {(t.state, t.mandate) for t in new} & before
    # 2029's close opened 2030, which records its opening and waits for people
    await engine.client.get_workflow_handle(cycle_id(2030)).execute_update(
        AnnualCycleWorkflow.wait_opened)
    assert Counter(e.stream for e in engine.ledger.read_after(0, 10_000)) == {
        "cycle-2027": 14, "cycle-2028": 14, "cycle-2029": 14, "cycle-2030": 1}
