"""The annual cycle's section of the Review Conference's report (:mod:`audit.review.facts`).

Each ``cycle-<year>`` stream up to the report's last year is read — never the workflow, the
clock or today's registry where the events say otherwise: for each year, who coordinated each
mandate (CO-6's shares, CO-7's exceptions), the intersessional meeting, the work plan, the
approvals, and the deviations (:mod:`audit.review.deviations`). Earlier years' cycles are read
too: their elections say how the States of carried terms stood when they were elected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import i18n
from audit.review.deviations import deviations
from audit.review.facts import (
    Approval,
    Coordinator,
    MandateSeats,
    MeetingFacts,
    Recorded,
    WorkplanFacts,
    YearFacts,
    span,
)
from audit.review.section import Made, NoCycle, Read, ReportError, Section, Years
from domain.convention import State
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
    PresidentDesignated,
    RecordCompleted,
    WorkplanDrafted,
)
from domain.kinds import CYCLE
from domain.state import CycleState, WorkplanStatus
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


def _reads(stream: str, recorded: Sequence[StoredEvent], years: Years) -> Sequence[StoredEvent]:
    """The whole stream of a year up to the last (the years' own, and earlier ones')."""
    match = CYCLE_STREAM.fullmatch(stream)
    return recorded if match and int(match[1]) <= years.last else []


def _make(read: Sequence[Read], years: Years) -> Made:
    """The years' facts; the earlier years' elections judge the States of carried terms, and
    only a State no recorded election judged is looked up in the registry. ``NoCycle`` (a
    ``ReportError``) if a year has no recorded cycle."""
    # _reads kept the streams of a year alone
    by_year = {int(r.stream.removeprefix(CYCLE.prefix)): list(r.events) for r in read}
    missing = [y for y in range(years.first, years.last + 1) if y not in by_year]
    if missing:
        raise NoCycle(i18n._("the ledger holds no cycle for {years}.").format(
            years=_spans(missing)))
    standings: dict[str, State] = {}
    found = []
    for year, recorded in sorted(by_year.items()):
        for _, e in recorded:  # the latest standing recorded up to this year's election
            if isinstance(e, CoordinatorsElected):
                standings.update({s.iso3: s for s in e.standings})
        if year in years:
            opened = _opened(recorded)
            found.append(YearFacts(
                year=year, coordinators=_coordinators(year, opened, recorded, standings,
                                                      years.registry),
                meeting=_meeting(recorded), workplan=_workplan(recorded),
                approvals=_approvals(recorded), deviations=deviations(year, recorded, opened),
                closed=any(e.type == "CycleClosed" for _, e in recorded),
                incomplete=_incomplete(recorded), closing_meeting=opened.closing_meeting,
                designations=tuple(e.presidency for _, e in recorded
                                   if isinstance(e, PresidentDesignated)),
                sources=tuple(dict.fromkeys(e.source for _, e in recorded if e.source))))
    return tuple(found), {code: state.name for code, state in standings.items()}


def summary(state: CycleState) -> str:
    """The year's work plan, where it stands."""
    status = state.workplan_status
    return f"work plan {status.value.replace('_', ' ') if status else 'not drafted'}"


SECTION = Section(field="years", reads=_reads, make=_make, summary=summary)


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
        raise ReportError(i18n._("the stream {stream} does not begin with the opening of its "
                          "cycle.").format(stream=stream))
    return opened


def _coordinators(year: int, opened: CycleOpened, recorded: Recorded,
                  standings: Mapping[str, State], registry: Mapping[str, State]
                  ) -> tuple[MandateSeats, ...]:
    """Who held each mandate in ``year`` (the carried terms and the year's election), each
    State marked affected or not as recorded with its election (CO-6); CO-7's exceptions kept."""
    elections = [e for _, e in recorded if isinstance(e, CoordinatorsElected)]
    terms = opened.carried_terms + tuple(t for e in elections for t in e.election.terms) + tuple(
        t for _, e in recorded if isinstance(e, RecordCompleted) for t in e.terms)
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
                                  working_group=m.is_working_group, coordinators=tuple(people),
                                  unknown=_incomplete(recorded) is not None))
    return tuple(seats)


def _incomplete(recorded: Recorded) -> str | None:
    """Why the year's record is incomplete, if its election says so."""
    return next((e.incomplete for _, e in recorded
                 if isinstance(e, CoordinatorsElected) and e.incomplete), None)


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
