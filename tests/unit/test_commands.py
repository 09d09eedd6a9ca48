"""Commands to events (``domain.decide.decide``) and the deadlines the timers watch: pure."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain import commands as c
from domain import decide
from domain.calendar import default_calendar
from domain.committee import Presidency
from domain.convention import Actor, Role, shipped_registry
from domain.cycle import apply
from domain.deadlines import escalated_to, met, watches
from domain.elections import plan_first_round
from domain.errors import RuleViolation
from domain.events import Deadline
from domain.state import CycleState
from domain.steps import Step
from scenarios.scripted import FIRST_ROUND, workplan

ISU = Actor(name="ISU Director", role=Role.ISU)
CHAIR = Actor(name="President", role=Role.PRESIDENT, represents="CHE")
AT = datetime(2026, 9, 8, 10, tzinfo=UTC)
SITTING = Presidency(state="CHE", meeting="MSP of 2025", designated_on=date(2025, 9, 1),
                     presides_from=date(2026, 9, 7))


def _opened() -> CycleState:
    return apply(CycleState(), decide.opening(c.OpenCycle(year=2027, actor=ISU), (),
                                              (SITTING,), AT))


def test_every_person_step_has_exactly_one_command() -> None:
    # completing an imported year's record is the history import's, never a workflow's
    person_steps = {s for s in Step if s not in (Step.OPEN_CYCLE, Step.SEND_REMINDER,
                                                  Step.MISS_DEADLINE, Step.CLOSE_CYCLE,
                                                  Step.COMPLETE_RECORD)}
    assert set(c.COMMANDS) == person_steps
    assert len(set(c.COMMANDS.values())) == len(c.COMMANDS)


def test_opening_takes_the_default_calendar_and_the_carried_presidency() -> None:
    state = _opened()
    assert state.calendar == default_calendar(2027)
    assert state.presidencies == (SITTING,)


def test_opening_by_an_auditor_is_refused() -> None:
    with pytest.raises(RuleViolation) as refused:
        decide.opening(c.OpenCycle(year=2027, actor=Actor(name="A", role=Role.AUDITOR)), (),
                       (), AT)
    assert refused.value.rule_id == "ISU-2"


def test_a_hash_command_becomes_its_event_only_for_the_current_draft() -> None:
    state = apply(_opened(), decide.decide(_opened(), c.ElectCoordinators(
        actor=CHAIR, election=plan_first_round(2026, FIRST_ROUND)),
        shipped_registry(), AT))
    assert state.election is not None
    state = apply(state, decide.decide(state, c.DesignatePresident(
        actor=CHAIR, presidency=SITTING.model_copy(update={"state": "PHL"})),
        shipped_registry(), AT))
    state = apply(state, decide.decide(state, c.DispenseWithMeeting(
        actor=CHAIR, decided_by="MSP decision 2026/1"), shipped_registry(), AT))
    plan_hash = "c" * 64
    with pytest.raises(RuleViolation) as refused:  # nothing drafted yet: no such text
        decide.decide(state, c.SubmitWorkplanToCommittee(actor=ISU, content_hash=plan_hash),
                      shipped_registry(), AT)
    assert refused.value.rule_id == "ISU-2"
    plan = workplan(2028, "600000.00")
    state = apply(state, decide.decide(state, c.DraftWorkplan(actor=ISU, workplan=plan),
                                       shipped_registry(), AT))
    with pytest.raises(RuleViolation) as refused:  # not the text drafted
        decide.decide(state, c.SubmitWorkplanToCommittee(actor=ISU, content_hash=plan_hash),
                      shipped_registry(), AT)
    assert refused.value.rule_id == "ISU-3"
    submitted = decide.decide(state, c.SubmitWorkplanToCommittee(
        actor=ISU, content_hash=plan.content_hash()), shipped_registry(), AT)
    assert submitted.type == "WorkplanSubmittedToCommittee"


def test_a_content_hash_must_look_like_sha256() -> None:
    with pytest.raises(ValueError, match="pattern"):
        c.ApproveWorkplan(actor=CHAIR, content_hash="not a hash")


def test_deadlines_fall_in_calendar_order_with_reminders_before() -> None:
    found = watches(_opened())
    assert [w.deadline for w in found] == [Deadline.INTERSESSIONAL_MEETING,
                                           Deadline.COMMITTEE_APPROVAL,
                                           Deadline.SUBMISSION_TO_MSP]
    meeting = found[0]
    assert meeting.due == date(2027, 6, 30)
    assert meeting.remind_at == datetime(2027, 6, 16, tzinfo=UTC)
    assert meeting.missed_at == datetime(2027, 7, 1, tzinfo=UTC)
    assert watches(CycleState()) == []


def test_a_deadline_is_met_by_its_step_and_escalates_to_the_sitting_president() -> None:
    state = _opened()
    assert not met(Deadline.INTERSESSIONAL_MEETING, state)
    held = state.model_copy(update={"meeting_held": True})
    assert met(Deadline.INTERSESSIONAL_MEETING, held)
    assert not met(Deadline.COMMITTEE_APPROVAL, held)
    assert met(Deadline.COMMITTEE_APPROVAL, held.model_copy(update={"closed": True}))
    assert escalated_to(state, date(2027, 6, 30)) == "the President of the MSP of 2025 (CHE)"
    assert "none recorded" in escalated_to(CycleState(), date(2027, 6, 30))
