"""A silence procedure as ``domain.silence`` judges it (extension rules SP-1 … SP-4): adopted
at the deadline when nobody objects, not adopted when one State Party does."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest

from domain import silence
from domain import silence_events as se
from domain.coalitions import Document
from domain.convention import Actor, Role, shipped_registry
from domain.errors import RuleViolation
from domain.procedure import open_steps
from domain.silence import STEPS, SilencePhase, SilenceState

PID = "silence-2027-1"
T0 = datetime(2027, 5, 1, 12, tzinfo=UTC)
DEADLINE = T0 + timedelta(days=7)
TEXT = "The Meeting of States Parties decides to hold its next meeting in Geneva."
DRAFT = Document(reference="CCM/MSP/2027/DD/1", sha256=hashlib.sha256(TEXT.encode()).hexdigest())
REVISED = Document(reference="CCM/MSP/2027/DD/1/Rev.1",
                   sha256=hashlib.sha256(b"revised draft").hexdigest())

PRESIDENT = Actor(name="Sofía Ruiz", role=Role.PRESIDENT, represents="MEX")
AUS = Actor(name="Jane Carter", role=Role.DELEGATE, represents="AUS")
JPN = Actor(name="Kenji Sato", role=Role.DELEGATE, represents="JPN")
USA = Actor(name="Sam Lee", role=Role.DELEGATE, represents="USA")  # not a State Party
NOBODY = Actor(name="Nemo", role=Role.DELEGATE)
UNKNOWN = Actor(name="Zed", role=Role.DELEGATE, represents="ZZZ")


def _circulated(deadline: datetime = DEADLINE, actor: Actor = PRESIDENT) -> se.TextCirculated:
    command = se.CirculateText(actor=actor, subject="venue of the next MSP", text=DRAFT,
                               deadline=deadline)
    return silence.circulation(PID, command, T0)


def under_silence() -> SilenceState:
    return silence.apply(SilenceState(), _circulated())


def _take(state: SilenceState, command: se.SilenceStepCommand,
          at: datetime = T0 + timedelta(days=1)) -> SilenceState:
    return silence.apply(state, silence.decide(state, command, shipped_registry(), at))


def _object(state: SilenceState, who: Actor = AUS,
            at: datetime = T0 + timedelta(days=1)) -> SilenceState:
    return _take(state, se.BreakSilence(actor=who, objection="the venue is not agreed"), at)


def _refused(check: Callable[[], object]) -> RuleViolation:
    with pytest.raises(RuleViolation) as refusal:
        check()
    return refusal.value


def _break(state: SilenceState, who: Actor, at: datetime = T0 + timedelta(days=1)
           ) -> Callable[[], object]:
    return lambda: silence.decide(state, se.BreakSilence(actor=who, objection="no"),
                                  shipped_registry(), at)


# --- SP-1: circulation --------------------------------------------------------------------

def test_the_president_circulates_a_text_under_silence_sp1() -> None:
    state = under_silence()
    assert state.phase is SilencePhase.UNDER_SILENCE
    assert (state.procedure, state.circulation, state.deadline) == (PID, 1, DEADLINE)
    assert state.text == DRAFT


@pytest.mark.parametrize("actor", [AUS, Actor(name="Isa", role=Role.ISU)])
def test_only_the_president_circulates_sp1(actor: Actor) -> None:
    refusal = _refused(lambda: _circulated(actor=actor))
    assert refusal.rule_id == "SP-1"
    assert "president" in refusal.message


@pytest.mark.parametrize("deadline", [T0, T0 - timedelta(seconds=1)])
def test_a_deadline_not_in_the_future_is_refused_sp1(deadline: datetime) -> None:
    refusal = _refused(lambda: _circulated(deadline=deadline))
    assert refusal.rule_id == "SP-1"
    assert "is not after the circulation" in refusal.message


@pytest.mark.parametrize("deadline", [
    T0 + timedelta(days=367),
    datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
])
def test_a_deadline_more_than_a_year_ahead_is_refused_sp1(deadline: datetime) -> None:
    """SP-1: silence runs between two meetings; a year-9999 deadline is a typing error."""
    refusal = _refused(lambda: _circulated(deadline=deadline))
    assert refusal.rule_id == "SP-1"
    assert "more than a year" in refusal.message
    assert silence.apply(SilenceState(), _circulated(T0 + timedelta(days=366))).deadline


def test_a_text_is_circulated_once_then_recirculated_sp1() -> None:
    refusal = _refused(lambda: silence.apply(under_silence(), _circulated()))
    assert refusal.rule_id == "SP-1"
    assert "under silence" in refusal.message


# --- SP-3: the outcome at the deadline ----------------------------------------------------

def test_adopted_at_the_deadline_with_no_objection_sp3() -> None:
    state = under_silence()
    event = silence.outcome(state, DEADLINE)
    assert isinstance(event, se.DecisionAdoptedBySilence)
    assert event.content_hash == hashlib.sha256(TEXT.encode()).hexdigest()
    assert event.actor.role is Role.ENGINE
    after = silence.apply(state, event)
    assert after.phase is SilencePhase.ADOPTED
    assert after.finished


def test_not_adopted_with_one_objection_sp3() -> None:
    state = _object(under_silence())
    assert state.phase is SilencePhase.SILENCE_BROKEN
    event = silence.outcome(state, DEADLINE)
    assert isinstance(event, se.DecisionNotAdopted)
    assert event.objected_by == ("AUS",)
    after = silence.apply(state, event)
    assert after.phase is SilencePhase.NOT_ADOPTED
    assert not after.adopted
    assert not after.finished


def test_the_outcome_before_the_deadline_is_refused_sp3() -> None:
    refusal = _refused(lambda: silence.outcome(under_silence(), DEADLINE - timedelta(seconds=1)))
    assert refusal.rule_id == "SP-3"
    assert "not before" in refusal.message


def test_the_adopted_content_hash_must_be_the_circulated_texts_sp3() -> None:
    state = under_silence()
    adopted = silence.outcome(state, DEADLINE)
    forged = adopted.model_copy(update={"content_hash": REVISED.sha256})
    refusal = _refused(lambda: silence.apply(state, forged))
    assert refusal.rule_id == "SP-3"
    assert "the text circulated" in refusal.message
    assert silence.fold([_circulated(), adopted]).adopted


def test_not_adopted_must_name_the_states_that_objected_sp3() -> None:
    state = _object(under_silence())
    event = silence.outcome(state, DEADLINE)
    assert isinstance(event, se.DecisionNotAdopted)
    forged = event.model_copy(update={"objected_by": ()})
    assert _refused(lambda: silence.apply(state, forged)).rule_id == "SP-3"


def test_adopted_is_refused_when_silence_was_broken_sp3() -> None:
    state = _object(under_silence())
    adopted = silence.outcome(under_silence(), DEADLINE)
    refusal = _refused(lambda: silence.apply(state, adopted))
    assert refusal.rule_id == "SP-3"
    assert "silence broken" in refusal.message


def test_only_the_engine_records_the_outcome_sp3() -> None:
    adopted = silence.outcome(under_silence(), DEADLINE)
    by_hand = adopted.model_copy(update={"actor": PRESIDENT})
    refusal = _refused(lambda: silence.apply(under_silence(), by_hand))
    assert refusal.rule_id == "SP-3"
    assert "engine" in refusal.message


# --- SP-2: breaking silence ---------------------------------------------------------------

def test_an_objection_records_the_states_standing_sp2() -> None:
    event = silence.decide(under_silence(), se.BreakSilence(actor=JPN, objection="no"),
                           shipped_registry(), T0 + timedelta(hours=1))
    assert isinstance(event, se.SilenceBroken)
    assert event.standing is not None
    assert (event.standing.iso3, event.circulation) == ("JPN", 1)
    assert event.standing.is_state_party


@pytest.mark.parametrize("late", [DEADLINE, DEADLINE + timedelta(days=1)])
def test_an_objection_at_or_after_the_deadline_is_refused_sp2(late: datetime) -> None:
    refusal = _refused(_break(under_silence(), AUS, late))
    assert refusal.rule_id == "SP-2"
    assert "before the deadline" in refusal.message


def test_a_non_state_party_cannot_break_silence_sp2() -> None:
    refusal = _refused(_break(under_silence(), USA))
    assert refusal.rule_id == "SP-2"
    assert "speaks for USA, which is not one" in refusal.message


@pytest.mark.parametrize("actor", [NOBODY, UNKNOWN])
def test_a_delegate_representing_no_state_of_the_registry_is_refused_sp2(actor: Actor) -> None:
    refusal = _refused(_break(under_silence(), actor))
    assert refusal.rule_id == "SP-2"
    assert "speaks for no State of the registry" in refusal.message


def test_an_objection_recorded_for_another_state_is_refused_on_fold_sp2() -> None:
    state = under_silence()
    event = silence.decide(state, se.BreakSilence(actor=AUS, objection="no"),
                           shipped_registry(), T0 + timedelta(hours=1))
    forged = event.model_copy(update={"actor": JPN})
    assert _refused(lambda: silence.fold([_circulated(), forged])).rule_id == "SP-2"


def test_the_same_state_breaks_silence_once_sp2() -> None:
    state = _object(under_silence())
    refusal = _refused(_break(state, AUS))
    assert refusal.rule_id == "SP-2"
    assert "Australia has already broken silence" in refusal.message
    assert _object(state, JPN).objections[1][0] == "JPN"  # another State Party may


@pytest.mark.parametrize("actor", [PRESIDENT, Actor(name="Isa", role=Role.ISU)])
def test_only_a_delegate_breaks_silence_sp2(actor: Actor) -> None:
    refusal = _refused(_break(under_silence(), actor))
    assert refusal.rule_id == "SP-2"
    assert "breaking silence is a step for the delegate" in refusal.message


def test_no_objection_once_the_outcome_is_recorded_sp2() -> None:
    state = _object(under_silence())
    state = silence.apply(state, silence.outcome(state, DEADLINE))
    refusal = _refused(_break(state, JPN, DEADLINE - timedelta(hours=1)))
    assert refusal.rule_id == "SP-2"
    assert "not adopted" in refusal.message


# --- SP-4: recirculation and withdrawal ---------------------------------------------------

def _not_adopted() -> SilenceState:
    state = _object(under_silence())
    return silence.apply(state, silence.outcome(state, DEADLINE))


def test_recirculation_resets_the_objections_and_is_circulation_two_sp4() -> None:
    later = DEADLINE + timedelta(days=1)
    state = _take(_not_adopted(), se.RecirculateText(
        actor=PRESIDENT, text=REVISED, deadline=later + timedelta(days=7)), later)
    assert (state.phase, state.circulation, state.objections) == (
        SilencePhase.UNDER_SILENCE, 2, ())
    assert state.text == REVISED
    adopted = silence.outcome(state, later + timedelta(days=7))
    assert isinstance(adopted, se.DecisionAdoptedBySilence)
    assert (adopted.circulation, adopted.content_hash) == (2, REVISED.sha256)
    assert silence.apply(state, adopted).phase is SilencePhase.ADOPTED


def test_a_recirculation_must_be_the_next_circulation_sp4() -> None:
    later = DEADLINE + timedelta(days=1)
    event = silence.decide(_not_adopted(), se.RecirculateText(
        actor=PRESIDENT, text=REVISED, deadline=later + timedelta(days=7)), shipped_registry(),
        later)
    assert isinstance(event, se.TextRecirculated)
    assert event.circulation == 2
    skipped = event.model_copy(update={"circulation": 3})
    refusal = _refused(lambda: silence.apply(_not_adopted(), skipped))
    assert refusal.rule_id == "SP-4"
    assert "this is circulation 2" in refusal.message


def test_an_objection_to_the_earlier_circulation_does_not_stand_sp2() -> None:
    old = silence.decide(under_silence(), se.BreakSilence(actor=AUS, objection="no"),
                         shipped_registry(), T0 + timedelta(hours=1))
    recirculated = _take(under_silence(), se.RecirculateText(
        actor=PRESIDENT, text=REVISED, deadline=DEADLINE + timedelta(days=7)))
    refusal = _refused(lambda: silence.apply(recirculated, old))
    assert refusal.rule_id == "SP-2"
    assert "circulation 2, not 1" in refusal.message


def test_a_recirculation_deadline_not_in_the_future_is_refused_sp4() -> None:
    at = DEADLINE + timedelta(days=1)
    refusal = _refused(lambda: silence.decide(_not_adopted(), se.RecirculateText(
        actor=PRESIDENT, text=REVISED, deadline=at), shipped_registry(), at))
    assert refusal.rule_id == "SP-4"


def test_a_delegate_cannot_recirculate_sp4() -> None:
    refusal = _refused(lambda: silence.decide(_not_adopted(), se.RecirculateText(
        actor=AUS, text=REVISED, deadline=DEADLINE + timedelta(days=9)), shipped_registry(),
        DEADLINE + timedelta(days=1)))
    assert refusal.rule_id == "SP-4"


@pytest.mark.parametrize("state", [under_silence(), _object(under_silence()), _not_adopted()],
                         ids=["under-silence", "silence-broken", "not-adopted"])
def test_withdrawal_ends_the_procedure_sp4(state: SilenceState) -> None:
    after = _take(state, se.WithdrawText(actor=PRESIDENT, reason="no consensus"),
                  DEADLINE + timedelta(days=2) if state.deadline_passed else T0)
    assert after.phase is SilencePhase.WITHDRAWN
    assert after.finished
    assert open_steps(STEPS, after) == []


def test_a_withdrawn_text_takes_no_further_step_sp4() -> None:
    withdrawn = _take(under_silence(), se.WithdrawText(actor=PRESIDENT, reason="no"))
    assert _refused(_break(withdrawn, AUS)).rule_id == "SP-2"
    assert _refused(lambda: silence.outcome(withdrawn, DEADLINE)).rule_id == "SP-3"
    refusal = _refused(lambda: silence.decide(withdrawn, se.RecirculateText(
        actor=PRESIDENT, text=REVISED, deadline=DEADLINE), shipped_registry(), T0))
    assert refusal.rule_id == "SP-4"
    assert "withdrawn" in refusal.message


@pytest.mark.parametrize("command", [
    se.WithdrawText(actor=PRESIDENT, reason="second thoughts"),
    se.RecirculateText(actor=PRESIDENT, text=REVISED, deadline=DEADLINE + timedelta(days=9)),
], ids=["withdraw", "recirculate"])
def test_an_adopted_decision_is_neither_withdrawn_nor_recirculated_sp4(
        command: se.SilenceStepCommand) -> None:
    state = under_silence()
    adopted = silence.apply(state, silence.outcome(state, DEADLINE))
    refusal = _refused(lambda: silence.decide(adopted, command, shipped_registry(),
                                              DEADLINE + timedelta(days=1)))
    assert refusal.rule_id == "SP-4"
    assert "the procedure is adopted" in refusal.message


@pytest.mark.parametrize(("command", "rule_id"), [
    (se.BreakSilence(actor=AUS, objection="no"), "SP-2"),
    (se.RecirculateText(actor=PRESIDENT, text=REVISED, deadline=DEADLINE), "SP-4"),
    (se.WithdrawText(actor=PRESIDENT, reason="no"), "SP-4"),
], ids=["break", "recirculate", "withdraw"])
def test_nothing_happens_before_the_text_is_circulated_sp1(command: se.SilenceStepCommand,
                                                            rule_id: str) -> None:
    """Before SP-1's circulation every step is refused by its rule (not a malformed event)."""
    refusal = _refused(lambda: silence.decide(SilenceState(), command, shipped_registry(), T0))
    assert refusal.rule_id == rule_id
    assert "the procedure is not circulated" in refusal.message


# --- the table and the stream -------------------------------------------------------------

def test_the_steps_open_for_people_in_each_phase() -> None:
    def names(state: SilenceState) -> list[str]:
        return [o.step for o in open_steps(STEPS, state)]

    assert names(SilenceState()) == ["circulate_text"]
    assert names(under_silence()) == ["break_silence", "recirculate_text", "withdraw_text"]
    assert names(_not_adopted()) == ["recirculate_text", "withdraw_text"]


def test_fold_rebuilds_a_broken_then_recirculated_procedure() -> None:
    first = _circulated()
    events: list[se.AnySilenceEvent] = [first]
    state = silence.apply(SilenceState(), first)
    objection = silence.decide(state, se.BreakSilence(actor=AUS, objection="no"),
                               shipped_registry(), T0 + timedelta(days=1))
    state = silence.apply(state, objection)
    events.append(objection)
    not_adopted = silence.outcome(state, DEADLINE)
    state = silence.apply(state, not_adopted)
    events.append(not_adopted)
    assert silence.fold(events) == state
    assert state.event_count == 3


def test_an_event_of_another_procedure_does_not_apply() -> None:
    other = silence.circulation("silence-2027-2", se.CirculateText(
        actor=PRESIDENT, subject="x", text=DRAFT, deadline=DEADLINE), T0)
    with pytest.raises(ValueError, match="silence-2027-2"):
        silence.apply(under_silence(), silence.outcome(
            silence.apply(SilenceState(), other), DEADLINE))


def test_a_state_breaks_silence_only_once_it_is_a_state_party_that_day_sp2() -> None:
    """States with dates: a State is judged a party on the day it speaks, not by its standing
    today (the Convention entered into force for it later, or it had withdrawn)."""
    registry = dict(shipped_registry())
    registry["JPN"] = registry["JPN"].model_copy(update={"in_force": date(2027, 5, 5)})
    early = _refused(lambda: silence.decide(under_silence(), se.BreakSilence(
        actor=JPN, objection="no"), registry, T0 + timedelta(days=1)))
    assert early.rule_id == "SP-2"
    assert "which is not one on 2027-05-02" in early.message
    later = silence.decide(under_silence(), se.BreakSilence(actor=JPN, objection="no"),
                           registry, T0 + timedelta(days=5))
    assert isinstance(later, se.SilenceBroken)
    assert silence.apply(under_silence(), later).objections
