"""Every refused step returns its rule id and records nothing: not in the ledger, not in the
workflow's state, not even as an accepted update in Temporal's history."""

from __future__ import annotations

import pytest
from temporalio.api.enums.v1 import EventType

from contracts import cycle_id
from domain import commands as c
from domain.convention import Actor, Role
from domain.elections import ElectionResult, Term, plan_first_round
from domain.errors import RuleViolation
from domain.state import CycleState
from ledger.records import Receipt
from scenarios import scripted
from tests.cycles import cycle_state, open_cycle, take_step
from tests.workflows.conftest import Engine

YEAR = 2027


async def _accepted_updates(engine: Engine) -> int:
    history = await engine.client.get_workflow_handle(cycle_id(YEAR)).fetch_history()
    return sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
               for e in history.events)


async def _refused(engine: Engine, command: c.StepCommand) -> RuleViolation:
    """Send ``command``; assert it is refused and that nothing anywhere changed."""
    head, state = engine.ledger.head(), await cycle_state(engine.client, YEAR)
    accepted = await _accepted_updates(engine)
    with pytest.raises(RuleViolation) as refused:
        await take_step(engine.client, YEAR, command)
    assert engine.ledger.head() == head
    assert await cycle_state(engine.client, YEAR) == state
    assert await _accepted_updates(engine) == accepted
    return refused.value


async def _open(engine: Engine) -> None:
    await open_cycle(engine.client, c.OpenCycle(
        year=YEAR, actor=scripted.ISU,
        carried_presidencies=(scripted.first_presidency(YEAR),)), engine.task_queue)


async def test_a_wrong_role_is_refused_with_the_steps_rule(engine: Engine) -> None:
    await _open(engine)
    auditor = Actor(name="Auditor", role=Role.AUDITOR)
    refusal = await _refused(engine, c.ElectCoordinators(
        actor=auditor, election=plan_first_round(YEAR - 1, scripted.FIRST_ROUND)))
    assert refusal.rule_id == "CO-2"
    assert "auditor" in refusal.message


async def test_a_step_out_of_phase_is_refused(engine: Engine) -> None:
    await _open(engine)
    refusal = await _refused(engine, c.ApproveWorkplan(actor=scripted.president(YEAR),
                                                       content_hash="a" * 64))
    assert refusal.rule_id == "ISU-3"
    assert "election phase" in refusal.message


async def test_an_ineligible_state_is_refused(engine: Engine) -> None:
    await _open(engine)
    usa = Term(state="USA", mandate="clearance", first_year=YEAR, last_year=YEAR + 1)
    refusal = await _refused(engine, c.ElectCoordinators(
        actor=scripted.president(YEAR), election=ElectionResult(msp_year=YEAR - 1,
                                                                 terms=(usa,))))
    assert refusal.rule_id == "CO-1"
    assert "USA" in refusal.message


async def test_a_workplan_altered_after_approval_is_refused(engine: Engine) -> None:
    approved: list[str] = []

    async def stop_after_approval(name: str, receipt: Receipt, state: CycleState) -> None:
        if name == "approve_workplan":
            approved.append(state.approved_hash or "")
            altered = scripted.workplan(YEAR + 1, "700000.00").content_hash()
            refusal = await _refused(engine, c.SendWorkplanToMSP(
                actor=scripted.president(YEAR), content_hash=altered))
            assert refusal.rule_id == "ISU-3"
            assert altered[:12] in refusal.message

    await scripted.run_year(engine.client, YEAR, engine.task_queue, step=stop_after_approval)
    assert approved
    assert (await cycle_state(engine.client, YEAR)).submitted_hash == approved[0]
