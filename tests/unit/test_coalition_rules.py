"""A country coalition's life as ``domain.coalition`` judges it (7MSP, CK-1 … CK-8): every
step's refusal names its rule; ``fold`` refuses a stream whose recorded facts were altered."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from domain import coalition_events as ce
from domain.coalition import apply as apply_event
from domain.coalition import decide, fold, identification
from domain.coalition_state import BY_STEP, STEPS, CoalitionPhase, CoalitionState
from domain.coalitions import (
    CoalitionCharter,
    CountryWorkshop,
    ExistingActivity,
    Participant,
    PartnerRole,
    StrategyDocument,
    WorkshopOutcomes,
    parse_focus,
)
from domain.convention import Actor, Role, shipped_registry
from domain.errors import RuleViolation
from domain.procedure import open_steps

CID = "coalition-lao-1"
T0 = datetime(2027, 3, 1, 9, tzinfo=UTC)
CLEARANCE = parse_focus(["clearance-and-risk-reduction-education"])
CHARTER = CoalitionCharter(affected_state="LAO", partner_state="AUS", focus=CLEARANCE)

COMMITTEE = Actor(name="Ana Díaz", role=Role.COMMITTEE_MEMBER, represents="IRQ")
PRESIDENT = Actor(name="Sofía Ruiz", role=Role.PRESIDENT, represents="MEX")
COORDINATOR = Actor(name="Clara Coord", role=Role.COORDINATOR, represents="IRQ")
AUDITOR = Actor(name="Aude Auditor", role=Role.AUDITOR)
ISU = Actor(name="Isa Unit", role=Role.ISU)
LAO = Actor(name="Khamphone S.", role=Role.DELEGATE, represents="LAO")
AUS = Actor(name="Jane Carter", role=Role.DELEGATE, represents="AUS")
JPN = Actor(name="Kenji Sato", role=Role.DELEGATE, represents="JPN")
NOBODY = Actor(name="Nemo", role=Role.DELEGATE)

STRATEGY = StrategyDocument(reference="NRA/NSD/2027",
                            sha256=hashlib.sha256(b"Lao PDR strategy").hexdigest())
ICRC = Participant(kind="international_organisation", name="ICRC")
ACTIVITY = ExistingActivity(reference="AUS-LAO-UXO-2025", kind="bilateral",
                            description="Australia's clearance support to Lao PDR")
WORKSHOP = CountryWorkshop(place="Vientiane", starts=date(2027, 4, 1), ends=date(2027, 4, 2))
OUTCOMES = WorkshopOutcomes(challenges=("contamination",), activities=("survey",),
                            actors=("UXO Lao",), records_reference="CCM/CW/LAO/2027/1")


def _identify(charter: CoalitionCharter = CHARTER, actor: Actor = COMMITTEE,
              coalition: str = CID) -> ce.CandidateIdentified:
    command = ce.IdentifyCandidate(actor=actor, charter=charter)
    return identification(coalition, command, shipped_registry(), T0)


def _take(state: CoalitionState, command: ce.CoalitionStepCommand,
          at: datetime = T0) -> CoalitionState:
    return apply_event(state, decide(state, command, at))


def candidate() -> CoalitionState:
    return apply_event(CoalitionState(), _identify())


def formed() -> CoalitionState:
    return _take(_take(candidate(), ce.AgreeToCoCoordinate(actor=LAO)),
                 ce.AgreeToCoCoordinate(actor=AUS))


def active() -> CoalitionState:
    return _take(formed(), ce.RegisterStrategy(actor=LAO, document=STRATEGY))


def closed() -> CoalitionState:
    return _take(active(), ce.CloseCoalition(actor=LAO, reason="objectives met"))


def _refused(check: Callable[[], object]) -> RuleViolation:
    with pytest.raises(RuleViolation) as refusal:
        check()
    return refusal.value


# --- identification: CK-1, CK-2, CK-5, CK-7, CK-8 ----------------------------------------

def test_identification_records_both_states_standing() -> None:
    event = _identify()
    assert (event.affected.iso3, event.partner.iso3) == ("LAO", "AUS")
    assert event.non_state_party is False
    state = candidate()
    assert state.phase is CoalitionPhase.CANDIDATE
    assert (state.coalition, state.co_coordinators, state.event_count) == (CID, ("LAO", "AUS"),
                                                                           1)


@pytest.mark.parametrize("actor", [LAO, COORDINATOR, ISU, AUDITOR])
def test_only_the_committee_identifies_a_candidate_ck7(actor: Actor) -> None:
    """CK-7: the Coordination Committee (its members or its chair) identifies candidates."""
    refusal = _refused(lambda: _identify(actor=actor))
    assert refusal.rule_id == "CK-7"
    assert actor.role.value.replace("_", " ") in refusal.message


def test_the_president_may_identify_a_candidate_ck7() -> None:
    assert _identify(actor=PRESIDENT).actor == PRESIDENT  # CK-7: the committee's chair


def test_a_charter_without_an_affected_state_is_refused_ck2() -> None:
    refusal = _refused(lambda: _identify(CoalitionCharter(partner_state="AUS", focus=CLEARANCE)))
    assert refusal.rule_id == "CK-2"
    assert "names no affected State" in refusal.message


def test_a_charter_without_a_partner_is_refused_ck2() -> None:
    refusal = _refused(lambda: _identify(CoalitionCharter(affected_state="LAO",
                                                          focus=CLEARANCE)))
    assert refusal.rule_id == "CK-2"
    assert "donor or lead State" in refusal.message


def test_a_state_not_affected_cannot_be_the_affected_state_ck1() -> None:
    refusal = _refused(lambda: _identify(CoalitionCharter(affected_state="AUS",
                                                          partner_state="JPN",
                                                          focus=CLEARANCE)))
    assert refusal.rule_id == "CK-1"
    assert "AUS" in refusal.message


def test_a_partner_named_donor_but_no_donor_is_refused_ck2() -> None:
    """Mexico is a State Party, not a donor in the registry: not as donor (CK-2); as lead."""
    as_donor = CoalitionCharter(affected_state="LAO", partner_state="MEX", focus=CLEARANCE)
    refusal = _refused(lambda: _identify(as_donor))
    assert refusal.rule_id == "CK-2"
    assert "Mexico is not recorded as a donor" in refusal.message
    as_lead = as_donor.model_copy(update={"partner_role": PartnerRole.LEAD})
    assert _identify(as_lead).partner.iso3 == "MEX"


def test_an_affected_state_cannot_partner_itself_ck2() -> None:
    itself = CoalitionCharter(affected_state="DEU", partner_state="DEU", focus=CLEARANCE)
    assert _refused(lambda: _identify(itself)).rule_id == "CK-2"


def test_a_focus_outside_the_committee_areas_is_refused_ck5() -> None:
    refusal = _refused(lambda: parse_focus(["clearance-and-risk-reduction-education",
                                            "victim-assistance"]))
    assert refusal.rule_id == "CK-5"
    assert "'victim-assistance'" in refusal.message
    assert "stockpile-destruction" in refusal.message  # the allowed list


def test_a_charter_with_no_focus_is_refused_ck5() -> None:
    no_focus = CoalitionCharter(affected_state="LAO", partner_state="AUS", focus=())
    assert _refused(lambda: _identify(no_focus)).rule_id == "CK-5"


@pytest.mark.parametrize(("affected", "partner"), [("VNM", "JPN"), ("KHM", "AUS")])
def test_a_non_state_party_coalition_is_allowed_and_marked_ck8(affected: str,
                                                                partner: str) -> None:
    """CK-8: a coalition may extend to an affected non-State Party, and is marked so."""
    charter = CoalitionCharter(affected_state=affected, partner_state=partner, focus=CLEARANCE)
    event = _identify(charter, coalition=f"coalition-{affected.lower()}-1")
    assert event.non_state_party is True
    assert not event.affected.is_state_party
    delegate = Actor(name="Delegate", role=Role.DELEGATE, represents=affected)
    other = Actor(name="Partner", role=Role.DELEGATE, represents=partner)
    state = apply_event(CoalitionState(), event)
    for who in (delegate, other):
        state = _take(state, ce.AgreeToCoCoordinate(actor=who))
    state = _take(state, ce.RegisterStrategy(actor=delegate, document=STRATEGY))
    assert state.non_state_party is True
    assert state.phase is CoalitionPhase.ACTIVE


@pytest.mark.parametrize("charter", [CHARTER, CoalitionCharter(
    affected_state="VNM", partner_state="JPN", focus=CLEARANCE)])
def test_a_tampered_ck8_flag_is_refused_on_fold(charter: CoalitionCharter) -> None:
    """CK-8: the mark follows from the affected State's recorded standing, never typed in."""
    event = _identify(charter)
    tampered = event.model_copy(update={"non_state_party": not event.non_state_party})
    refusal = _refused(lambda: fold([tampered]))
    assert refusal.rule_id == "CK-8"
    assert fold([event]).non_state_party is event.non_state_party


def test_a_recorded_standing_altered_to_not_affected_is_refused_on_fold_ck1() -> None:
    event = _identify()
    unaffected = event.affected.model_copy(update={"affected": False})
    refusal = _refused(lambda: fold([event.model_copy(update={"affected": unaffected})]))
    assert refusal.rule_id == "CK-1"


def test_a_coalition_is_identified_once_ck7() -> None:
    refusal = _refused(lambda: apply_event(candidate(), _identify()))
    assert refusal.rule_id == "CK-7"
    assert "candidate" in refusal.message


# --- co-coordination: CK-2 ----------------------------------------------------------------

def test_both_states_agreeing_forms_the_coalition_ck2() -> None:
    after_one = _take(candidate(), ce.AgreeToCoCoordinate(actor=AUS))
    assert after_one.phase is CoalitionPhase.CANDIDATE
    assert formed().phase is CoalitionPhase.FORMED
    assert formed().agreed == ("LAO", "AUS")


@pytest.mark.parametrize("actor", [JPN, NOBODY])
def test_a_delegate_of_neither_state_cannot_agree_ck2(actor: Actor) -> None:
    refusal = _refused(lambda: decide(candidate(), ce.AgreeToCoCoordinate(actor=actor), T0))
    assert refusal.rule_id == "CK-2"
    assert "LAO or AUS" in refusal.message
    assert (actor.represents or "no State") in refusal.message


@pytest.mark.parametrize("actor", [COMMITTEE, PRESIDENT, ISU])
def test_only_a_delegate_agrees_for_a_state_ck2(actor: Actor) -> None:
    refusal = _refused(lambda: decide(candidate(), ce.AgreeToCoCoordinate(actor=actor), T0))
    assert refusal.rule_id == "CK-2"
    assert "delegate" in refusal.message


def test_a_state_agrees_once_ck2() -> None:
    state = _take(candidate(), ce.AgreeToCoCoordinate(actor=LAO))
    refusal = _refused(lambda: decide(state, ce.AgreeToCoCoordinate(actor=LAO), T0))
    assert refusal.rule_id == "CK-2"
    assert "already agreed" in refusal.message


def test_an_agreement_recorded_for_another_state_is_refused_on_fold_ck2() -> None:
    forged = ce.CoCoordinationAgreed(coalition=CID, occurred_at=T0, actor=LAO, state="AUS")
    refusal = _refused(lambda: fold([_identify(), forged]))
    assert refusal.rule_id == "CK-2"
    assert "not for AUS" in refusal.message


def test_agreeing_once_formed_is_refused_as_out_of_phase_ck2() -> None:
    refusal = _refused(lambda: decide(formed(), ce.AgreeToCoCoordinate(actor=LAO), T0))
    assert refusal.rule_id == "CK-2"
    assert "the coalition is formed" in refusal.message


# --- the national strategy: CK-3 ----------------------------------------------------------

def test_the_strategy_makes_the_coalition_active_ck3() -> None:
    assert active().phase is CoalitionPhase.ACTIVE
    assert active().strategy == STRATEGY


def test_the_partner_state_cannot_register_the_strategy_ck3() -> None:
    """CK-3: national ownership — the affected State alone registers its strategy."""
    refusal = _refused(lambda: decide(formed(), ce.RegisterStrategy(actor=AUS,
                                                                     document=STRATEGY), T0))
    assert refusal.rule_id == "CK-3"
    assert "delegate of LAO" in refusal.message
    assert "speaks for AUS" in refusal.message


def test_the_committee_cannot_register_the_strategy_ck3() -> None:
    refusal = _refused(lambda: decide(formed(), ce.RegisterStrategy(actor=COMMITTEE,
                                                                     document=STRATEGY), T0))
    assert refusal.rule_id == "CK-3"
    assert "committee member" in refusal.message


def test_a_strategy_before_both_states_agreed_is_refused_ck3() -> None:
    refusal = _refused(lambda: decide(candidate(), ce.RegisterStrategy(actor=LAO,
                                                                        document=STRATEGY), T0))
    assert refusal.rule_id == "CK-3"
    assert "the coalition is candidate" in refusal.message


def test_the_same_strategy_twice_is_refused_and_a_revision_accepted_ck3() -> None:
    refusal = _refused(lambda: decide(active(), ce.RegisterStrategy(actor=LAO,
                                                                     document=STRATEGY), T0))
    assert refusal.rule_id == "CK-3"
    revised = StrategyDocument(reference="NRA/NSD/2027-rev1",
                               sha256=hashlib.sha256(b"revised").hexdigest())
    assert _take(active(), ce.RegisterStrategy(actor=LAO, document=revised)).strategy == revised


def test_progress_before_the_strategy_is_refused_ck3() -> None:
    refusal = _refused(lambda: decide(formed(), ce.ReportProgress(
        actor=LAO, msp_year=2027, summary="survey begun"), T0))
    assert refusal.rule_id == "CK-3"
    assert "the coalition is formed" in refusal.message


def test_one_report_per_msp_year_ck3() -> None:
    state = _take(active(), ce.ReportProgress(actor=LAO, msp_year=2027, summary="begun"))
    refusal = _refused(lambda: decide(state, ce.ReportProgress(
        actor=AUS, msp_year=2027, summary="again"), T0))
    assert refusal.rule_id == "CK-3"
    assert "once a year" in refusal.message
    later = _take(state, ce.ReportProgress(actor=AUS, msp_year=2028, summary="next"))
    assert [r.msp_year for r in later.reports] == [2027, 2028]


@pytest.mark.parametrize("msp_year", [2026, 2029, 2011])
def test_a_report_to_an_msp_out_of_range_is_refused_ck3(msp_year: int) -> None:
    """CK-3: progress reported in 2027 goes to the MSP of 2027 or 2028."""
    refusal = _refused(lambda: decide(active(), ce.ReportProgress(
        actor=LAO, msp_year=msp_year, summary="late"), T0))
    assert refusal.rule_id == "CK-3"
    assert f"not of {msp_year}" in refusal.message


@pytest.mark.parametrize("msp_year", [2010, 3000])
def test_an_msp_year_outside_the_convention_is_not_a_command(msp_year: int) -> None:
    with pytest.raises(ValidationError):
        ce.ReportProgress(actor=LAO, msp_year=msp_year, summary="x")


def test_a_delegate_of_a_third_state_cannot_report_ck3() -> None:
    refusal = _refused(lambda: decide(active(), ce.ReportProgress(
        actor=JPN, msp_year=2027, summary="x"), T0))
    assert refusal.rule_id == "CK-3"
    assert "speaks for JPN" in refusal.message


# --- participants: CK-4 -------------------------------------------------------------------

def test_participants_join_and_leave_ck4() -> None:
    state = _take(active(), ce.AdmitParticipant(actor=AUS, participant=ICRC))
    state = _take(state, ce.AdmitParticipant(actor=LAO, participant=Participant(
        kind="state", name="JPN")))
    assert [p.name for p in state.participants] == ["ICRC", "JPN"]
    state = _take(state, ce.RecordDeparture(actor=LAO, name="ICRC"))
    assert [p.name for p in state.participants] == ["JPN"]


def test_a_participant_admitted_twice_is_refused_ck4() -> None:
    state = _take(active(), ce.AdmitParticipant(actor=AUS, participant=ICRC))
    again = Participant(kind="expert", name="ICRC")
    refusal = _refused(lambda: decide(state, ce.AdmitParticipant(actor=LAO,
                                                                 participant=again), T0))
    assert refusal.rule_id == "CK-4"
    assert "already takes part" in refusal.message


@pytest.mark.parametrize("name", ["LAO", "AUS"])
def test_a_co_coordinator_is_not_admitted_as_a_participant_ck4(name: str) -> None:
    refusal = _refused(lambda: decide(active(), ce.AdmitParticipant(
        actor=LAO, participant=Participant(kind="state", name=name)), T0))
    assert refusal.rule_id == "CK-4"
    assert "as a co-coordinator" in refusal.message


def test_the_departure_of_a_non_participant_is_refused_ck4() -> None:
    refusal = _refused(lambda: decide(active(), ce.RecordDeparture(actor=LAO, name="GICHD"),
                                      T0))
    assert refusal.rule_id == "CK-4"
    assert "GICHD does not take part" in refusal.message


def test_participants_wait_for_the_coalition_to_be_formed_ck4() -> None:
    refusal = _refused(lambda: decide(candidate(), ce.AdmitParticipant(actor=LAO,
                                                                        participant=ICRC), T0))
    assert refusal.rule_id == "CK-4"


def test_an_auditor_admits_nobody_ck4() -> None:
    refusal = _refused(lambda: decide(active(), ce.AdmitParticipant(actor=AUDITOR,
                                                                     participant=ICRC), T0))
    assert refusal.rule_id == "CK-4"
    assert "auditor" in refusal.message


# --- workshops: CK-7 ----------------------------------------------------------------------

def test_a_workshop_is_held_once_it_has_begun_ck7() -> None:
    planned = _take(active(), ce.PlanWorkshop(actor=LAO, workshop=WORKSHOP))
    assert planned.workshop_planned is not None
    # 1 April has begun nowhere yet at 09:59 UTC on 31 March (UTC+14 reads 23:59)
    day_before = datetime(2027, 3, 31, 9, 59, tzinfo=UTC)
    refusal = _refused(lambda: decide(planned, ce.HoldWorkshop(actor=LAO, outcomes=OUTCOMES),
                                      day_before))
    assert refusal.rule_id == "CK-7"
    assert "begins on 2027-04-01" in refusal.message
    # at 10:00 UTC it is 1 April in Kiribati: Vientiane's dates are local, and may have come
    held = _take(planned, ce.HoldWorkshop(actor=LAO, outcomes=OUTCOMES),
                 datetime(2027, 3, 31, 10, tzinfo=UTC))
    assert held.workshop_planned is None
    assert held.workshops[0].outcomes == OUTCOMES


def test_a_coordinator_may_plan_and_hold_a_workshop_ck7() -> None:
    planned = _take(active(), ce.PlanWorkshop(actor=COORDINATOR, workshop=WORKSHOP))
    held = _take(planned, ce.HoldWorkshop(actor=COORDINATOR, outcomes=OUTCOMES),
                 datetime(2027, 4, 2, tzinfo=UTC))
    assert held.workshops[0].outcomes == OUTCOMES


def test_the_partner_state_cannot_plan_the_workshop_ck7() -> None:
    refusal = _refused(lambda: decide(active(), ce.PlanWorkshop(actor=AUS, workshop=WORKSHOP),
                                      T0))
    assert refusal.rule_id == "CK-7"
    assert "delegate of LAO" in refusal.message


def test_no_workshop_is_held_before_one_is_planned_ck7() -> None:
    refusal = _refused(lambda: decide(active(), ce.HoldWorkshop(actor=LAO, outcomes=OUTCOMES),
                                      T0))
    assert refusal.rule_id == "CK-7"


def test_one_workshop_is_planned_at_a_time_ck7() -> None:
    planned = _take(active(), ce.PlanWorkshop(actor=LAO, workshop=WORKSHOP))
    refusal = _refused(lambda: decide(planned, ce.PlanWorkshop(actor=LAO, workshop=WORKSHOP),
                                      T0))
    assert refusal.rule_id == "CK-7"


# --- existing activities: CK-6 ------------------------------------------------------------

def test_an_activity_is_coordinated_once_ck6() -> None:
    state = _take(active(), ce.CoordinateActivity(actor=AUS, activity=ACTIVITY))
    assert state.activities == (ACTIVITY,)
    renamed = ACTIVITY.model_copy(update={"description": "the same, described again"})
    refusal = _refused(lambda: decide(state, ce.CoordinateActivity(actor=LAO,
                                                                   activity=renamed), T0))
    assert refusal.rule_id == "CK-6"
    assert "AUS-LAO-UXO-2025" in refusal.message


def test_a_duplicated_activity_in_a_recorded_stream_is_refused_on_fold_ck6() -> None:
    first = decide(active(), ce.CoordinateActivity(actor=AUS, activity=ACTIVITY), T0)
    assert fold([*_events_to_active(), first]).activities == (ACTIVITY,)
    twice = [*_events_to_active(), first, first.model_copy(update={"actor": LAO})]
    assert _refused(lambda: fold(twice)).rule_id == "CK-6"


def _events_to_active() -> list[ce.AnyCoalitionEvent]:
    events: list[ce.AnyCoalitionEvent] = [_identify()]
    state = fold(events)
    for command in (ce.AgreeToCoCoordinate(actor=LAO), ce.AgreeToCoCoordinate(actor=AUS),
                    ce.RegisterStrategy(actor=LAO, document=STRATEGY)):
        event = decide(state, command, T0)
        events.append(event)
        state = apply_event(state, event)
    return events


# --- closing, and the closed coalition (CK-2) ---------------------------------------------

@pytest.mark.parametrize("actor", [LAO, AUS, COMMITTEE, PRESIDENT])
def test_a_co_coordinator_or_the_committee_closes_ck2(actor: Actor) -> None:
    state = _take(active(), ce.CloseCoalition(actor=actor, reason="objectives met"))
    assert state.phase is CoalitionPhase.CLOSED
    assert state.closed_because == "objectives met"


def test_a_third_state_cannot_close_ck2() -> None:
    refusal = _refused(lambda: decide(active(), ce.CloseCoalition(actor=JPN, reason="x"), T0))
    assert refusal.rule_id == "CK-2"


def test_a_candidate_may_be_closed_before_it_is_formed_ck2() -> None:
    state = _take(candidate(), ce.CloseCoalition(actor=COMMITTEE, reason="AUS declined"))
    assert state.phase is CoalitionPhase.CLOSED


EVERY_STEP: list[ce.CoalitionStepCommand] = [
    ce.AgreeToCoCoordinate(actor=LAO),
    ce.RegisterStrategy(actor=LAO, document=STRATEGY.model_copy(update={"reference": "v2"})),
    ce.AdmitParticipant(actor=LAO, participant=ICRC),
    ce.RecordDeparture(actor=LAO, name="ICRC"),
    ce.PlanWorkshop(actor=LAO, workshop=WORKSHOP),
    ce.HoldWorkshop(actor=LAO, outcomes=OUTCOMES),
    ce.CoordinateActivity(actor=LAO, activity=ACTIVITY),
    ce.ReportProgress(actor=LAO, msp_year=2027, summary="x"),
    ce.CloseCoalition(actor=LAO, reason="again"),
]
RULE_OF = {ce.AgreeToCoCoordinate: "CK-2", ce.RegisterStrategy: "CK-3",
           ce.AdmitParticipant: "CK-4", ce.RecordDeparture: "CK-4", ce.PlanWorkshop: "CK-7",
           ce.HoldWorkshop: "CK-7", ce.CoordinateActivity: "CK-6",
           ce.ReportProgress: "CK-3", ce.CloseCoalition: "CK-2"}


@pytest.mark.parametrize("command", EVERY_STEP, ids=lambda c: type(c).__name__)
def test_a_closed_coalition_refuses_every_step(command: ce.CoalitionStepCommand) -> None:
    """Each refusal cites the step's own rule (CK-2, CK-3, CK-4, CK-6, CK-7)."""
    state = closed()
    refusal = _refused(lambda: decide(state, command, T0 + timedelta(days=60)))
    assert refusal.rule_id == RULE_OF[type(command)]
    assert "the coalition is closed" in refusal.message
    assert "what may be done is: nothing" in refusal.message


def test_a_closed_coalition_opens_no_step() -> None:
    assert open_steps(STEPS, closed()) == []


# --- the table, fold and streams ----------------------------------------------------------

def test_the_steps_open_in_each_phase() -> None:
    def names(state: CoalitionState) -> list[str]:
        return [o.step for o in open_steps(STEPS, state)]

    assert names(CoalitionState()) == ["identify_candidate"]
    assert names(candidate()) == ["agree_to_co_coordinate", "close_coalition"]
    assert "report_progress" not in names(formed())
    assert "register_strategy" in names(formed())
    assert "report_progress" in names(active())
    assert "hold_workshop" not in names(active())
    assert BY_STEP["report_progress"].rule_id == "CK-3"


def test_fold_rebuilds_the_state_the_steps_made() -> None:
    events = _events_to_active()
    assert fold(events) == active()
    assert fold(events).event_count == 4


def test_an_event_of_another_coalition_does_not_apply() -> None:
    other = _identify(coalition="coalition-lao-2")
    event = decide(candidate(), ce.AgreeToCoCoordinate(actor=LAO), T0)
    with pytest.raises(ValueError, match="coalition-lao-2"):
        apply_event(apply_event(CoalitionState(), other), event)
