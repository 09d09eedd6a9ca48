"""Deadlines are durable timers: a reminder before, and after the due date a missed deadline
escalated to the President; both recorded, nothing passing silently."""

from __future__ import annotations

from datetime import UTC, datetime

from contracts import cycle_id
from domain import commands as c
from domain.events import Deadline
from domain.state import Phase
from scenarios import scripted
from tests.cycles import cycle_state, take_step
from tests.workflows.conftest import Engine, to_the_meeting

YEAR = 2027



async def _sleep_until(engine: Engine, moment: datetime) -> None:
    await engine.env.sleep(moment - await engine.env.get_current_time())


async def test_a_missed_meeting_is_reminded_then_escalated(engine: Engine) -> None:
    await to_the_meeting(engine, YEAR)
    await _sleep_until(engine, datetime(YEAR, 6, 20, tzinfo=UTC))
    state = await cycle_state(engine.client, YEAR)
    assert state.reminders == (Deadline.INTERSESSIONAL_MEETING,)
    assert state.deadlines_missed == ()

    await _sleep_until(engine, datetime(YEAR, 7, 2, tzinfo=UTC))
    state = await cycle_state(engine.client, YEAR)
    assert state.deadlines_missed == (Deadline.INTERSESSIONAL_MEETING,)
    assert state.phase is Phase.INTERSESSIONAL_MEETING  # still open: people must act
    recorded = engine.ledger.read_stream(cycle_id(YEAR))
    assert [e.type for e in recorded[-2:]] == ["DeadlineReminderSent", "DeadlineMissed"]
    missed = recorded[-1]
    assert missed.role == "engine"
    assert missed.payload["due"] == f"{YEAR}-06-30"
    assert missed.payload["escalated_to"].startswith("the President of the Meeting of States")
    assert missed.occurred_at.startswith(f"{YEAR}-07-01")
    assert engine.folded(YEAR) == state


async def test_a_deadline_met_in_time_records_no_reminder(engine: Engine) -> None:
    await to_the_meeting(engine, YEAR)
    await take_step(engine.client, YEAR, c.HoldMeeting(actor=scripted.ISU,
                                                       records_reference="ISU/IM"))
    await _sleep_until(engine, datetime(YEAR, 7, 2, tzinfo=UTC))
    state = await cycle_state(engine.client, YEAR)
    assert state.reminders == ()
    assert state.deadlines_missed == ()
    assert engine.folded(YEAR) == state
