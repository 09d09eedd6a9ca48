"""The cycle's dated obligations, for the durable timers that watch them (G-1: nothing passes
silently).

Each watched deadline has a due date from the cycle's calendar, a reminder date
``reminder_days`` before it, and a test of whether the state already meets it. The workflow
sleeps until each date; if the obligation is still open it records a reminder, then, the day
after the due date, a missed deadline escalated to the President.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from domain.events import Deadline
from domain.state import CycleState


@dataclass(frozen=True)
class Watch:
    deadline: Deadline
    due: date
    remind_at: datetime
    missed_at: datetime  # the first moment of the day after ``due``


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


_MET: dict[Deadline, Callable[[CycleState], bool]] = {
    Deadline.INTERSESSIONAL_MEETING: lambda s: s.meeting_held or s.meeting_dispensed,
    Deadline.COMMITTEE_APPROVAL: lambda s: s.approved_hash is not None,
    Deadline.SUBMISSION_TO_MSP: lambda s: s.submitted_hash is not None,
}


def met(deadline: Deadline, state: CycleState) -> bool:
    """Whether ``state`` has done what ``deadline`` asks (a closed cycle owes nothing)."""
    return state.closed or _MET[deadline](state)


def watches(state: CycleState) -> list[Watch]:
    """The deadlines of an opened cycle, in the order they fall due."""
    cal = state.calendar
    if cal is None:
        return []
    dues = {Deadline.INTERSESSIONAL_MEETING: cal.meeting_window[1],
            Deadline.COMMITTEE_APPROVAL: cal.committee_due,
            Deadline.SUBMISSION_TO_MSP: cal.closing_msp}
    found = [Watch(deadline=d, due=due,
                   remind_at=_midnight(due - timedelta(days=cal.reminder_days)),
                   missed_at=_midnight(due + timedelta(days=1))) for d, due in dues.items()]
    return sorted(found, key=lambda w: w.due)


def escalated_to(state: CycleState, day: date) -> str:
    """Whom a missed deadline goes to: the President presiding on ``day``, else the latest
    designated (CC-1: the President chairs the Coordination Committee)."""
    presiding = [p for p in state.presidencies if p.presides_on(day)]
    chosen = presiding[-1] if presiding else (state.presidencies[-1] if state.presidencies
                                              else None)
    if chosen is None:
        return "the President (none recorded yet)"
    return f"the President of the {chosen.meeting} ({chosen.state})"
