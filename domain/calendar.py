"""The year's calendar: the defaults of issue #4, every date configurable per year.

Cycle *Y* opens at the MSP held in September of *Y−1*; the intersessional meeting falls in the
first half of *Y* (IM-1); the committee approves the work plan a set number of weeks before the
MSP of *Y*, which adopts it and opens cycle *Y+1*.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, model_validator

DEFAULT_COMMITTEE_WEEKS = 6
DEFAULT_REMINDER_DAYS = 14


def first_monday_of_september(year: int) -> date:
    first = date(year, 9, 1)
    return first + timedelta(days=(7 - first.weekday()) % 7)


class CycleCalendar(BaseModel):
    """The dates one cycle runs by."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    year: int
    opening_msp: date
    closing_msp: date
    committee_due: date
    reminder_days: int = DEFAULT_REMINDER_DAYS

    @model_validator(mode="after")
    def _ordered(self) -> CycleCalendar:
        if not self.opening_msp < self.committee_due <= self.closing_msp:
            raise ValueError("the calendar must run: opening MSP < committee deadline <= "
                             "closing MSP")
        return self

    @property
    def meeting_window(self) -> tuple[date, date]:
        """IM-1: January to June of the cycle's year."""
        return date(self.year, 1, 1), date(self.year, 6, 30)


def default_calendar(year: int, committee_weeks: int = DEFAULT_COMMITTEE_WEEKS,
                     reminder_days: int = DEFAULT_REMINDER_DAYS) -> CycleCalendar:
    """The ``year`` cycle's dates: the MSPs on the first Mondays of September of ``year − 1``
    and ``year``, the committee's deadline ``committee_weeks`` before the second."""
    return _default(year, timedelta(weeks=committee_weeks), reminder_days)


def _default(year: int, committee_lead: timedelta, reminder_days: int) -> CycleCalendar:
    closing = first_monday_of_september(year)
    return CycleCalendar(
        year=year,
        opening_msp=first_monday_of_september(year - 1),
        closing_msp=closing,
        committee_due=closing - committee_lead,
        reminder_days=reminder_days,
    )


def following_calendar(calendar: CycleCalendar) -> CycleCalendar:
    """The next year's default dates, keeping ``calendar``'s committee lead time (closing MSP
    minus committee deadline) and reminder days: what a cycle opened by the previous year's
    close runs by."""
    lead = calendar.closing_msp - calendar.committee_due
    return _default(calendar.year + 1, lead, calendar.reminder_days)
