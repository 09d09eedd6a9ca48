"""The Coordination Committee decides by silence procedure among its members (CC-5, issue 20):
a text circulated ``among`` exactly its deciding members, broken only by them (SP-2), and the
work plan approved or returned by its chair on the procedure's outcome."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain import decide, silence
from domain import silence_events as se
from domain.attestation import canonical_input
from domain.authority import Record
from domain.coalitions import Document
from domain.commands import ApproveWorkplan, ReturnWorkplan
from domain.committee import committee_on, deciding_members
from domain.convention import COMMITTEE_ORGANISATIONS, Actor, Role, shipped_registry
from domain.cycle import apply
from domain.errors import RuleViolation
from domain.events import WorkplanApprovedByCommittee, WorkplanReturnedForRevision
from domain.silence import SilenceState
from domain.silence_decision import SilenceDecision, silence_decision
from domain.state import CycleState, WorkplanStatus
from tests.unit.test_as_it_ran import CHAIR, OPENED, _seeds_cycle

PID = "silence-2024-1"
AT = OPENED + timedelta(days=40)
DAY = AT.date()
ISU = Actor(name="ISU", role=Role.ISU)


def _record(state: CycleState) -> Record:
    return Record(terms=state.terms, presidencies=state.presidencies, mandates=state.mandates,
                  profile=state.profile)


def _members(state: CycleState, day: date = DAY) -> tuple[str, ...]:
    return tuple(deciding_members(committee_on(day, state.terms, state.presidencies,
                                               state.catalogue, state.profile)))


def _circulate(state: CycleState, among: tuple[str, ...]) -> se.CirculateText:
    return se.CirculateText(actor=CHAIR, subject="the ISU's work plan", among=among,
                            text=Document(reference="ISU/WP/2025", sha256=state.draft_hash),
                            deadline=AT + timedelta(days=7))


def _under_silence(state: CycleState) -> SilenceState:
    command = _circulate(state, _members(state))
    silence.authority(SilenceState(), command, _record(state), AT)
    return silence.apply(SilenceState(), silence.circulation(PID, command, AT))


def _break(procedure: SilenceState, who: Actor) -> SilenceState:
    when = AT + timedelta(days=1)
    command = se.BreakSilence(actor=who, objection="not this work plan")
    return silence.apply(procedure, silence.decide(procedure, command, shipped_registry(), when))


def _refused(check: object, rule: str) -> str:
    with pytest.raises(RuleViolation) as refused:
        check()  # type: ignore[operator]
    assert refused.value.rule_id == rule
    return refused.value.message


# --- the circulation among the committee (CC-5) --------------------------------------------

def test_a_text_circulated_among_the_committee_goes_to_its_members_that_day_cc5() -> None:
    state = _seeds_cycle()
    members = _members(state)
    assert "CHE" in members
    assert len(members) > 3
    procedure = _under_silence(state)
    assert procedure.among == members


@pytest.mark.parametrize("among", ["missing", "stranger", "twice"])
def test_a_text_circulated_among_others_than_the_committee_is_refused_cc5(among: str) -> None:
    state = _seeds_cycle()
    members = _members(state)
    named = {"missing": members[1:], "stranger": (*members, "MEX"),
             "twice": (*members, members[0])}[among]
    command = _circulate(state, named)
    message = _refused(lambda: silence.authority(SilenceState(), command, _record(state), AT),
                       "CC-5")
    assert "Coordination Committee" in message


def test_among_is_left_out_of_the_forms_while_empty() -> None:
    state = _seeds_cycle()
    command = _circulate(state, ())
    assert "among" not in canonical_input(command)
    event = silence.circulation(PID, command, AT)
    assert "among" not in event.model_dump(mode="json")
    assert "among" in silence.circulation(PID, _circulate(state, ("CHE",)), AT).model_dump()


# --- who breaks silence among the committee (SP-2) -----------------------------------------

def test_only_those_among_the_committee_break_silence_sp2() -> None:
    state = _seeds_cycle()
    procedure = _under_silence(state)
    outsider = next(code for code, s in shipped_registry().items()
                    if s.is_state_party and code not in procedure.among)
    stranger = Actor(name="Outsider", role=Role.DELEGATE, represents=outsider)
    assert "only they may break silence" in _refused(lambda: _break(procedure, stranger),
                                                     "SP-2")
    member = next(m for m in procedure.among if m not in COMMITTEE_ORGANISATIONS)
    broken = _break(procedure, Actor(name="Member", role=Role.DELEGATE, represents=member))
    assert broken.objections[0][0] == member


def test_an_organisation_of_the_committee_breaks_silence_among_it_only_sp2() -> None:
    state = _seeds_cycle()
    procedure = _under_silence(state)
    icrc = Actor(name="ICRC member", role=Role.COMMITTEE_MEMBER, represents="ICRC")
    assert "ICRC" in procedure.among
    assert _break(procedure, icrc).objections == (("ICRC", "not this work plan"),)
    to_all = silence.apply(SilenceState(), silence.circulation(PID, _circulate(state, ()), AT))
    _refused(lambda: _break(to_all, icrc), "SP-2")
    state_member = Actor(name="Chair's member", role=Role.COMMITTEE_MEMBER, represents="CHE")
    _refused(lambda: _break(procedure, state_member), "SP-2")


# --- the committee's decision by silence (CC-5) --------------------------------------------

def _decided(state: CycleState, objector: Actor | None = None) -> SilenceDecision:
    procedure = _under_silence(state)
    if objector is not None:
        procedure = _break(procedure, objector)
    procedure = silence.apply(procedure, silence.outcome(procedure, AT + timedelta(days=7)))
    return silence_decision(PID, procedure)


def _member_delegate(state: CycleState) -> Actor:
    member = next(m for m in _members(state) if m not in COMMITTEE_ORGANISATIONS)
    return Actor(name="Member", role=Role.DELEGATE, represents=member)


def test_the_chair_approves_the_work_plan_on_silence_adopted_cc5() -> None:
    state = _seeds_cycle()
    decision = _decided(state)
    assert (decision.outcome, decision.content_hash) == ("adopted", state.draft_hash)
    command = ApproveWorkplan(actor=CHAIR, content_hash=state.draft_hash, by_silence=PID)
    event = decide.decide(state, command, {}, AT + timedelta(days=8), decision)
    assert isinstance(event, WorkplanApprovedByCommittee)
    assert event.by_silence == decision
    assert event.present == ()
    assert apply(state, event).workplan_status is WorkplanStatus.APPROVED


def test_the_chair_returns_the_work_plan_when_a_member_broke_silence_cc5() -> None:
    state = _seeds_cycle()
    decision = _decided(state, _member_delegate(state))
    assert decision.outcome == "not_adopted"
    command = ReturnWorkplan(actor=CHAIR, content_hash=state.draft_hash, reasons="objected",
                             by_silence=PID)
    event = decide.decide(state, command, {}, AT + timedelta(days=8), decision)
    assert isinstance(event, WorkplanReturnedForRevision)
    assert apply(state, event).workplan_status is WorkplanStatus.RETURNED


@pytest.mark.parametrize("case", ["member", "present", "to_all", "other_text", "not_adopted",
                                  "return_adopted"])
def test_a_decision_by_silence_that_is_not_the_committees_is_refused_cc5(case: str) -> None:
    present: tuple[str, ...]
    state = _seeds_cycle()
    decision = _decided(state, _member_delegate(state) if case == "not_adopted" else None)
    who, present = CHAIR, ()
    if case == "member":
        who = Actor(name="Member", role=Role.COMMITTEE_MEMBER, represents="ICRC")
    if case == "present":
        present = ("CHE",)
    if case == "to_all":
        decision = decision.model_copy(update={"among": ()})
    if case == "other_text":
        decision = decision.model_copy(update={"content_hash": "0" * 64})
    common = {"year": state.year, "occurred_at": AT + timedelta(days=8), "actor": who,
              "content_hash": state.draft_hash, "present": present, "by_silence": decision}
    event = (WorkplanReturnedForRevision(**common, reasons="x") if case == "return_adopted"
             else WorkplanApprovedByCommittee(**common))
    _refused(lambda: apply(state, event), "CC-5")


def test_a_procedure_not_decided_or_not_the_one_named_is_refused_cc5() -> None:
    state = _seeds_cycle()
    procedure = _under_silence(state)
    _refused(lambda: silence_decision(PID, procedure), "CC-5")
    withdrawn = silence.apply(procedure, silence.decide(
        procedure, se.WithdrawText(actor=CHAIR, reason="no"), {}, AT + timedelta(hours=1)))
    _refused(lambda: silence_decision(PID, withdrawn), "CC-5")
    _refused(lambda: silence_decision(PID, SilenceState()), "CC-5")
    command = ApproveWorkplan(actor=CHAIR, content_hash=state.draft_hash, by_silence=PID)
    _refused(lambda: decide.decide(state, command, {}, AT), "CC-5")
    other = _decided(state).model_copy(update={"procedure": "silence-2024-2"})
    _refused(lambda: decide.decide(state, command, {}, AT + timedelta(days=8), other), "CC-5")


def test_a_decision_at_a_meeting_keeps_its_recorded_form() -> None:
    state = _seeds_cycle()
    command = ApproveWorkplan(actor=CHAIR, content_hash=state.draft_hash, present=("CHE",))
    assert "by_silence" not in canonical_input(command)
    event = WorkplanApprovedByCommittee(year=2025, occurred_at=datetime.now().astimezone(),
                                        actor=CHAIR, content_hash=state.draft_hash)
    assert "by_silence" not in event.model_dump(mode="json")
