"""A person's private iCalendar feed (RFC 5545, through ``icalendar``): the deadlines of the
steps that wait for them, read from the ledger.

One all-day event per step: in each open cycle, every pending step with a due date that the
person may take (``domain.awaiting.may_take``: their role, and the record of the cycle on the
day); in each silence procedure under silence, its deadline, when the person may break silence
(a delegate of a State Party when it is circulated to all, or a State or organisation among
those it is circulated to, SP-2, CC-5) and has not. An event's UID names its stream, step and
due date, so a calendar client that fetches the feed again updates its events instead of
adding them twice; a step no longer pending drops out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar, Event

from domain.awaiting import may_take
from domain.convention import Role, shipped_registry
from domain.kinds import CYCLE, SILENCE
from domain.silence_state import SilencePhase, SilenceState
from domain.state import CycleState, Phase
from i18n import _
from identities import Person
from ledger import Ledger
from reading.streams import state_of, streams

#: the UIDs' right-hand side, as RFC 5545 advises (a domain of the producer's)
UID_DOMAIN = "intersessional.ccm"


def _event(uid: str, summary: str, due: date, description: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("summary", summary)
    event.add("description", description)
    event.add("dtstart", due)
    event.add("dtend", due + timedelta(days=1))
    event.add("dtstamp", stamp)
    event.add("transp", "TRANSPARENT")  # a deadline: the person is not busy all day
    return event


def _cycle_events(stream: str, state: CycleState, person: Person, *, stamp: datetime,
                  link: str) -> list[Event]:
    if state.phase in (Phase.NOT_OPENED, Phase.CLOSED):
        return []
    return [_event(f"{stream}/{step.step}/{step.due.isoformat()}",
                   _("{step} ({year} cycle)").format(step=_(step.label), year=state.year),
                   step.due, _("Due by {due} under rule {rule}; take it on the dashboard: "
                               "{link}").format(due=step.due.isoformat(), rule=step.rule_id,
                                                link=f"{link}/dashboard/{state.year}"),
                   stamp)
            for step in CYCLE.pending(state)
            if step.due is not None and may_take(step, person.actor, state, stamp.date())]


def _may_break(state: SilenceState, person: Person) -> bool:
    """Whether ``person`` is one of those who may break silence on the text now (SP-2)."""
    code = person.represents
    if state.phase not in (SilencePhase.UNDER_SILENCE, SilencePhase.SILENCE_BROKEN) or \
            code is None or code in {s for s, _ in state.objections}:
        return False
    if state.among:
        return person.role in (Role.DELEGATE, Role.COMMITTEE_MEMBER) and code in state.among
    registry = shipped_registry()
    return person.role is Role.DELEGATE and code in registry and \
        registry[code].is_state_party


def feed(ledger: Ledger, person: Person, link: str, now: datetime | None = None) -> bytes:
    """The feed of ``person``'s deadlines as the ledger holds them ``now`` (default: now)."""
    now = now or datetime.now(UTC)
    calendar = Calendar()
    calendar.add("prodid", "-//intersessional//Convention on Cluster Munitions//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Deadlines of {name}").format(name=person.name))
    for stream in streams(ledger, CYCLE):
        for event in _cycle_events(stream, state_of(ledger, stream), person, stamp=now,
                                   link=link):
            calendar.add_component(event)
    for stream in streams(ledger, SILENCE):
        state: SilenceState = state_of(ledger, stream)
        if state.deadline is not None and _may_break(state, person):
            due = state.deadline.astimezone(UTC).date()
            calendar.add_component(_event(
                f"{stream}/break_silence/{state.circulation}",
                _("Silence ends: {subject}").format(subject=state.subject or stream), due,
                _("Silence may be broken until {deadline}: {link}").format(
                    deadline=state.deadline.isoformat(), link=f"{link}/dashboard/silence"),
                now))
    ics: bytes = calendar.to_ical()
    return ics
