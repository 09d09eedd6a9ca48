"""The Convention as it ran (issue 20), in the domain: profiles, terms from meeting to meeting,
the committee deciding as a committee (CC-5), early end and replacement (CO-10), States'
dates of standing (CO-1 on the day), meetings in parts and further designations (CO-3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from pydantic import ValidationError

from domain import decide
from domain.calendar import default_calendar
from domain.commands import EndTermEarly
from domain.committee import Presidency, committee_on, deciding_members
from domain.conferences import FormalMeeting, MeetingKind, MeetingPart
from domain.convention import Role, State, Status, shipped_registry
from domain.cycle import apply
from domain.election_rules import check_eligibility, check_rotation
from domain.elections import ElectionResult, Term, in_force_on, plan_first_round
from domain.errors import RuleViolation
from domain.events import (
    CycleEvent,
    CycleOpened,
    IntersessionalMeetingDispensedWith,
    PresidentDesignated,
    WorkplanApprovedByCommittee,
    WorkplanDrafted,
    WorkplanSubmittedToCommittee,
)
from domain.mandates import mandate, mandates
from domain.profile import SitsAs, TermBasis, profile, profiles
from domain.state import CycleState, Phase
from tests.unit.cycle_factory import DESIGNATED, NOMINATIONS, SITTING, YEAR, actor, workplan

OPENED = datetime(2024, 9, 6, 17, tzinfo=UTC)  # the MSP of 2024's last day
CHAIR = actor(Role.PRESIDENT, "CHE")
ISU = actor(Role.ISU)


def _seeds_cycle(name: str = "seeds") -> CycleState:
    """The 2025 cycle under a meeting-to-meeting profile, elected and designated on the day
    it opened, its meeting dispensed with, its work plan with the committee."""
    opened = CycleOpened(year=YEAR, occurred_at=OPENED, actor=ISU,
                         calendar=default_calendar(YEAR), carried_presidencies=(SITTING,),
                         profile=profile(name))
    state = apply(CycleState(), opened)
    registry = shipped_registry()
    state = apply(state, decide.election(state, plan_first_round(YEAR - 1, NOMINATIONS),
                                         registry, CHAIR, OPENED))
    state = apply(state, PresidentDesignated(year=YEAR, occurred_at=OPENED, actor=CHAIR,
                                             presidency=DESIGNATED))
    later = OPENED + timedelta(days=30)
    for event in (IntersessionalMeetingDispensedWith(year=YEAR, occurred_at=later, actor=CHAIR,
                                                     decided_by="the MSP of 2024"),
                  WorkplanDrafted(year=YEAR, occurred_at=later, actor=ISU, workplan=workplan(),
                                  content_hash=workplan().content_hash()),
                  WorkplanSubmittedToCommittee(year=YEAR, occurred_at=later, actor=ISU,
                                               content_hash=workplan().content_hash())):
        state = apply(state, event)
    return state


def _approval(state: CycleState, who: object, present: tuple[str, ...],
              day: datetime) -> WorkplanApprovedByCommittee:
    return WorkplanApprovedByCommittee(year=YEAR, occurred_at=day, actor=who,
                                       content_hash=state.draft_hash, present=present)


def _refused(state: CycleState, event: CycleEvent, rule: str) -> str:
    with pytest.raises(RuleViolation) as refused:
        apply(state, event)
    assert refused.value.rule_id == rule
    return refused.value.message


def test_the_shipped_profiles_name_a_source_for_every_seat() -> None:
    for chosen in profiles().values():
        assert chosen.committee, chosen.name
        assert all(seat.source.strip() for seat in chosen.committee)
    assert profile("engine-2026").term_basis is TermBasis.CALENDAR_YEAR
    assert profile("seeds").term_basis is TermBasis.MEETING_TO_MEETING
    with pytest.raises(ValueError, match="no Convention profile called 'nope'"):
        profile("nope")


def test_terms_run_from_the_meeting_that_elects_them_to_the_one_that_elects_successors(
) -> None:
    elected = Term(state="NOR", mandate="universalization", first_year=2014, last_year=2015,
                   begins=date(2013, 9, 13))
    successor = Term(state="ZMB", mandate="universalization", first_year=2016,
                     last_year=2017, begins=date(2015, 9, 11))
    terms = [elected, successor]
    assert in_force_on(terms, date(2013, 9, 12)) == {}
    assert in_force_on(terms, date(2013, 9, 13))["universalization"] == [elected]
    assert in_force_on(terms, date(2015, 9, 10))["universalization"] == [elected]
    assert in_force_on(terms, date(2015, 9, 11))["universalization"] == [successor]
    # by calendar years, the same term would still run on 1 October 2015
    assert [t.state for t in in_force_on([elected.model_copy(update={"begins": None})],
                                         date(2015, 10, 1))["universalization"]] == ["NOR"]


def test_an_election_under_a_meeting_profile_begins_its_terms_that_day() -> None:
    state = _seeds_cycle()
    assert {t.begins for t in state.terms} == {OPENED.date()}
    members = state.committee_on(OPENED.date() - timedelta(days=1))
    assert not [m for m in members if m.basis.startswith("Coordinator")]
    assert len([m for m in state.committee_on(OPENED.date()) if m.basis.startswith("Coord")]
               ) == 14


def test_the_practice_seats_the_former_president_as_an_observer() -> None:
    earlier = Presidency(state="LBN", meeting="11MSP", designated_on=date(2022, 9, 1),
                         presides_from=date(2023, 9, 4), presides_until=date(2024, 9, 2))
    day = date(2025, 1, 15)
    seeds = committee_on(day, [], [earlier, SITTING], chosen_profile=profile("seeds"))
    practice = committee_on(day, [], [earlier, SITTING], chosen_profile=profile("ccm-practice"))
    assert "LBN" not in {m.represents for m in seeds}
    former = [m for m in practice if m.represents == "LBN"]
    assert former
    assert former[0].sits_as is SitsAs.OBSERVER
    assert "LBN" not in deciding_members(practice)


def test_cc5_no_single_member_decides_for_the_committee() -> None:
    state = _seeds_cycle()
    day = OPENED + timedelta(days=40)
    voting = deciding_members(state.committee_on(day.date()))
    member = actor(Role.COMMITTEE_MEMBER, "NZL")
    assert "one member and cannot decide" in _refused(
        state, _approval(state, member, tuple(voting), day), "CC-5")
    assert "did not sit" in _refused(state, _approval(state, CHAIR, ("CHE", "USA"), day), "CC-5")
    assert "at least" in _refused(state, _approval(state, CHAIR, ("CHE", "NZL"), day), "CC-5")
    assert "among those present" in _refused(
        state, _approval(state, CHAIR, tuple(v for v in voting if v != "CHE"), day), "CC-5")
    quorum = tuple(voting[: len(voting) // 2 + 1])
    assert "CHE" in quorum
    approved = apply(state, _approval(state, CHAIR, quorum, day))
    assert approved.phase is Phase.SUBMISSION


def test_cc5_the_first_reading_lets_one_member_decide_as_before() -> None:
    state = _seeds_cycle("engine-2026")
    member = actor(Role.COMMITTEE_MEMBER, "NZL")
    day = OPENED + timedelta(days=150)  # calendar-year terms: NZL sits from 1 January 2025
    assert apply(state, _approval(state, member, (), day)).phase is Phase.SUBMISSION
    # whoever is named present sat that day, under any profile
    assert "did not sit" in _refused(state, _approval(state, member, ("NZL", "USA"), day),
                                     "CC-5")


def test_co10_a_term_ended_early_gives_the_rest_of_it_to_its_replacement() -> None:
    state = _seeds_cycle()
    registry = shipped_registry()
    bel = next(t for t in state.terms if t.state == "BEL")
    day = date(2025, 3, 1)
    command = EndTermEarly(actor=CHAIR, term=bel, ended_on=day, reason="resigned the seat",
                           decided_by="the Coordination Committee", replacement="NLD")
    ended = apply(state, decide.ending(state, command, registry,
                                       datetime(2025, 3, 2, tzinfo=UTC)))
    reporting = in_force_on(ended.terms, day)["reporting"]
    assert [t.state for t in reporting] == ["NLD"]
    assert reporting[0].last_year == bel.last_year
    assert reporting[0].replacing == "BEL"
    assert [t.state for t in in_force_on(ended.terms, day - timedelta(days=1))["reporting"]
            ] == ["BEL"]
    # a replacement that already holds a seat of the mandate, and a term not running
    taken = command.model_copy(update={"term": next(t for t in state.terms
                                                    if t.state == "LAO"),
                                       "replacement": "NOR"})
    assert "already holds" in _refused(
        state, decide.ending(state, taken, registry, datetime(2025, 3, 2, tzinfo=UTC)),
        "CO-10")
    assert "no running term" in _refused(
        ended, decide.ending(ended, command, registry, datetime(2025, 3, 3, tzinfo=UTC)),
        "CO-10")


def test_co7_is_judged_on_the_real_sequence_after_a_replacement() -> None:
    """The replacement served the last year of the term, so it may not serve the next term
    unless the Meeting records why; the State that left early served until it left."""
    ended = Term(state="BEL", mandate="reporting", first_year=2025, last_year=2026,
                 ends=date(2026, 3, 1))
    rest = Term(state="NLD", mandate="reporting", first_year=2026, last_year=2026,
                begins=date(2026, 3, 1), replacing="BEL")
    result = ElectionResult(msp_year=2026, terms=(
        Term(state="NLD", mandate="reporting", first_year=2027, last_year=2028),))
    with pytest.raises(RuleViolation, match="2026–2026") as refused:
        check_rotation([ended, rest], result, mandates())
    assert refused.value.rule_id == "CO-7"
    assert ended.served_until == 2026


def test_co1_a_state_is_judged_a_party_on_the_day() -> None:
    lka = State(iso3="LKA", name="Sri Lanka", status=Status.STATE_PARTY, affected=False,
                donor=False, joined=date(2018, 3, 1), in_force=date(2018, 9, 1))
    assert not lka.party_on(date(2018, 8, 31))
    assert lka.party_on(date(2018, 9, 1))
    assert "not yet a State Party on 2018-08-31" in lka.standing_on(date(2018, 8, 31))
    gone = lka.model_copy(update={"withdrew": date(2025, 3, 6)})
    assert not gone.party_on(date(2025, 3, 6))
    assert "withdrew" in gone.standing_on(
        date(2025, 4, 1))
    undated = lka.model_copy(update={"joined": None, "in_force": None})
    assert undated.party_on(date(1990, 1, 1))  # no dates: its standing today
    term = Term(state="LKA", mandate="reporting", first_year=2019, last_year=2020)
    with pytest.raises(RuleViolation, match="not yet a State Party") as refused:
        check_eligibility(term, mandate("reporting"), {"LKA": lka}, date(2018, 2, 1))
    assert refused.value.rule_id == "CO-1"
    # instrument deposited, not yet in force: accepted, with a recorded warning (Sweden, 2012)
    (noted,) = check_eligibility(term, mandate("reporting"), {"LKA": lka}, date(2018, 8, 1))
    assert noted.rule_id == "CO-1"
    assert "before it was a State Party" in noted.message
    assert check_eligibility(term, mandate("reporting"), {"LKA": lka}, date(2018, 9, 3)) == ()


def test_a_meeting_in_parts_opens_with_its_first_and_ends_with_its_last() -> None:
    review = FormalMeeting(kind=MeetingKind.REVIEW_CONFERENCE,
                           name="Second Review Conference", parts=(
                               MeetingPart(first_day=date(2020, 11, 25),
                                           last_day=date(2020, 11, 27), venue="online"),
                               MeetingPart(first_day=date(2021, 9, 20),
                                           last_day=date(2021, 9, 21), venue="Geneva")))
    assert (review.opens, review.ends) == (date(2020, 11, 25), date(2021, 9, 21))
    assert review.sitting_on(date(2021, 9, 20)) is review.parts[1]
    assert review.sitting_on(date(2021, 1, 1)) is None
    with pytest.raises(ValidationError, match="must follow one another"):
        FormalMeeting(name="x", parts=tuple(reversed(review.parts)))


def test_co3_a_cycle_designates_two_presidents_but_never_one_meeting_twice() -> None:
    state = _seeds_cycle()
    review = Presidency(state="AUT", meeting="Third Review Conference",
                        designated_on=OPENED.date(), presides_from=date(2026, 9, 7))
    both = apply(state, PresidentDesignated(year=YEAR, occurred_at=OPENED, actor=CHAIR,
                                            presidency=review))
    assert {p.state for p in both.presidencies} >= {"PHL", "AUT"}
    assert both.designated == DESIGNATED  # the first designation stays the cycle's
    again = PresidentDesignated(year=YEAR, occurred_at=OPENED, actor=CHAIR, presidency=review)
    assert "already designated" in _refused(both, again, "CO-3")


def test_events_and_terms_recorded_before_keep_their_form() -> None:
    """New fields leave the recorded form while empty: a payload recorded before them reads
    back and dumps unchanged (the ledger's idempotency compares content)."""
    term = Term(state="BEL", mandate="reporting", first_year=2025, last_year=2026)
    assert term.model_dump(mode="json") == {"state": "BEL", "mandate": "reporting",
                                            "first_year": 2025, "last_year": 2026}
    event = WorkplanApprovedByCommittee(year=YEAR, occurred_at=OPENED, actor=CHAIR,
                                        content_hash="a" * 64)
    assert "present" not in event.model_dump(mode="json")
    assert "source" not in event.model_dump(mode="json")


def test_an_incomplete_record_is_judged_on_what_it_names() -> None:
    """A year whose sources name only some coordinators records them for that cycle, judged
    on CO-1 on the day and the seats, and not on the unknown terms (no WG-2 'no coordinator',
    no CO-7); a slate over a mandate's seats is still refused."""
    opened = CycleOpened(year=YEAR, occurred_at=OPENED, actor=ISU,
                         calendar=default_calendar(YEAR), carried_presidencies=(SITTING,),
                         profile=profile("seeds"))
    state = apply(CycleState(), opened)
    named = (Term(state="NZL", mandate="national-implementation", first_year=YEAR,
                  last_year=YEAR, begins=OPENED.date()),)
    registry = shipped_registry()
    event = decide.election(state, ElectionResult(msp_year=YEAR - 1, terms=named), registry,
                            CHAIR, OPENED, incomplete="the sources name one coordinator")
    assert apply(state, event).terms == named
    crowded = tuple(Term(state=s, mandate="reporting", first_year=YEAR, last_year=YEAR,
                         begins=OPENED.date()) for s in ("BEL", "NZL"))
    with pytest.raises(RuleViolation) as refused:
        decide.election(state, ElectionResult(msp_year=YEAR - 1, terms=crowded), registry,
                        CHAIR, OPENED, incomplete="the sources name two")
    assert refused.value.rule_id == "WG-3"
    complete = event.model_copy(update={"incomplete": None})
    assert "serves 2 year(s)" in _refused(state, complete, "CO-4")  # judged whole, it fails
