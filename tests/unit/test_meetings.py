"""The informal intersessional meeting (IM-1 … IM-7), with the 2MSP seed's own examples."""

from __future__ import annotations

import inspect
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import RuleViolation
from domain.mandates import DEFAULT_MANDATES, GENERAL_STATUS, NATIONAL_IMPLEMENTATION, REPORTING
from domain.meetings import (
    AgendaSlot,
    IntersessionalMeeting,
    NeighbouringMeeting,
    default_agenda,
    validate_meeting,
)


def _meeting(
    first: date,
    last: date,
    *,
    place: str = "Geneva",
    year: int | None = None,
    back_to_back_with: NeighbouringMeeting | None = NeighbouringMeeting.APMBC,
    agenda: tuple[AgendaSlot, ...] | None = None,
) -> IntersessionalMeeting:
    days = (last - first).days + 1
    return IntersessionalMeeting(
        year=first.year if year is None else year,
        place=place,
        first_day=first,
        last_day=last,
        back_to_back_with=back_to_back_with,
        agenda=default_agenda(max(days, 1)) if agenda is None else agenda,
    )


# --- IM-1, IM-2, IM-3: when, where, how long ------------------------------------------------


def test_five_day_meeting_in_geneva_in_june_is_accepted() -> None:
    """IM-1: a five-day Geneva meeting in June, back-to-back with APMBC, passes unwarned."""
    meeting = _meeting(date(2012, 6, 11), date(2012, 6, 15))
    assert meeting.days == 5
    assert validate_meeting(meeting) == ()


def test_six_day_meeting_is_refused() -> None:
    """IM-3: a six-day meeting is refused."""
    meeting = _meeting(date(2012, 6, 11), date(2012, 6, 16))
    with pytest.raises(RuleViolation) as excinfo:
        validate_meeting(meeting)
    assert excinfo.value.rule_id == "IM-3"
    assert "at most 5 days" in excinfo.value.message
    assert "6 days" in excinfo.value.message
    assert excinfo.value.source == "2MSP P1.1"


def test_meeting_in_vienna_is_refused() -> None:
    """IM-2: a meeting held in Vienna instead of Geneva is refused."""
    meeting = _meeting(date(2012, 6, 11), date(2012, 6, 15), place="Vienna")
    with pytest.raises(RuleViolation) as excinfo:
        validate_meeting(meeting)
    assert excinfo.value.rule_id == "IM-2"
    assert "Geneva" in excinfo.value.message
    assert "Vienna" in excinfo.value.message


def test_geneva_is_matched_regardless_of_case_and_spaces() -> None:
    """IM-2: " geneva " names Geneva and is accepted."""
    meeting = _meeting(date(2012, 6, 11), date(2012, 6, 15), place=" geneva ")
    assert validate_meeting(meeting) == ()


def test_meeting_in_october_is_refused() -> None:
    """IM-1: a meeting in October, outside the first half of the year, is refused."""
    meeting = _meeting(date(2012, 10, 8), date(2012, 10, 12))
    with pytest.raises(RuleViolation) as excinfo:
        validate_meeting(meeting)
    assert excinfo.value.rule_id == "IM-1"
    assert "January–June" in excinfo.value.message
    assert "2012-10-08" in excinfo.value.message


def test_meeting_spanning_june_into_july_is_refused() -> None:
    """IM-1: a meeting from 30 June to 1 July ends outside the first half and is refused."""
    meeting = _meeting(date(2012, 6, 30), date(2012, 7, 1))
    with pytest.raises(RuleViolation) as excinfo:
        validate_meeting(meeting)
    assert excinfo.value.rule_id == "IM-1"
    assert "2012-07-01" in excinfo.value.message


def test_meeting_dated_in_another_year_is_refused() -> None:
    """IM-1: the 2013 meeting held in June 2012 is outside the first half of 2013 and refused."""
    meeting = _meeting(date(2012, 6, 11), date(2012, 6, 15), year=2013)
    with pytest.raises(RuleViolation) as excinfo:
        validate_meeting(meeting)
    assert excinfo.value.rule_id == "IM-1"
    assert "2013" in excinfo.value.message


def test_second_meeting_in_the_same_year_is_refused() -> None:
    """IM-1: a second meeting the same year (already_convened) is refused; there is one a year."""
    meeting = _meeting(date(2012, 6, 11), date(2012, 6, 15))
    with pytest.raises(RuleViolation) as excinfo:
        validate_meeting(meeting, already_convened=True)
    assert excinfo.value.rule_id == "IM-1"
    assert "already" in excinfo.value.message
    assert "one a year" in excinfo.value.message


def test_meeting_ending_before_it_begins_is_refused() -> None:
    """IM-3: a meeting whose last day is before its first day is refused."""
    meeting = _meeting(date(2012, 6, 15), date(2012, 6, 11), agenda=())
    with pytest.raises(RuleViolation) as excinfo:
        validate_meeting(meeting)
    assert excinfo.value.rule_id == "IM-3"
    assert "before it begins" in excinfo.value.message


# --- IM-6: back-to-back, a soft rule --------------------------------------------------------


def test_not_back_to_back_warns_and_is_accepted() -> None:
    """IM-6: a meeting not back-to-back with APMBC or CCW is accepted with a warning."""
    meeting = _meeting(date(2012, 6, 11), date(2012, 6, 15), back_to_back_with=None)
    warnings = validate_meeting(meeting)
    assert len(warnings) == 1
    assert warnings[0].rule_id == "IM-6"
    assert warnings[0].source == "2MSP P1.3"
    assert "back-to-back" in warnings[0].message


@pytest.mark.parametrize("neighbour", list(NeighbouringMeeting))
def test_back_to_back_gives_no_warning(neighbour: NeighbouringMeeting) -> None:
    """IM-6: a meeting back-to-back with the APMBC or CCW meetings gives no warning."""
    meeting = _meeting(date(2012, 6, 11), date(2012, 6, 15), back_to_back_with=neighbour)
    assert validate_meeting(meeting) == ()


# --- IM-7: the agenda -----------------------------------------------------------------------


def test_default_agenda_puts_thematic_areas_only_in_general_status() -> None:
    """IM-7: default_agenda(5) discusses national implementation and reporting only in the
    general-status slot, and gives every working group a slot within the five days."""
    agenda = default_agenda(5)
    groups = [m.key for m in DEFAULT_MANDATES if m.is_working_group]
    assert [slot.working_group for slot in agenda] == groups
    by_group = {slot.working_group: slot for slot in agenda}
    assert set(by_group[GENERAL_STATUS].topics) == {NATIONAL_IMPLEMENTATION, REPORTING}
    for slot in agenda:
        if slot.working_group != GENERAL_STATUS:
            assert slot.topics == ()
        assert 1 <= slot.day <= 5
    assert NATIONAL_IMPLEMENTATION not in by_group
    assert REPORTING not in by_group


@pytest.mark.parametrize("area", [NATIONAL_IMPLEMENTATION, REPORTING])
def test_thematic_area_with_a_slot_of_its_own_is_refused(area: str) -> None:
    """IM-7: a thematic area given an agenda slot of its own is refused."""
    agenda = (*default_agenda(5), AgendaSlot(working_group=area, day=2))
    meeting = _meeting(date(2012, 6, 11), date(2012, 6, 15), agenda=agenda)
    with pytest.raises(RuleViolation) as excinfo:
        validate_meeting(meeting)
    assert excinfo.value.rule_id == "IM-7"
    assert "no agenda time of its own" in excinfo.value.message


def test_thematic_topic_under_another_working_group_is_refused() -> None:
    """IM-7: reporting discussed under the universalization working group is refused."""
    agenda = (
        AgendaSlot(working_group=GENERAL_STATUS, day=1, topics=(NATIONAL_IMPLEMENTATION,)),
        AgendaSlot(working_group="universalization", day=2, topics=(REPORTING,)),
    )
    meeting = _meeting(date(2012, 6, 11), date(2012, 6, 15), agenda=agenda)
    with pytest.raises(RuleViolation) as excinfo:
        validate_meeting(meeting)
    assert excinfo.value.rule_id == "IM-7"
    assert "Reporting" in excinfo.value.message
    assert "Universalization" in excinfo.value.message


def test_agenda_day_beyond_the_meeting_is_refused() -> None:
    """IM-3: an agenda slot on day 4 of a three-day meeting is refused."""
    agenda = (AgendaSlot(working_group="clearance", day=4),)
    meeting = _meeting(date(2012, 6, 11), date(2012, 6, 13), agenda=agenda)
    with pytest.raises(RuleViolation) as excinfo:
        validate_meeting(meeting)
    assert excinfo.value.rule_id == "IM-3"
    assert "day 4" in excinfo.value.message
    assert "3 day(s)" in excinfo.value.message


def test_unknown_working_group_on_the_agenda_is_refused() -> None:
    """WG-1: an agenda slot for a working group that does not exist is refused."""
    agenda = (AgendaSlot(working_group="disarmament", day=1),)
    meeting = _meeting(date(2012, 6, 11), date(2012, 6, 15), agenda=agenda)
    with pytest.raises(RuleViolation) as excinfo:
        validate_meeting(meeting)
    assert excinfo.value.rule_id == "WG-1"
    assert "'disarmament'" in excinfo.value.message


# --- IM-4, IM-5: served by what the engine does not restrict ---------------------------------


def test_meeting_has_no_field_or_parameter_restricting_participants() -> None:
    """IM-4: participation is open: neither the meeting nor its check can name who attends."""
    assert set(IntersessionalMeeting.model_fields) == {
        "year", "place", "first_day", "last_day", "back_to_back_with", "agenda",
    }
    assert set(inspect.signature(validate_meeting).parameters) == {"meeting", "already_convened"}


def test_agenda_chosen_by_the_president_is_not_forced_to_the_default() -> None:
    """IM-5: the meeting sets its own agenda: a non-default agenda within the rules is accepted."""
    agenda = (
        AgendaSlot(working_group="victim-assistance", day=1),
        AgendaSlot(working_group=GENERAL_STATUS, day=2, topics=(REPORTING,)),
    )
    assert agenda != default_agenda(2)
    meeting = _meeting(date(2012, 4, 16), date(2012, 4, 17), agenda=agenda)
    assert validate_meeting(meeting) == ()


# --- property-based -------------------------------------------------------------------------

_H1_DAYS = st.builds(
    lambda year, offset: date(year, 1, 1) + timedelta(days=offset),
    st.integers(min_value=2011, max_value=2100),
    st.integers(min_value=0, max_value=180),
)


@given(first=_H1_DAYS, length=st.integers(min_value=1, max_value=5),
       neighbour=st.none() | st.sampled_from(list(NeighbouringMeeting)))
def test_any_short_geneva_meeting_in_the_first_half_is_accepted(
    first: date, length: int, neighbour: NeighbouringMeeting | None
) -> None:
    """IM-1: any 1–5 day Geneva meeting wholly within January–June of its year is accepted."""
    last = first + timedelta(days=length - 1)
    if last.month > 6:  # the first day is in H1; keep the last one there too
        first, last = first - timedelta(days=length), last - timedelta(days=length)
    meeting = _meeting(first, last, back_to_back_with=neighbour)
    warnings = validate_meeting(meeting)
    assert [w.rule_id for w in warnings] == ([] if neighbour else ["IM-6"])


@given(first=_H1_DAYS, length=st.integers(min_value=6, max_value=60))
def test_any_meeting_longer_than_five_days_is_refused(first: date, length: int) -> None:
    """IM-3: any Geneva meeting within January–June lasting more than 5 days is refused."""
    last = first + timedelta(days=length - 1)
    if last.month > 6:
        first, last = date(first.year, 1, 1), date(first.year, 1, 1) + timedelta(days=length - 1)
    meeting = _meeting(first, last, agenda=())
    with pytest.raises(RuleViolation) as excinfo:
        validate_meeting(meeting)
    assert excinfo.value.rule_id == "IM-3"
    assert f"{length} days" in excinfo.value.message
