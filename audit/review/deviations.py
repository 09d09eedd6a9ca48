"""The deviations of one year: every departure from the ordinary course its events record —
CO-7's exceptions, warnings, a meeting dispensed with, a work plan returned or rejected, a
deadline missed or reminded of — each with the rule it concerns and where the ledger keeps it.
What a departure says is in the language of the moment (``i18n``): the facts are gathered for
the report that shows them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from audit.chart import amount
from audit.review.facts import Deviation, DeviationKind, Recorded, span
from domain.elections import Term
from domain.events import (
    CoordinatorsElected,
    CycleEvent,
    CycleOpened,
    Deadline,
    DeadlineMissed,
    DeadlineReminderSent,
    IntersessionalMeetingConvened,
    IntersessionalMeetingDispensedWith,
    WorkplanDrafted,
    WorkplanRejectedByMSP,
    WorkplanReturnedForRevision,
)
from domain.workplan import Workplan
from i18n import N_, _

#: the dated obligations: the rule that sets each, and what it is for
DEADLINES = {Deadline.INTERSESSIONAL_MEETING: ("IM-1", N_("the intersessional meeting")),
             Deadline.COMMITTEE_APPROVAL: ("ISU-3",
                                           N_("the committee's approval of the work plan")),
             Deadline.SUBMISSION_TO_MSP: ("ISU-2",
                                          N_("the submission of the work plan to the MSP"))}

#: a departure found in one event: (kind, rule id, what, the further fields of its Deviation)
Departure = tuple[DeviationKind, str, str, dict[str, Any]]


def deviations(year: int, recorded: Recorded, opened: CycleOpened) -> tuple[Deviation, ...]:
    """Every recorded departure from the ordinary course of ``year`` (``opened``: its opening,
    which names its mandates), with its rule id, in the order of the ledger."""
    found: list[Deviation] = []
    draft: Workplan | None = None  # the draft a return speaks of
    mandates = {m.key: m.name for m in opened.mandates}
    for s, e in recorded:
        draft = e.workplan if isinstance(e, WorkplanDrafted) else draft
        found += [Deviation(kind=kind, rule_id=rule_id, what=what, year=year, position=s.position,
                            occurred_at=e.occurred_at, **more)
                  for kind, rule_id, what, more in _departures(e, draft, mandates)]
    return tuple(found)


def _departures(e: CycleEvent, draft: Workplan | None, mandates: Mapping[str, str]
                ) -> list[Departure]:
    """What departs from the ordinary course in ``e``."""
    k = DeviationKind
    match e:
        case CoordinatorsElected():
            terms = {(t.state, t.mandate): t for t in e.election.terms}
            called = {st.iso3: f"{st.name} ({st.iso3})" for st in e.standings}
            return [(k.NECESSITY, "CO-7", _(
                "{state} elected again to {mandate} for {term} by the MSP of {year}").format(
                    state=called.get(n.state, n.state), mandate=mandates.get(n.mandate, n.mandate),
                    term=_term(terms[n.state, n.mandate]), year=e.election.msp_year),
                     {"reason": n.reason})
                    for n in e.election.necessity] + [
                (k.ELECTION_WARNING, w.rule_id, w.message, {}) for w in e.warnings]
        case IntersessionalMeetingConvened():
            return [(k.MEETING_WARNING, w.rule_id, w.message, {}) for w in e.warnings]
        case IntersessionalMeetingDispensedWith():
            return [(k.DISPENSED, "IM-8", _("no intersessional meeting, decided by {who}").format(
                who=e.decided_by), {"reason": e.reason})]
        case WorkplanReturnedForRevision():
            returned = (_("the draft sha256 {hash}…, {currency} {total}, returned by {who}")
                        if draft else _("the draft sha256 {hash}…, returned by {who}"))
            return [(k.RETURNED, "ISU-3", returned.format(
                hash=e.content_hash[:12], currency=draft.currency if draft else "",
                total=amount(draft.total(), 2) if draft else "", who=_who(e)),
                     {"reason": e.reasons})]
        case DeadlineMissed():
            rule_id, what = DEADLINES[e.deadline]
            return [(k.MISSED, rule_id, _(what), {"due": e.due, "escalated_to": e.escalated_to})]
        case DeadlineReminderSent():
            rule_id, what = DEADLINES[e.deadline]
            return [(k.REMINDER, rule_id, _(what), {"due": e.due})]
        case WorkplanRejectedByMSP():
            return [(k.REJECTED, "ISU-3", _(
                "the work plan sha256 {hash}…, rejected as recorded by {who}").format(
                    hash=e.content_hash[:12], who=_who(e)), {"reason": e.reason})]
    return []


def _term(term: Term) -> str:
    return span(term.first_year, term.last_year)


def _who(e: CycleEvent) -> str:
    return e.actor.name + (f" ({e.actor.represents})" if e.actor.represents else "")
