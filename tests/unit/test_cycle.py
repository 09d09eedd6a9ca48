"""The annual cycle: who may take which step in which phase, and fold(events) -> CycleState."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain import decide
from domain.calendar import default_calendar
from domain.convention import Role, Status, shipped_registry
from domain.cycle import apply, fold
from domain.elections import ElectionResult, Term, plan_first_round, seats_open
from domain.errors import RuleViolation
from domain.events import CoordinatorsElected, CycleEvent, CycleOpened, parse_event
from domain.mandates import mandates
from domain.rules import RULES
from domain.state import CycleState, Phase, WorkplanStatus
from domain.steps import BY_STEP, STEPS, Step, pending_steps
from tests.unit.cycle_factory import (
    CHAIR,
    DESIGNATED,
    SITTING,
    YEAR,
    actor,
    at,
    event_for,
    meeting,
    workplan,
)

HAPPY_PATH = [Step.OPEN_CYCLE, Step.ELECT_COORDINATORS, Step.DESIGNATE_PRESIDENT,
              Step.CONVENE_MEETING, Step.HOLD_MEETING, Step.DRAFT_WORKPLAN,
              Step.SUBMIT_WORKPLAN_TO_COMMITTEE, Step.APPROVE_WORKPLAN,
              Step.SEND_WORKPLAN_TO_MSP, Step.ADOPT_WORKPLAN, Step.CLOSE_CYCLE]


def run(steps: list[Step]) -> tuple[CycleState, list[CycleEvent]]:
    state, events = CycleState(), []
    for day, step in enumerate(steps):
        event = event_for(step, state, at(day))
        state = apply(state, event)
        events.append(event)
    return state, events


def refusal(state: CycleState, event: CycleEvent) -> RuleViolation:
    with pytest.raises(RuleViolation) as excinfo:
        apply(state, event)
    return excinfo.value


def test_a_whole_year_runs_from_opening_to_closing() -> None:
    """The cycle's phases follow RULES.md's annual cycle, from opening to closing."""
    state, phases = CycleState(), []
    for day, step in enumerate(HAPPY_PATH):
        state = apply(state, event_for(step, state, at(day)))
        phases.append(state.phase)
    assert phases == [Phase.ELECTION, Phase.ELECTION, Phase.INTERSESSIONAL_MEETING,
                      Phase.INTERSESSIONAL_MEETING, Phase.WORKPLAN, Phase.WORKPLAN,
                      Phase.WORKPLAN, Phase.SUBMISSION, Phase.MSP_DECISION, Phase.CLOSING,
                      Phase.CLOSED]
    assert state.workplan_status is WorkplanStatus.ADOPTED
    assert state.approved_hash == state.submitted_hash == workplan().content_hash()
    assert state.event_count == len(HAPPY_PATH)


def test_returned_work_plan_goes_back_to_the_isu_as_often_as_it_takes() -> None:
    """ISU-3: a returned work plan is redrafted and resubmitted; only then approved."""
    state, _ = run(HAPPY_PATH[:7])
    for round_ in range(1, 4):
        state = apply(state, event_for(Step.RETURN_WORKPLAN, state, at(20 + round_)))
        assert state.phase is Phase.WORKPLAN
        assert state.workplan_status is WorkplanStatus.RETURNED
        state = apply(state, event_for(Step.DRAFT_WORKPLAN, state, at(30 + round_),
                                       variant=round_))
        state = apply(state, event_for(Step.SUBMIT_WORKPLAN_TO_COMMITTEE, state, at(40)))
    state = apply(state, event_for(Step.APPROVE_WORKPLAN, state, at(50)))
    assert len(state.returns) == 3
    assert state.approved_hash == workplan(3).content_hash()


def test_the_msp_decides_only_on_the_text_the_committee_approved() -> None:
    """ISU-3: a work plan other than the approved text cannot be submitted or adopted."""
    state, _ = run(HAPPY_PATH[:8])
    other = workplan(99).content_hash()
    send = event_for(Step.SEND_WORKPLAN_TO_MSP, state, at(60)).model_copy(
        update={"content_hash": other})
    assert refusal(state, send).rule_id == "ISU-3"
    state = apply(state, event_for(Step.SEND_WORKPLAN_TO_MSP, state, at(60)))
    adopt = event_for(Step.ADOPT_WORKPLAN, state, at(70)).model_copy(
        update={"content_hash": other})
    violation = refusal(state, adopt)
    assert violation.rule_id == "ISU-3"
    assert "not the text the committee approved" in violation.message


def test_a_hash_that_is_not_the_texts_own_is_refused() -> None:
    """ISU-3: a drafted work plan's hash is computed from its text, never typed in."""
    state, _ = run(HAPPY_PATH[:5])
    event = event_for(Step.DRAFT_WORKPLAN, state, at(9)).model_copy(
        update={"content_hash": "0" * 64})
    assert refusal(state, event).rule_id == "ISU-3"


def test_a_wrong_role_is_refused_with_the_steps_rule() -> None:
    """Every step refuses a role it does not list, citing its rule (auditors are read-only)."""
    state = CycleState()
    for day, step in enumerate(HAPPY_PATH):
        rule = BY_STEP[step]
        violation = refusal(state, event_for(step, state, at(day), role=Role.AUDITOR))
        assert violation.rule_id == rule.rule_id
        assert "acted as auditor" in violation.message
        state = apply(state, event_for(step, state, at(day)))


def test_a_committee_member_must_sit_on_the_committee_that_day() -> None:
    """CC-3: a committee decision by a member is taken only by someone who sits on it."""
    state, _ = run(HAPPY_PATH[:7])
    in_2025 = at(200)  # the 2025 coordinators sit from 1 January 2025
    outsider = event_for(Step.APPROVE_WORKPLAN, state, in_2025).model_copy(
        update={"actor": actor(Role.COMMITTEE_MEMBER, "FRA")})
    violation = refusal(state, outsider)
    assert violation.rule_id == "CC-3"
    assert "FRA" in violation.message
    early = outsider.model_copy(update={"actor": actor(Role.COMMITTEE_MEMBER, "LAO"),
                                        "occurred_at": at(20)})
    assert refusal(state, early).rule_id == "CC-3"  # in 2024, LAO's term has not begun
    for member in ("LAO", "ICRC"):  # a coordinator's State, an organisation of CC-3 (e)
        event = outsider.model_copy(update={"actor": actor(Role.COMMITTEE_MEMBER, member)})
        assert apply(state, event).workplan_status is WorkplanStatus.APPROVED


def test_an_election_out_of_the_rules_is_refused_by_the_fold() -> None:
    """CO-1: the fold refuses a coordinator whose recorded standing is not a State Party."""
    state, _ = run(HAPPY_PATH[:1])
    event = event_for(Step.ELECT_COORDINATORS, state, at(1))
    assert isinstance(event, CoordinatorsElected)
    demoted = tuple(s.model_copy(update={"status": Status.SIGNATORY}) if s.iso3 == "LAO" else s
                    for s in event.standings)
    violation = refusal(state, event.model_copy(update={"standings": demoted}))
    assert violation.rule_id == "CO-1"
    assert "LAO" in violation.message


def test_replay_reads_the_standings_recorded_not_todays_registry() -> None:
    """CO-1: an election is judged on the standings recorded with it, so a later change of the
    registry (a State withdrawing) never breaks the replay of an earlier year."""
    state, events = run(HAPPY_PATH[:1])
    proposed = event_for(Step.ELECT_COORDINATORS, state, at(1))
    assert isinstance(proposed, CoordinatorsElected)
    recorded = decide.election(state, proposed.election, shipped_registry(),
                               CHAIR, at(1))
    assert {s.iso3 for s in recorded.standings} == {t.state for t in proposed.election.terms}
    later = dict(shipped_registry())
    later["LAO"] = later["LAO"].model_copy(update={"status": Status.NON_PARTY})
    with pytest.raises(RuleViolation) as excinfo:  # judged today, LAO would be refused …
        decide.election(state, proposed.election, later, CHAIR, at(1))
    assert excinfo.value.rule_id == "CO-1"
    assert fold([*events, recorded]).election == proposed.election  # … its replay stands


def test_the_meeting_is_judged_when_convened() -> None:
    """IM-2: convening the intersessional meeting in Vienna is refused by the cycle."""
    state, _ = run(HAPPY_PATH[:3])
    event = event_for(Step.CONVENE_MEETING, state, at(5)).model_copy(
        update={"meeting": meeting(place="Vienna")})
    assert refusal(state, event).rule_id == "IM-2"
    assert apply(state, event_for(Step.CONVENE_MEETING, state, at(5))).meeting is not None


def test_a_cycle_without_a_meeting_goes_from_elections_to_the_work_plan() -> None:
    """IM-8: a recorded decision to hold no meeting takes the cycle to its work plan."""
    state, _ = run([*HAPPY_PATH[:3], Step.DISPENSE_WITH_MEETING])
    assert state.phase is Phase.WORKPLAN
    assert state.meeting_dispensed
    assert refusal(state, event_for(Step.CONVENE_MEETING, state, at(9))).rule_id == "IM-5"


def test_pending_steps_say_who_may_act_and_by_when() -> None:
    """ISU-3: with the committee, the pending steps are approve or return, by P or CM."""
    state, _ = run(HAPPY_PATH[:7])
    pending = pending_steps(state)
    assert [p.step for p in pending] == [Step.APPROVE_WORKPLAN, Step.RETURN_WORKPLAN]
    assert all(p.roles == (Role.PRESIDENT, Role.COMMITTEE_MEMBER) for p in pending)
    assert state.calendar is not None
    assert all(p.due == state.calendar.committee_due for p in pending)
    assert state.calendar.committee_due == date(2025, 7, 21)


def test_an_unopened_cycle_takes_no_step_and_opens_once() -> None:
    """ISU-2: every step needs an open cycle, and the ISU opens a cycle once."""
    for step in HAPPY_PATH[1:]:
        violation = refusal(CycleState(), event_for(step, CycleState(), at(0)))
        assert "needs an open cycle" in violation.message
    state, _ = run(HAPPY_PATH[:1])
    assert refusal(state, event_for(Step.OPEN_CYCLE, state, at(1))).rule_id == "ISU-2"


def test_events_survive_their_json_form() -> None:
    """Every event rebuilt from its JSON form folds to the same state (what the ledger keeps)."""
    state, events = run(HAPPY_PATH)
    rebuilt = [parse_event(e.model_dump(mode="json")) for e in events]
    assert rebuilt == events
    assert fold(rebuilt) == state


@st.composite
def legal_histories(draw: st.DrawFn) -> list[CycleEvent]:
    """Any legal sequence of steps, including the engine's reminders and missed deadlines."""
    state, events = CycleState(), []
    for day in range(draw(st.integers(min_value=0, max_value=30))):
        options = pending_steps(state, include_engine=True)
        if not options:
            break
        step = draw(st.sampled_from([p.step for p in options]))
        event = event_for(Step(step), state, at(day), variant=draw(st.integers(0, 3)))
        state = apply(state, event)
        events.append(event)
    return events


@settings(max_examples=150, deadline=None)
@given(legal_histories())
def test_fold_is_deterministic_and_total_over_legal_histories(events: list[CycleEvent]) -> None:
    """fold is total and deterministic: any legal history folds, twice alike, step by step."""
    once, twice = fold(events), fold(list(events))
    assert once == twice
    assert once.event_count == len(events)
    prefix = CycleState()
    for event in events:
        prefix = apply(prefix, event)
    assert prefix == once


@settings(max_examples=150, deadline=None)
@given(legal_histories(), st.sampled_from([r.step for r in STEPS]),
       st.sampled_from(list(Role)))
def test_every_illegal_step_is_refused_with_a_rule_id(
    events: list[CycleEvent], step: Step, role: Role
) -> None:
    """Any step not open now, or by a role the step does not list, raises a RuleViolation
    whose rule id is in the catalogue; the state it was offered to stays as it was."""
    state = fold(events)
    rule = BY_STEP[step]
    open_now = {p.step for p in pending_steps(state, include_engine=True)}
    before = state.model_copy()
    event = event_for(step, state, at(40), role=role)
    if step in open_now and role in rule.roles:  # a legal step, by CHE, who sits on the committee
        assert apply(state, event).event_count == state.event_count + 1
        return
    with pytest.raises(RuleViolation) as excinfo:
        apply(state, event)
    assert excinfo.value.rule_id in RULES
    assert excinfo.value.message.endswith(".")
    assert state == before


def test_continuity_carries_earlier_terms_into_the_next_cycle() -> None:
    """CO-8, CO-7: terms carried into a cycle keep rotation running: a State whose term ends in
    2026 is refused a seat beginning in 2027 in the next cycle's election."""
    earlier = plan_first_round(2025, NOMINATIONS_2026).terms
    opened = CycleOpened(year=2027, occurred_at=at(800), actor=actor(Role.ISU),
                         calendar=default_calendar(2027), carried_terms=earlier,
                         carried_presidencies=(DESIGNATED,))  # PHL presides from 2025
    state = apply(CycleState(), opened)
    assert set(state.terms) == set(earlier)
    assert sum(seats_open(state.terms, 2027).values()) == 6  # single-year seats of 2026
    fillers = iter(["SEN", "ECU", "ZMB", "PER", "JPN", "CRI"])
    terms = [Term(state="CHL" if key == "universalization" else next(fillers), mandate=key,
                  first_year=2027, last_year=2028)
             for key, n in seats_open(state.terms, 2027).items() for _ in range(n)]
    result = ElectionResult(msp_year=2026, terms=tuple(terms))
    with pytest.raises(RuleViolation) as excinfo:
        decide.election(state, result, shipped_registry(), actor(Role.PRESIDENT, "PHL"),
                        at(801))
    assert excinfo.value.rule_id == "CO-7"
    assert "CHL" in excinfo.value.message


NOMINATIONS_2026 = {
    "general-status": ["CHE", "LBN"], "universalization": ["GHA", "PHL"],
    "victim-assistance": ["ITA", "CHL"], "clearance": ["LAO", "NOR"],
    "stockpile-destruction": ["ESP", "BIH"], "cooperation-assistance": ["AUS", "IRQ"],
    "national-implementation": ["NZL"], "reporting": ["BEL"],
}


def test_the_election_recorded_in_a_cycle_is_the_previous_msps() -> None:
    """CO-2: the 2025 cycle records the election held at the MSP of 2024, no other."""
    state, _ = run(HAPPY_PATH[:1])
    event = event_for(Step.ELECT_COORDINATORS, state, at(1))
    assert isinstance(event, CoordinatorsElected)
    wrong = event.model_copy(update={"election": event.election.model_copy(
        update={"msp_year": 2023})})
    violation = refusal(state, wrong)
    assert violation.rule_id == "CO-2"
    assert "2024" in violation.message


def test_the_presidents_designation_is_recorded_by_the_president() -> None:
    """CO-3: the President of the meeting records who will guide the coordinators next; a
    coordinator cannot."""
    state, _ = run(HAPPY_PATH[:2])
    violation = refusal(state, event_for(Step.DESIGNATE_PRESIDENT, state, at(2),
                                         role=Role.COORDINATOR))
    assert violation.rule_id == "CO-3"
    assert apply(state, event_for(Step.DESIGNATE_PRESIDENT, state, at(2))).designated is not None


def test_the_president_chairs_the_committees_decision() -> None:
    """CC-1, CC-2: the committee, chaired by the President, decides on the work plan before it
    goes to the MSP; sending it to the MSP before that decision is refused."""
    state, _ = run(HAPPY_PATH[:7])
    assert refusal(state, event_for(Step.SEND_WORKPLAN_TO_MSP, state, at(9))).rule_id == "ISU-3"
    chaired = apply(state, event_for(Step.APPROVE_WORKPLAN, state, at(9), role=Role.PRESIDENT))
    assert chaired.workplan_status is WorkplanStatus.APPROVED


def test_every_fact_says_who_did_what_when_for_the_review_conference() -> None:
    """CO-9, CC-4, ISU-5: every event of the cycle carries its actor, role, time and schema
    version, so the First Review Conference can review the programme from the record."""
    _, events = run(HAPPY_PATH)
    assert {e.type for e in events} >= {"CycleOpened", "WorkplanAdoptedByMSP", "CycleClosed"}
    for event in events:
        dumped = event.model_dump(mode="json")
        assert dumped["actor"]["role"] in {r.value for r in Role}
        assert dumped["occurred_at"].endswith("Z") or "+00:00" in dumped["occurred_at"]
        assert dumped["schema_version"] == 1


def test_a_cycle_judges_its_election_by_the_mandates_it_opened_with() -> None:
    """CO-4: a cycle opened with one-year reporting terms accepts a one-year reporting term, and
    the fold of that year keeps judging by the mandates recorded when it opened."""
    one_year = tuple(mandates(term_years={"reporting": 1}).values())
    opened = CycleOpened(year=YEAR, occurred_at=at(0), actor=actor(Role.ISU),
                         calendar=default_calendar(YEAR), mandates=one_year,
                         carried_presidencies=(SITTING,))
    state = apply(CycleState(), opened)
    result = plan_first_round(YEAR - 1, NOMINATIONS_2026, state.catalogue)
    elected = decide.election(state, result, shipped_registry(), CHAIR, at(1))
    assert fold([opened, elected]).catalogue["reporting"].term_years == 1
    default = apply(CycleState(), event_for(Step.OPEN_CYCLE, CycleState(), at(0)))
    with pytest.raises(RuleViolation) as excinfo:
        decide.election(default, result, shipped_registry(), CHAIR, at(1))
    assert excinfo.value.rule_id == "CO-4"
