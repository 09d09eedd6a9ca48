"""The ledger is the authority a year is read from: the cycle's state folded from its recorded
events, and its pending steps computed from that state, are what the workflow itself holds, at
every step of a year run through the real engine. A step to a cycle whose workflow was
terminated is judged on the ledger's state: refused by the rules as before, else
``NotRunning``, naming the repair; nothing is recorded either way."""

from __future__ import annotations

from functools import partial

import pytest
from temporalio.service import RPCError, RPCStatusCode

from contracts import cycle_id
from domain import commands as c
from domain.errors import RuleViolation
from domain.kinds import CYCLE
from domain.state import CycleState, Phase, WorkplanStatus
from ledger.records import Receipt
from reading.streams import state_of
from scenarios.scripted import (
    ISU,
    EngineClock,
    first_presidency,
    present,
    president,
    run_year,
)
from stepping import client as engine_client
from stepping.client import NotRunning
from tests.workflows.conftest import Engine

YEAR = 2027
STREAM = cycle_id(YEAR)


async def _same_as_the_workflow(engine: Engine) -> CycleState:
    """The ledger's state of the year and its pending steps, checked against the workflow's
    queries; the ledger's state."""
    folded: CycleState = state_of(engine.ledger, STREAM)
    held = await engine_client.state(engine.client, CYCLE, STREAM)
    assert folded == held
    assert CYCLE.pending(folded) == await engine_client.pending(engine.client, STREAM)
    return folded


async def test_the_ledger_folds_what_the_workflow_holds_at_every_step(engine: Engine) -> None:
    seen: list[tuple[str, Phase, int]] = []

    async def check(name: str, _receipt: Receipt, _state: CycleState) -> None:
        if name == "adopt_workplan":  # answered first; the year closes in a task of its own
            await engine.client.get_workflow_handle(STREAM).result()
        folded = await _same_as_the_workflow(engine)
        seen.append((name, folded.phase, len(CYCLE.pending(folded))))

    await run_year(engine.client, YEAR, engine.task_queue, step=check, returns=1)
    await engine.client.get_workflow_handle(STREAM).result()
    closed = await _same_as_the_workflow(engine)  # a closed workflow still answers queries
    assert closed.phase is Phase.CLOSED
    assert CYCLE.pending(closed) == []
    # the comparison met every phase a person acts in, and steps open in each
    assert {phase for _, phase, _ in seen} >= {
        Phase.ELECTION, Phase.INTERSESSIONAL_MEETING, Phase.WORKPLAN, Phase.SUBMISSION,
        Phase.MSP_DECISION}
    assert [name for name, _, _ in seen].count("return_workplan") == 1
    assert all(open_ > 0 for name, _, open_ in seen if name != "adopt_workplan")

    # a closed year stays closed when the ledger is asked too
    head = engine.ledger.head()
    with pytest.raises(RuleViolation) as refused:
        await engine_client.begin(engine.client, CYCLE, c.OpenCycle(year=YEAR, actor=ISU),
                                  engine.task_queue, recorded=partial(state_of, engine.ledger))
    assert refused.value.rule_id == "ISU-2"
    assert "already run and closed" in refused.value.message
    assert engine.ledger.head() == head


async def test_a_step_to_a_terminated_cycle_is_judged_on_the_ledger(engine: Engine) -> None:
    before = await run_year(engine.client, YEAR, engine.task_queue, until="approve_workplan")
    assert before.workplan_status is WorkplanStatus.WITH_COMMITTEE
    assert before.draft_hash is not None
    await engine.client.get_workflow_handle(STREAM).terminate(reason="a test")
    recorded = partial(state_of, engine.ledger)
    head = engine.ledger.head()
    chair = president(YEAR)

    approve = c.ApproveWorkplan(actor=chair, content_hash=before.draft_hash,
                                present=present(before, await EngineClock(engine.client).today()))
    with pytest.raises(NotRunning) as stopped:
        await engine_client.take(engine.client, CYCLE, STREAM, approve, recorded=recorded)
    assert str(stopped.value) == (
        f"{STREAM} is open in the ledger but its workflow is not running (terminated); "
        "`intersessional engine recover` restarts it from the ledger.")
    assert stopped.value.stream == STREAM

    # refused by the rules on the ledger's state, as when the workflow ran (ISU-3: the MSP
    # decides on a work plan submitted to it, not one with the committee)
    adopt = c.AdoptWorkplan(actor=chair, content_hash=before.draft_hash)
    with pytest.raises(RuleViolation) as refused:
        await engine_client.take(engine.client, CYCLE, STREAM, adopt, recorded=recorded)
    assert refused.value.rule_id == "ISU-3"

    # opening the year again: open in the ledger, so not "already run and closed"
    with pytest.raises(NotRunning):
        await engine_client.begin(engine.client, CYCLE, c.OpenCycle(
            year=YEAR, actor=ISU, carried_presidencies=(first_presidency(YEAR),)),
            engine.task_queue, recorded=recorded)

    # a year the ledger never recorded is still no such stream
    with pytest.raises(RPCError) as missing:
        await engine_client.take(engine.client, CYCLE, cycle_id(2031), approve.model_copy(),
                                 recorded=recorded)
    assert missing.value.status is RPCStatusCode.NOT_FOUND
    assert engine.ledger.head() == head
    assert state_of(engine.ledger, STREAM) == before
