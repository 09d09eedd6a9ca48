"""What a history year starts from: the terms and presidencies carried into it, the meetings
as the domain knows them, the time each fact is recorded at, and the digest of the year's
section that makes its event ids.

Carried terms and presidencies follow ``activities.recording.prepare_cycle``: those the
previous year's recorded state leaves running. For the first year a file (or ledger) holds,
nothing precedes it: the coordinators the file lists as elected before the year's opening
meeting, and the presidency of that meeting from the meetings list, are carried instead.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from domain.attestation import canonical
from domain.committee import Presidency
from domain.conferences import FormalMeeting, MeetingKind, MeetingPart
from domain.elections import Term
from domain.state import CycleState
from history.format import Coordinator, HistoryFile, HistoryYear, Meeting
from history.lines import HistoryRefusal, Lines

#: the hour of the Convention's day a fact is recorded at (deterministic: the record gives
#: the day, not the hour); each further fact of the year one minute later
HOUR = time(17, 0)
#: the namespace of the event ids an import makes (uuid5)
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://intersessional.example/history")


def at(day: date, index: int) -> datetime:
    """The moment the ``index``-th fact of a year, dated ``day``, is recorded as occurring."""
    return datetime.combine(day, HOUR, UTC) + timedelta(minutes=index)


def formal(meeting: Meeting) -> FormalMeeting:
    return FormalMeeting(kind=MeetingKind(meeting.kind), name=meeting.name,
                         parts=tuple(MeetingPart(first_day=p.first_day, last_day=p.last_day,
                                                 venue=p.venue) for p in meeting.parts))


def term_of(c: Coordinator, meetings: Mapping[str, Meeting], year: int, line: int | None
            ) -> Term:
    """The coordinator's term; HI-1 if the file does not give its years."""
    if c.first_year is None or c.last_year is None:
        raise HistoryRefusal("HI-1", f"{c.state}'s term for {c.mandate} has no "
                             f"{'first_year' if c.first_year is None else 'last_year'}; the "
                             "engine records a term only with its years", line, year)
    elected = meetings.get(c.elected_at or "")
    return Term(state=c.state, mandate=c.mandate, first_year=c.first_year,
                last_year=c.last_year, begins=elected.ends if elected else None)


def carried_terms(y: HistoryYear, i: int, previous: CycleState | None,
                  meetings: Mapping[str, Meeting], lines: Lines) -> tuple[Term, ...]:
    """The terms running into the year: the previous year's, and any the file lists as
    elected before the year's opening meeting that the record does not hold yet."""
    terms = [] if previous is None else [t for t in previous.terms
                                         if t.last_year >= y.year - 1]
    for j, c in enumerate(y.coordinators):
        if c.elected_at == y.opened_at or y.incomplete is not None:
            continue  # elected in the year (an incomplete year's are all its own)
        term = term_of(c, meetings, y.year, lines.of(("years", i, "coordinators", j)))
        if not any(t.same_seat(term) for t in terms):
            terms.append(term)
    return tuple(terms)


def presidency(meeting: Meeting, meetings: Mapping[str, Meeting], line: int | None,
               year: int) -> Presidency:
    """The presidency of ``meeting`` as the meetings list gives it."""
    if meeting.president is None:
        raise HistoryRefusal("CO-3", f"the {meeting.name} names no President (president), so "
                             "no one can record its decisions", line, year)
    by = meetings.get(meeting.designated_at or "")
    return Presidency(state=meeting.president, meeting=meeting.name,
                      designated_on=by.ends if by else meeting.opens,
                      presides_from=meeting.presides_from or meeting.opens)


def carried_presidencies(y: HistoryYear, previous: CycleState | None,
                         meetings: Mapping[str, Meeting], line: int | None
                         ) -> tuple[Presidency, ...]:
    """The presidencies not over before the previous year, and the opening meeting's."""
    found = [] if previous is None else [
        p for p in previous.presidencies
        if p.presides_until is None or p.presides_until.year >= y.year - 1]
    opening = meetings[y.opened_at]
    if not any(p.meeting == opening.name for p in found):
        found.append(presidency(opening, meetings, line, y.year))
    return tuple(found)


def _referenced(file: HistoryFile, y: HistoryYear) -> dict[str, Any]:
    keys = {y.opened_at, y.closed_at, y.intersessional_meeting}
    keys |= {c.elected_at for c in y.coordinators}
    keys |= {m.key for m in file.meetings if m.designated_at == y.opened_at}
    meetings = [m for m in file.meetings if m.key in keys]
    sources = {m.source for m in meetings} | {c.source for c in y.coordinators} | {
        n.source for n in y.necessity} | {e.source for e in y.early_ends}
    if y.no_intersessional_meeting is not None:
        sources.add(y.no_intersessional_meeting.source)
    return {"year": y.model_dump(mode="json"),
            "meetings": [m.model_dump(mode="json") for m in meetings],
            "sources": {k: file.sources[k].model_dump(mode="json") for k in sorted(sources)
                        if k in file.sources},
            "profile": y.profile or file.profile}


def digest(file: HistoryFile, y: HistoryYear) -> str:
    """The SHA-256 of the year's section, with the meetings and sources it names."""
    return hashlib.sha256(canonical(_referenced(file, y)).encode("ascii")).hexdigest()


def event_id(section: str, stream: str, index: int) -> uuid.UUID:
    """The id of the ``index``-th event of ``stream`` imported from the section ``section``."""
    return uuid.uuid5(NAMESPACE, f"{section}:{stream}:{index}")


def source_words(file: HistoryFile, key: str) -> str:
    """The source document as an event names it: its title, and its symbol where known."""
    source = file.sources[key]
    words = f"{source.title} ({source.symbol})" if source.symbol else source.title
    return words[:500]
