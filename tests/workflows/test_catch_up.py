"""The ledger is the authority: a workflow that finds the ledger holding more of its stream
applies what it lacks instead of failing; one that finds it holding less stops the year
visibly; a year whose workflow was terminated starts again from the ledger.

What a lost workflow task or a rolled-back Temporal database leaves behind — events in the
ledger the workflow never applied — is made here by appending them to the ledger as the lost
run did: decided by the same rules, under the workflow's id and run. The real faults (SIGKILL,
``temporal workflow reset``, an older database) are in ``tests/chaos``.
"""

from __future__ import annotations

import asyncio
import functools
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import text

from contracts import cycle_id
from domain import commands as c
from domain.convention import shipped_registry
from domain.decide import decide
from domain.errors import RuleViolation
from domain.kinds import CYCLE
from domain.state import CycleState, WorkplanStatus
from ledger import NewEvent, Receipt
from ledger.attention import noted
from reading.streams import state_of
from recovery.repair import recover
from recovery.survey import survey
from scenarios.scripted import meeting, presidency, president, run_year
from stepping import client as steps
from tests.cycles import cycle_state, take_step
from tests.workflows.conftest import Engine
from workflows.cycle import AnnualCycleWorkflow

YEAR = 2031


async def _elected(engine: Engine) -> CycleState:
    """The year opened and its coordinators elected (two events), the rest left to the test."""
    return await run_year(engine.client, YEAR, engine.task_queue, until="designate_president")


def _designation(state: CycleState) -> c.DesignatePresident:
    cal = state.calendar
    assert cal is not None
    return c.DesignatePresident(actor=president(YEAR),
                                presidency=presidency(YEAR, cal.opening_msp, cal.closing_msp))


async def _recorded_behind_its_back(engine: Engine, command: c.StepCommand,
                                    at: datetime) -> Receipt:
    """``command``'s event appended to the ledger as a lost run of the workflow did, at ``at``."""
    state = engine.folded(YEAR)
    event = decide(state, command, shipped_registry(), at)
    run = (await engine.client.get_workflow_handle(cycle_id(YEAR)).describe()).run_id
    [receipt] = engine.ledger.append(cycle_id(YEAR), [NewEvent(
        event_id=uuid4(), type=event.type, schema_version=event.schema_version,
        payload=event.model_dump(mode="json"), actor=event.actor.name,
        role=event.actor.role.value, occurred_at=event.occurred_at,
        workflow_id=cycle_id(YEAR), run_id=run)], state.event_count)
    return receipt


async def test_a_step_the_ledger_already_holds_is_adopted_not_recorded_twice(
        engine: Engine) -> None:
    """A retried workflow task decides the step again at another moment: the ledger's copy,
    recorded by the first attempt, stands, and the person receives its receipt."""
    state = await _elected(engine)
    first = await _recorded_behind_its_back(engine, _designation(state),
                                            datetime.now(UTC) - timedelta(minutes=3))
    again = await take_step(engine.client, YEAR, _designation(state))
    assert again == first
    recorded = engine.ledger.read_stream(cycle_id(YEAR))
    assert [e.type for e in recorded].count("PresidentDesignated") == 1
    assert await cycle_state(engine.client, YEAR) == engine.folded(YEAR)
    after = await take_step(engine.client, YEAR, c.ConveneMeeting(actor=president(YEAR),
                                                                  meeting=meeting(YEAR)))
    assert after.version == 4


async def test_a_workflow_behind_the_ledger_applies_what_it_lacks_then_records(
        engine: Engine) -> None:
    state = await _elected(engine)
    await _recorded_behind_its_back(engine, _designation(state), datetime.now(UTC))
    assert (await cycle_state(engine.client, YEAR)).event_count == 2  # behind
    found = {s.stream: s for s in await survey(engine.client, engine.ledger)}
    assert found[cycle_id(YEAR)].problem == "behind"
    convening = c.ConveneMeeting(actor=president(YEAR), meeting=meeting(YEAR))
    with pytest.raises(RuleViolation):  # judged on the state it holds, without the ledger's
        await take_step(engine.client, YEAR, convening)
    receipt = await steps.take(engine.client, CYCLE, cycle_id(YEAR), convening,
                               recorded=lambda stream: state_of(engine.ledger, stream))
    assert receipt.version == 4
    assert await cycle_state(engine.client, YEAR) == engine.folded(YEAR)
    assert [s.problem for s in await survey(engine.client, engine.ledger)] == [None]


async def test_recover_catches_a_running_workflow_up(engine: Engine) -> None:
    state = await _elected(engine)
    await _recorded_behind_its_back(engine, _designation(state), datetime.now(UTC))
    [repaired] = await recover(engine.client, engine.ledger, engine.task_queue)
    assert (repaired.problem, repaired.action, repaired.healed) == (
        "behind", "caught up from the ledger", True)
    assert (await cycle_state(engine.client, YEAR)).event_count == 3


async def test_a_ledger_behind_the_workflow_stops_the_year_with_its_cause(
        engine: Engine) -> None:
    """An older copy of the ledger restored under a running year: the engine cannot make the
    ledger's past agree with what it applied, so it says so, once, and stops — then the
    recovery starts the year again from the ledger, which wins."""
    state = await _elected(engine)
    await take_step(engine.client, YEAR, _designation(state))
    with engine.ledger.engine.begin() as conn:  # the copy from before the designation
        conn.execute(text("DELETE FROM events WHERE stream = :s AND version = 3"),
                     {"s": cycle_id(YEAR)})
        conn.execute(text("UPDATE ledger_head SET position = position - 1"))
    with pytest.raises(steps.NotRunning) as refused:
        await take_step(engine.client, YEAR, c.ConveneMeeting(actor=president(YEAR),
                                                              meeting=meeting(YEAR)))
    assert "needs attention: the ledger holds 2 events" in str(refused.value)
    assert "engine recover" in str(refused.value)
    [attention] = noted(engine.ledger.engine)
    assert attention.stream == cycle_id(YEAR)
    assert "holds 2 events" in attention.cause
    assert "applied 3" in attention.cause
    assert len(engine.ledger.read_stream(cycle_id(YEAR))) == 2  # nothing more recorded
    [repaired] = await recover(engine.client, engine.ledger, engine.task_queue)
    assert repaired.problem == "needs-attention"
    assert repaired.healed
    assert noted(engine.ledger.engine) == []
    assert (await cycle_state(engine.client, YEAR)).event_count == 2  # as the ledger says
    receipt = await take_step(engine.client, YEAR, _designation(state))
    assert receipt.version == 3


async def test_a_terminated_year_starts_again_from_the_ledger_and_completes(
        engine: Engine) -> None:
    await _elected(engine)
    handle = engine.client.get_workflow_handle(cycle_id(YEAR))
    await handle.terminate(reason="an operator's mistake")
    [found] = await survey(engine.client, engine.ledger)
    assert (found.problem, found.ledger_version) == ("terminated", 2)
    [repaired] = await recover(engine.client, engine.ledger, engine.task_queue)
    assert repaired.healed
    assert repaired.action == "started again from the ledger"
    assert await cycle_state(engine.client, YEAR) == engine.folded(YEAR)
    final = await run_year(engine.client, YEAR, engine.task_queue, resume=True)
    assert final.workplan_status is WorkplanStatus.ADOPTED
    outcome = await engine.client.get_workflow_handle_for(
        AnnualCycleWorkflow.run, cycle_id(YEAR)).result()
    recorded = engine.ledger.read_stream(cycle_id(YEAR))
    assert outcome.events == len(recorded) == recorded[-1].version
    assert [e.type for e in recorded].count("CycleOpened") == 1
    assert [e.type for e in recorded].count("CoordinatorsElected") == 1


async def test_the_same_request_sent_twice_is_one_step(engine: Engine) -> None:
    """A retry after a timeout, a second click: the same step, data and person, sent to the
    stream as the ledger held it, is one update to Temporal and one event."""
    state = await _elected(engine)
    recorded = functools.partial(state_of, engine.ledger)
    first, second = await asyncio.gather(*(
        steps.take(engine.client, CYCLE, cycle_id(YEAR), _designation(state),
                   recorded=recorded) for _ in range(2)))
    assert first == second
    assert [e.type for e in engine.ledger.read_stream(cycle_id(YEAR))].count(
        "PresidentDesignated") == 1


async def test_a_survey_while_a_year_moves_finds_nothing_wrong(engine: Engine) -> None:
    """The worker's recovery at start-up surveys every stream while its year goes on: a year
    recording a step, or closing and opening the next, is never judged ahead of the ledger
    nor ended on an open record (before the survey asked the workflow first, a year that
    recorded a step between the two readings was judged ahead, terminated mid-step and
    started again from the ledger; ``tests/chaos`` saw it)."""
    wrong: list[tuple[str, str | None, str]] = []
    moving, surveys = True, 0

    async def surveying() -> None:
        nonlocal surveys
        while moving:
            wrong.extend((s.stream, s.problem, s.cause)
                         for s in await survey(engine.client, engine.ledger)
                         if s.problem not in (None, "behind"))  # behind: caught up at once
            surveys += 1
            await asyncio.sleep(0.01)

    looking = asyncio.create_task(surveying())
    await run_year(engine.client, YEAR, engine.task_queue)
    await engine.client.get_workflow_handle(cycle_id(YEAR)).result()
    while engine.ledger.version(cycle_id(YEAR + 1)) == 0:  # the next year opening
        await asyncio.sleep(0.01)
    moving = False
    await looking
    assert surveys > 10
    assert wrong == []
