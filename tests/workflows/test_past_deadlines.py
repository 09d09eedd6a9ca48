"""Past deadlines stay quiet (issue 20): a year recorded after its time — back-dated into the
ledger — and started from the ledger by the recovery waits at its present step, its reminders
and escalations unrecorded, instead of every past timer firing at once. A deadline that fell
due after the ledger last recorded the year (the engine was down) still fires."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from contracts import cycle_id
from domain import commands as c
from domain.decide import opening
from domain.events import CycleOpened
from ledger import Ledger, NewEvent
from recovery.repair import recover
from scenarios import scripted
from tests.cycles import cycle_state, pending
from tests.workflows.conftest import Engine

YEAR = 2019
OPENED = datetime(2018, 12, 3, 9, tzinfo=UTC)
DEADLINES = {"DeadlineReminderSent", "DeadlineMissed"}


def _back_dated(ledger: Ledger) -> CycleOpened:
    """The 2019 cycle opened on 3 December 2018, as the record of the past says."""
    event = opening(c.OpenCycle(year=YEAR, actor=scripted.ISU,
                                carried_presidencies=(scripted.first_presidency(YEAR),)),
                    (), (), OPENED)
    ledger.append(cycle_id(YEAR), [NewEvent(
        event_id=uuid.uuid4(), type=event.type, schema_version=event.schema_version,
        payload=event.model_dump(mode="json"), actor=event.actor.name,
        role=event.actor.role.value, occurred_at=event.occurred_at)], 0)
    return event


async def _recovered(engine: Engine) -> None:
    [repaired] = await recover(engine.client, engine.ledger, engine.task_queue)
    assert (repaired.problem, repaired.healed) == ("missing", True)


async def _types_after(engine: Engine, wanted: int, *, seconds: float = 5.0) -> list[str]:
    """The stream's event types once it holds ``wanted`` events (or after ``seconds``)."""
    for _ in range(int(seconds * 10)):
        recorded = [e.type for e in engine.ledger.read_stream(cycle_id(YEAR))]
        if len(recorded) >= wanted:
            break
        await asyncio.sleep(0.1)
    return recorded


@pytest.mark.parametrize("engine_parts", ["sqlite", "postgresql"], indirect=True)
async def test_a_back_dated_year_waits_at_its_step_without_firing(engine: Engine) -> None:
    _back_dated(engine.ledger)  # recorded now, years after its deadlines
    await _recovered(engine)
    await engine.env.sleep(3600)  # the timers' turn, had they any moment left to wait for
    assert await _types_after(engine, 2, seconds=2) == ["CycleOpened"]
    state = await cycle_state(engine.client, YEAR)
    assert state.reminders == ()
    assert state.deadlines_missed == ()
    assert {p.step for p in await pending(engine.client, YEAR)} == {  # the election's steps
        "elect_coordinators", "designate_president"}
    assert state == engine.folded(YEAR)


async def test_a_deadline_due_after_the_last_record_still_fires(engine: Engine) -> None:
    # recorded on 3 December 2018: every deadline of 2019 fell due after, the engine down
    recorded_then = Ledger(engine.ledger.engine, clock=lambda: OPENED)
    _back_dated(recorded_then)
    await _recovered(engine)
    types = await _types_after(engine, 4)
    assert types[0] == "CycleOpened"
    assert set(types[1:]) == {"DeadlineMissed"}  # opened too late to remind: escalated
    state = await cycle_state(engine.client, YEAR)
    assert len(state.deadlines_missed) == 3
    assert state == engine.folded(YEAR)
