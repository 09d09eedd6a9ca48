"""One history year as the events of its cycle stream, each judged by the domain's rules on
its own date, in order, from the state the record already holds.

For year *Y* opened at meeting *O* and closed at meeting *C*: ``CycleOpened`` (the ISU, at
*O*'s last day), ``CoordinatorsElected`` and each ``PresidentDesignated`` (the President of
*O*), each ``TermEndedEarly`` (CO-10), the intersessional meeting convened and held, or
dispensed with (IM-8), and ``CycleClosed`` at *C*'s opening day. The first refusal stops the
year: a ``HistoryRefusal`` with the rule, the message and the line of the fact in the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from functools import partial

from domain import commands as c
from domain import decide
from domain.calendar import DEFAULT_COMMITTEE_WEEKS, CycleCalendar
from domain.committee import Presidency
from domain.convention import Actor, Role, State
from domain.elections import ElectionResult, NecessityException
from domain.events import (
    CycleClosed,
    CycleEvent,
    CycleOpened,
    IntersessionalMeetingDispensedWith,
    IntersessionalMeetingHeld,
    PresidentDesignated,
)
from domain.mandates import DEFAULT_MANDATES, mandates
from domain.meetings import IntersessionalMeeting
from domain.profile import profile
from domain.state import CycleState
from history import carrying as k
from history.format import HistoryFile
from history.judging import RECORD, BuiltYear, Year
from history.lines import HistoryRefusal, Lines


def build(file: HistoryFile, i: int, previous: CycleState | None, lines: Lines,
          registry: Mapping[str, State]) -> BuiltYear:
    """The events of the ``i``-th year of ``file``, judged from ``previous`` (the state of
    the year before, as recorded), or the refusal of the first that breaks a rule."""
    y = file.years[i]
    meetings = {m.key: m for m in file.meetings}
    opening, closing = meetings[y.opened_at], meetings[y.closed_at]
    here = ("years", i)
    line = lines.of((*here, "opened_at"))
    year = Year(y.year)
    president = Actor(name=f"the President of the {opening.name}"[:200], role=Role.PRESIDENT,
                      represents=opening.president)
    chosen = (mandates({m: r.term_years for m, r in y.mandates.items()},
                       [m for m, r in y.mandates.items() if r.renewable]).values()
              if y.mandates else DEFAULT_MANDATES)
    terms = k.carried_terms(y, i, previous, meetings, lines)
    presidencies = k.carried_presidencies(y, previous, meetings, line)
    calendar = CycleCalendar(year=y.year, opening_msp=opening.opens, closing_msp=closing.opens,
                             committee_due=closing.opens - timedelta(
                                 weeks=DEFAULT_COMMITTEE_WEEKS)) \
        if opening.opens < closing.opens - timedelta(weeks=DEFAULT_COMMITTEE_WEEKS) else None
    if calendar is None:
        raise HistoryRefusal("HI-1", f"dates out of order: the {closing.name} opens less than "
                             f"{DEFAULT_COMMITTEE_WEEKS} weeks after the {opening.name}",
                             lines.of((*here, "closed_at")), y.year)
    year.add(lambda n: CycleOpened(
        year=y.year, occurred_at=k.at(opening.ends, n), actor=RECORD, calendar=calendar,
        mandates=tuple(chosen), carried_terms=terms, carried_presidencies=presidencies,
        profile=profile(y.profile or file.profile), closing_meeting=k.formal(closing),
        records_workplan=False, source=k.source_words(file, opening.source)), line)
    _elect(file, i, year, president, lines=lines, registry=registry)
    for j, m in enumerate(file.meetings):
        if m.designated_at == y.opened_at:
            where = lines.of(("meetings", j, "designated_at"))
            year.add(partial(_designation, year=y.year, day=opening.ends, actor=president,
                             office=k.presidency(m, meetings, where, y.year),
                             source=k.source_words(file, m.source)), where)
    for j, e in enumerate(y.early_ends):
        where = lines.of((*here, "early_ends", j))
        held = [t for t in year.state.terms if (t.state, t.mandate) == (e.state, e.mandate)
                and t.covers(y.year) and t.ends is None]
        if not held:
            raise HistoryRefusal("CO-10", f"the record holds no running term of {e.state} for "
                                 f"{e.mandate} in {y.year} to end", where, y.year)
        command = c.EndTermEarly(
            actor=RECORD, term=held[0], ended_on=e.ends_on, reason=e.reason,
            decided_by=(e.decided_by or f"as recorded in {file.sources[e.source].title}")[:200],
            replacement=e.replacement)
        year.add(partial(_ending, year=year, command=command, registry=registry,
                         source=k.source_words(file, e.source)), where)
    _meeting(file, i, year, president, lines)
    year.add(lambda n: CycleClosed(year=y.year, occurred_at=k.at(closing.opens, n),
                                   actor=RECORD, source=k.source_words(file, closing.source)),
             lines.of((*here, "closed_at")))
    return BuiltYear(year=y.year, facts=tuple(year.facts), state=year.state,
                     digest=k.digest(file, y))


def _designation(n: int, *, year: int, day: date, actor: Actor, office: Presidency,
                 source: str) -> CycleEvent:
    return PresidentDesignated(year=year, occurred_at=k.at(day, n), actor=actor,
                               presidency=office, source=source)


def _ending(n: int, *, year: Year, command: c.EndTermEarly, registry: Mapping[str, State],
            source: str) -> CycleEvent:
    return decide.ending(year.state, command, registry, k.at(command.ended_on, n)).model_copy(
        update={"source": source})


def _elect(file: HistoryFile, i: int, year: Year, president: Actor, *, lines: Lines,
           registry: Mapping[str, State]) -> None:
    y, here = file.years[i], ("years", i)
    meetings = {m.key: m for m in file.meetings}
    opening = meetings[y.opened_at]
    chosen = [(j, co) for j, co in enumerate(y.coordinators)
              if co.elected_at == y.opened_at or y.incomplete is not None]
    if not chosen:
        raise HistoryRefusal("CO-2", f"the file names no coordinator elected at the "
                             f"{opening.name} (elected_at: {y.opened_at}); the {y.year} cycle "
                             "is recorded from its election", lines.of((*here, "coordinators")),
                             y.year)
    terms = tuple(k.term_of(co, meetings, y.year, lines.of((*here, "coordinators", j)))
                  for j, co in chosen)
    if y.incomplete is not None:  # named serving this cycle: from the meeting that opened it
        terms = tuple(t.model_copy(update={"begins": opening.ends}) for t in terms)
    result = ElectionResult(msp_year=y.year - 1, terms=terms, necessity=tuple(
        NecessityException(state=n.state, mandate=n.mandate, reason=n.reason)
        for n in y.necessity))
    sources = "; ".join(dict.fromkeys(k.source_words(file, co.source) for _, co in chosen))

    def line_of(message: str) -> int | None:
        # the fact a refusal speaks of: the necessity or coordinator whose State it names
        # first (CO-7 names the State it refuses first)
        necessity = [((*here, "necessity", j), n.state) for j, n in enumerate(y.necessity)]
        elected = [((*here, "coordinators", j), co.state) for j, co in chosen]
        named = necessity + elected if "necessity" in message else elected + necessity
        found = [(message.find(state), order, path)
                 for order, (path, state) in enumerate(named) if state in message]
        return lines.of(min(found)[2]) if found else None

    year.add(lambda n: decide.election(year.state, result, registry, president,
                                       k.at(opening.ends, n),
                                       incomplete=y.incomplete).model_copy(
        update={"source": sources[:500]}), lines.of((*here, "coordinators")), line_of)


def _meeting(file: HistoryFile, i: int, year: Year, president: Actor, lines: Lines) -> None:
    y, here = file.years[i], ("years", i)
    opening = {m.key: m for m in file.meetings}[y.opened_at]
    if y.no_intersessional_meeting is not None:
        none = y.no_intersessional_meeting
        year.add(lambda n: IntersessionalMeetingDispensedWith(
            year=y.year, occurred_at=k.at(opening.ends, n), actor=president,
            decided_by=none.decided_by, source=k.source_words(file, none.source)),
            lines.of((*here, "no_intersessional_meeting")))
        return
    m = {m.key: m for m in file.meetings}[y.intersessional_meeting or ""]
    where = lines.of((*here, "intersessional_meeting"))
    meeting = IntersessionalMeeting(year=y.year, place=m.parts[0].venue, first_day=m.opens,
                                    last_day=m.ends)
    source = k.source_words(file, m.source)
    year.add(lambda n: decide.convening(year.state, meeting, president,
                                        k.at(m.opens, n)).model_copy(
        update={"source": source}), where)
    year.add(lambda n: IntersessionalMeetingHeld(
        year=y.year, occurred_at=k.at(m.ends, n), actor=RECORD, records_reference=source,
        source=source), where)
