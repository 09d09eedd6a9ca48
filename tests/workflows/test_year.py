"""A whole year through the durable workflow, and the ledger rebuilding it at every step."""

from __future__ import annotations

import pytest

from contracts import cycle_id
from domain.commands import OpenCycle
from domain.errors import RuleViolation
from domain.state import CycleState, Phase, WorkplanStatus
from ledger.records import Receipt
from scenarios.scripted import ISU, first_presidency, run_year
from tests.cycles import open_cycle
from tests.workflows.conftest import Engine
from workflows.cycle import AnnualCycleWorkflow


@pytest.mark.parametrize("engine_parts", ["sqlite", "postgresql"], indirect=True)
async def test_a_whole_year_rebuilds_from_the_ledger_at_every_step(engine: Engine) -> None:
    """fold(ledger events) == the workflow's queried state after every step of a full year."""
    seen: list[str] = []

    async def check(name: str, receipt: Receipt, state: CycleState) -> None:
        # the engine may already have recorded what follows (CycleClosed after the adoption):
        # the state must be the fold of exactly the ledger's first event_count events
        assert engine.folded(2027, upto=state.event_count) == state, f"differ after {name}"
        recorded = engine.ledger.read_stream(cycle_id(2027), from_version=receipt.version)
        assert recorded[0].event_id == receipt.event_id, f"{name}: receipt not in the ledger"
        # only the engine's own CycleClosed may follow a person's step before it is queried
        assert [e.type for e in recorded[1:]] in ([], ["CycleClosed"]), name
        # the state was queried before the ledger was read: it holds the step, and CycleClosed
        # if that was applied by then (recorded between the two readings, it is not)
        assert receipt.version <= state.event_count <= receipt.version + len(recorded) - 1
        seen.append(name)

    last = await run_year(engine.client, 2027, engine.task_queue, step=check)
    assert last.phase in (Phase.CLOSING, Phase.CLOSED)  # the engine may have closed it already
    assert last.workplan_status is WorkplanStatus.ADOPTED
    outcome = await engine.client.get_workflow_handle_for(AnnualCycleWorkflow.run,
                                                           cycle_id(2027)).result()
    assert outcome.workplan_status is WorkplanStatus.ADOPTED
    closed = engine.folded(2027)
    assert closed.closed
    assert closed.event_count == outcome.events == len(seen) + 1
    assert seen.count("return_workplan") == 1
    assert seen[-1] == "adopt_workplan"
    assert outcome.checkpoint.tree_size >= outcome.events


async def test_opening_a_year_twice_is_idempotent_and_a_closed_year_stays_closed(
        engine: Engine) -> None:
    command = OpenCycle(year=2027, actor=ISU, carried_presidencies=(first_presidency(2027),))
    first = await open_cycle(engine.client, command, engine.task_queue)
    again = await open_cycle(engine.client, command, engine.task_queue)
    assert again == first
    assert engine.ledger.head() == 1
    await run_year(engine.client, 2027, engine.task_queue)
    await engine.client.get_workflow_handle(cycle_id(2027)).result()
    head = engine.ledger.head()
    with pytest.raises(RuleViolation) as refused:
        await open_cycle(engine.client, command, engine.task_queue)
    assert refused.value.rule_id == "ISU-2"
    assert "already run and closed" in refused.value.message
    assert engine.ledger.head() == head
