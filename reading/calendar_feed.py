"""A person's private iCalendar feed (RFC 5545, through ``icalendar``): the deadlines of the
steps that wait for them, read from the ledger.

The steps are the person's tasks (``reading.tasks``: what the dashboard's "Waiting for you"
and ``intersessional tasks`` list, so the three agree), one all-day event for each that has a
date: a cycle's step by its due date; breaking silence on a text by the procedure's deadline
(SP-2). An event's UID names its stream, step and date, so a calendar client that fetches the
feed again updates its events instead of adding them twice; a step no longer waiting drops out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from domain.kinds import CYCLE, SILENCE
from domain.silence_state import SilenceState
from i18n import _
from identities import Person
from ledger import Ledger
from reading.streams import state_of
from reading.tasks import Task, tasks_of

#: the UIDs' right-hand side, as RFC 5545 advises (a domain of the producer's)
UID_DOMAIN = "intersessional.ccm"


def _dated(ledger: Ledger, task: Task) -> tuple[date, str] | None:
    """The task's date and the event's summary; ``None`` for a task with no date."""
    if task.kind == CYCLE.name and task.due is not None:
        year = task.stream.removeprefix(CYCLE.prefix)
        return task.due, _("{step} ({year} cycle)").format(step=_(task.label), year=year)
    if task.kind == SILENCE.name and task.step == "break_silence":
        state: SilenceState = state_of(ledger, task.stream)
        if state.deadline is not None:
            return (state.deadline.astimezone(UTC).date(),
                    _("Silence ends: {subject}").format(subject=state.subject or task.stream))
    return None


def feed(ledger: Ledger, person: Person, link: str, now: datetime | None = None) -> bytes:
    """The feed of ``person``'s deadlines as the ledger holds them ``now`` (default: now);
    ``link`` is the dashboard's address, for each event's description."""
    now = now or datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//intersessional//Convention on Cluster Munitions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Deadlines of {name}").format(name=person.name))
    for task in tasks_of(ledger, person, now.date()):
        if (dated := _dated(ledger, task)) is None:
            continue
        day, summary = dated
        event = Event()
        event.add("uid", f"{task.stream}/{task.step}/{day.isoformat()}@{UID_DOMAIN}")
        event.add("summary", summary)
        event.add("description", _("Due by {due} under rule {rule}; take it here: {link}").format(
            due=day.isoformat(), rule=task.rule_id, link=link + task.page))
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("dtstamp", now)
        event.add("transp", "TRANSPARENT")  # a deadline: the person is not busy all day
        calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics
