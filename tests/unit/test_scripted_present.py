"""``scenarios.scripted.present``: the members the scripted chair records as present (CC-5) —
enough for the committee to decide under a profile with a quorum, recorded and not required
under the engine's first reading, observers left out."""

from __future__ import annotations

from datetime import date

import pytest

from domain.committee import Presidency
from domain.convention import Role, shipped_registry
from domain.cycle import apply
from domain.elections import plan_first_round
from domain.errors import RuleViolation
from domain.events import CoordinatorsElected, CycleOpened, WorkplanApprovedByCommittee
from domain.profile import FIRST_READING, profile
from domain.state import CycleState, WorkplanStatus
from domain.steps import Step
from scenarios.scripted import present
from tests.unit.cycle_factory import (
    CHAIR,
    NOMINATIONS,
    SITTING,
    YEAR,
    actor,
    at,
    event_for,
)

#: the presidency before CHE's: the former President under the practice's profile
FORMER = Presidency(state="MEX", meeting="11MSP", designated_on=date(2022, 8, 30),
                    presides_from=date(2023, 9, 4), presides_until=date(2024, 9, 2))
DECIDED = 40  # days after the opening MSP: the committee decides


def with_committee(name: str) -> CycleState:
    """A cycle of the ``name`` profile with its work plan before the committee."""
    opened = event_for(Step.OPEN_CYCLE, CycleState(), at(0))
    assert isinstance(opened, CycleOpened)
    state = apply(CycleState(), opened.model_copy(update={
        "profile": profile(name), "carried_presidencies": (FORMER, SITTING)}))
    result = plan_first_round(YEAR - 1, NOMINATIONS)
    # from meeting to meeting, the terms begin with the election that records them
    result = result.model_copy(update={"terms": tuple(
        t.model_copy(update={"begins": at(1).date()}) for t in result.terms)})
    registry = shipped_registry()
    state = apply(state, CoordinatorsElected(
        year=YEAR, occurred_at=at(1), actor=CHAIR, election=result,
        standings=tuple(registry[t.state] for t in result.terms)))
    for day, step in enumerate((Step.DESIGNATE_PRESIDENT, Step.CONVENE_MEETING,
                                Step.HOLD_MEETING, Step.DRAFT_WORKPLAN,
                                Step.SUBMIT_WORKPLAN_TO_COMMITTEE), start=2):
        state = apply(state, event_for(step, state, at(day)))
    assert state.workplan_status is WorkplanStatus.WITH_COMMITTEE
    return state


def approval(state: CycleState, chosen: tuple[str, ...], role: Role = Role.PRESIDENT
             ) -> WorkplanApprovedByCommittee:
    return WorkplanApprovedByCommittee(year=YEAR, occurred_at=at(DECIDED),
                                       actor=actor(role, "CHE"),
                                       content_hash=state.draft_hash, present=chosen)


def test_under_the_seeds_the_chair_records_a_quorum_present() -> None:
    state = with_committee("seeds")
    day = at(DECIDED).date()
    chosen = present(state, day)
    assert chosen[0] == "CHE"  # the chair, presiding that day
    assert {"LBN", "NZL", "ICRC", "UN", "CMC"} <= set(chosen)
    assert len(chosen) == len(set(chosen))  # CHE presides and coordinates: counted once
    assert apply(state, approval(state, chosen)).workplan_status is WorkplanStatus.APPROVED


def test_under_the_seeds_too_few_present_or_one_member_is_refused() -> None:
    state = with_committee("seeds")
    chosen = present(state, at(DECIDED).date())
    with pytest.raises(RuleViolation, match="CC-5"):
        apply(state, approval(state, chosen[:3]))
    with pytest.raises(RuleViolation, match="CC-5"):
        apply(state, approval(state, chosen, Role.COMMITTEE_MEMBER))


def test_an_observer_sitting_is_not_among_the_members_present() -> None:
    state = with_committee("ccm-practice")
    day = at(DECIDED).date()
    observers = {m.represents for m in state.committee_on(day) if m.sits_as.value == "observer"}
    assert observers == {"MEX"}  # the former President, sitting beside the seeds' committee
    chosen = present(state, day)
    assert "MEX" not in chosen
    assert chosen == present(with_committee("seeds"), day)
    assert apply(state, approval(state, chosen)).workplan_status is WorkplanStatus.APPROVED


def test_under_the_first_reading_present_is_recorded_not_required() -> None:
    state = with_committee(FIRST_READING)
    chosen = present(state, at(DECIDED).date())
    assert chosen[0] == "CHE"
    approved = apply(state, approval(state, chosen))
    assert approved.workplan_status is WorkplanStatus.APPROVED
    # a member's step alone decides, as before profiles: nothing named present
    assert apply(state, approval(state, (), Role.COMMITTEE_MEMBER)).workplan_status is (
        WorkplanStatus.APPROVED)
