"""The year's calendar: default dates with configurable lead times, and the next year's."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from domain.calendar import CycleCalendar, default_calendar, following_calendar


def test_the_default_lead_times_are_six_weeks_and_fourteen_days() -> None:
    cal = default_calendar(2027)
    assert cal.closing_msp == date(2027, 9, 6)  # the first Monday of September
    assert cal.committee_due == date(2027, 7, 26)
    assert cal.reminder_days == 14


def test_the_lead_times_are_the_callers() -> None:
    cal = default_calendar(2027, committee_weeks=4, reminder_days=10)
    assert cal.closing_msp - cal.committee_due == timedelta(weeks=4)
    assert cal.reminder_days == 10


@given(year=st.integers(2011, 2200), lead_days=st.integers(1, 300),
       reminder_days=st.integers(1, 90))
def test_the_next_year_keeps_a_years_lead_times(year: int, lead_days: int,
                                                  reminder_days: int) -> None:
    closing = default_calendar(year).closing_msp
    cal = CycleCalendar(year=year, opening_msp=default_calendar(year).opening_msp,
                        closing_msp=closing, committee_due=closing - timedelta(days=lead_days),
                        reminder_days=reminder_days)
    following = following_calendar(cal)
    assert following.year == year + 1
    assert following.opening_msp == default_calendar(year + 1).opening_msp
    assert following.closing_msp - following.committee_due == timedelta(days=lead_days)
    assert following.reminder_days == reminder_days


def test_the_default_calendar_follows_itself() -> None:
    """Without settings, the engine opens next year on the same dates as before the change."""
    assert following_calendar(default_calendar(2027)) == default_calendar(2028)
