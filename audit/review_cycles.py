"""The recorded cycles, read into what a Review Conference reviews (:mod:`audit.review_facts`).

:func:`gather` reads the events of the ``cycle-<year>`` streams alone — never the workflow, the
clock or today's registry where the events say otherwise: for each year, who coordinated each
mandate (CO-6's shares, CO-7's exceptions), the intersessional meeting, the work plan, the
approvals, and the deviations (:mod:`audit.review_deviations`). The coalitions' and silence
procedures' streams among the events are read by :mod:`audit.review_processes`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from audit.process_replay import kind_of
from audit.review_deviations import deviations
from audit.review_facts import (
    Approval,
    Coordinator,
    MandateSeats,
    MeetingFacts,
    Recorded,
    ReviewFacts,
    WorkplanFacts,
    YearFacts,
    span,
)
from audit.review_processes import RefusedEvent, processes
from domain.convention import State, shipped_registry
from domain.elections import holders
from domain.events import (
    CoordinatorsElected,
    CycleEvent,
    CycleOpened,
    Deadline,
    DeadlineMissed,
    IntersessionalMeetingConvened,
    IntersessionalMeetingDispensedWith,
    IntersessionalMeetingHeld,
    WorkplanDrafted,
    parse_event,
)
from domain.state import WorkplanStatus
from domain.steps import BY_EVENT
from ledger import StoredEvent

CYCLE_STREAM = re.compile(r"cycle-(\d{4})")
#: the decisions a Review Conference looks at: taken by the President or the committee
APPROVALS = ("CoordinatorsElected", "PresidentDesignated", "IntersessionalMeetingConvened",
             "IntersessionalMeetingDispensedWith", "WorkplanApprovedByCommittee",
             "WorkplanReturnedForRevision", "WorkplanSubmittedToMSP", "WorkplanAdoptedByMSP",
             "WorkplanRejectedByMSP")
#: what each step after a draft makes of the work plan, and which of its dates the step sets
FATES: dict[str, tuple[WorkplanStatus, str | None]] = {
    "WorkplanApprovedByCommittee": (WorkplanStatus.APPROVED, "approved_at"),
    "WorkplanSubmittedToCommittee": (WorkplanStatus.WITH_COMMITTEE, None),
    "WorkplanReturnedForRevision": (WorkplanStatus.RETURNED, None),
    "WorkplanSubmittedToMSP": (WorkplanStatus.SUBMITTED, None),
    "WorkplanAdoptedByMSP": (WorkplanStatus.ADOPTED, "decided_at"),
    "WorkplanRejectedByMSP": (WorkplanStatus.REJECTED, "decided_at")}


class ReportError(Exception):
    """The report cannot be made; the message is one sentence for the person who asked."""


def gather(events: Iterable[StoredEvent], from_year: int, to_year: int,
           registry: Mapping[str, State] | None = None) -> ReviewFacts:
    """The facts of ``from_year``…``to_year`` from ``events`` (any order; later years, and
    streams neither a cycle's nor a process's, are passed over; a coalition or a silence
    procedure is kept if it concerns the years). Earlier years' events may be given too:
    their elections say how the States of carried terms stood when they were elected; only a
    State no recorded election judged is looked up in ``registry`` (default: the shipped one).
    ``ReportError`` if a year has no recorded cycle."""
    if from_year > to_year:
        raise ReportError(f"the report runs from {from_year} to {to_year}, which is backwards; "
                          "--from-year comes first.")
    known = shipped_registry() if registry is None else registry
    by_year: dict[int, Recorded] = defaultdict(list)
    by_process: dict[str, list[StoredEvent]] = defaultdict(list)
    for stored in events:
        match = CYCLE_STREAM.fullmatch(stored.stream)
        if match and int(match[1]) <= to_year:
            by_year[int(match[1])].append((stored, _parsed(stored)))
        elif kind_of(stored.stream) is not None:
            by_process[stored.stream].append(stored)
    missing = [y for y in range(from_year, to_year + 1) if y not in by_year]
    if missing:
        raise ReportError(f"the ledger holds no cycle for {_spans(missing)}.")
    standings: dict[str, State] = {}
    years = []
    for year in sorted(by_year):
        recorded = sorted(by_year[year], key=lambda pair: pair[0].position)
        for _, e in recorded:  # the latest standing recorded up to this year's election
            if isinstance(e, CoordinatorsElected):
                standings.update({s.iso3: s for s in e.standings})
        if year >= from_year:
            opened = _opened(recorded)
            years.append(YearFacts(
                year=year, coordinators=_coordinators(year, opened, recorded, standings, known),
                meeting=_meeting(recorded), workplan=_workplan(recorded),
                approvals=_approvals(recorded), deviations=deviations(year, recorded, opened),
                closed=any(e.type == "CycleClosed" for _, e in recorded)))
    try:
        coalitions, procedures = processes(by_process, from_year, to_year)
    except RefusedEvent as refused:
        raise ReportError(f"{refused}.") from None
    recorded_states = {s.iso3: s for c in coalitions for s in (c.affected, c.partner)}
    names = {code: state.name for code, state in
             (dict(known) | recorded_states | standings).items()}
    return ReviewFacts(from_year=from_year, to_year=to_year, years=tuple(years), names=names,
                       coalitions=coalitions, procedures=procedures)


def _parsed(stored: StoredEvent) -> CycleEvent:
    try:
        return parse_event(stored.payload)
    except ValidationError as error:
        raise ReportError(f"the event at position {stored.position} ({stored.stream}, version "
                          f"{stored.version}) is not a cycle event the engine knows: "
                          f"{error.errors()[0]['msg']}") from None


def _spans(years: list[int]) -> str:
    """``2019–2024, 2026``: runs of consecutive years as spans."""
    runs: list[list[int]] = []
    for year in years:
        if runs and runs[-1][-1] == year - 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(span(r[0], r[-1]) for r in runs)


def _opened(recorded: Recorded) -> CycleOpened:
    """The year's opening (its mandates and carried terms); a stream begins with it."""
    opened = next((e for _, e in recorded if isinstance(e, CycleOpened)), None)
    if opened is None:
        stream = recorded[0][0].stream
        raise ReportError(f"the stream {stream} does not begin with the opening of its cycle.")
    return opened


def _coordinators(year: int, opened: CycleOpened, recorded: Recorded,
                  standings: Mapping[str, State], registry: Mapping[str, State]
                  ) -> tuple[MandateSeats, ...]:
    """Who held each mandate in ``year`` (the carried terms and the year's election), each
    State marked affected or not as recorded with its election (CO-6); CO-7's exceptions kept."""
    elections = [e for _, e in recorded if isinstance(e, CoordinatorsElected)]
    terms = opened.carried_terms + tuple(t for e in elections for t in e.election.terms)
    necessity = {(n.state, n.mandate): n.reason for e in elections for n in e.election.necessity}
    in_force = holders(terms, year)
    seats = []
    for m in opened.mandates:
        people = []
        for term in in_force.get(m.key, []):
            known = standings.get(term.state) or registry.get(term.state)
            people.append(Coordinator(
                state=term.state, name=known.name if known else term.state,
                affected=bool(known and known.affected), recorded=term.state in standings,
                first_year=term.first_year, last_year=term.last_year,
                necessity=necessity.get((term.state, m.key))))
        seats.append(MandateSeats(key=m.key, name=m.name, letter=m.letter,
                                  working_group=m.is_working_group, coordinators=tuple(people)))
    return tuple(seats)


def _meeting(recorded: Recorded) -> MeetingFacts:
    found: dict[str, Any] = {}
    for _, e in recorded:
        match e:
            case IntersessionalMeetingConvened():
                found |= {"meeting": e.meeting, "convened_at": e.occurred_at}
            case IntersessionalMeetingHeld():
                found |= {"held_at": e.occurred_at, "records_reference": e.records_reference}
            case IntersessionalMeetingDispensedWith():
                found |= {"dispensed_by": e.decided_by, "dispensed_reason": e.reason}
            case DeadlineMissed() if e.deadline is Deadline.INTERSESSIONAL_MEETING:
                found |= {"late": True}
    return MeetingFacts(**found)


def _workplan(recorded: Recorded) -> WorkplanFacts | None:
    facts = None
    for _, e in recorded:
        if isinstance(e, WorkplanDrafted):  # a new draft: decided on afresh
            facts = WorkplanFacts(plan=e.workplan, content_hash=e.content_hash,
                                  fate=WorkplanStatus.DRAFT,
                                  drafts=facts.drafts + 1 if facts else 1)
        elif facts is not None and e.type in FATES:
            fate, dated = FATES[e.type]
            facts = facts.model_copy(update={"fate": fate} | (
                {dated: e.occurred_at} if dated else {}))
    return facts


def _approvals(recorded: Recorded) -> tuple[Approval, ...]:
    return tuple(_approval(s, e) for s, e in recorded if e.type in APPROVALS)


def _approval(s: StoredEvent, e: CycleEvent) -> Approval:
    step = BY_EVENT[e.type]
    return Approval(
        step=step.label, rule_id=step.rule_id, actor=e.actor.name,
        role=e.actor.role.value.replace("_", " "), represents=e.actor.represents,
        occurred_at=e.occurred_at, recorded_at=datetime.fromisoformat(s.recorded_at),
        position=s.position, stream=s.stream, version=s.version)
