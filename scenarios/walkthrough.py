"""``intersessional tour``: the rules alone at work on the shipped registry, with no engine —
an election, a meeting, a work plan returned and approved, each refusal with its rule.

Every figure printed is computed by ``domain`` from the inputs below; nothing is canned.
``intersessional demo`` runs the same year on the durable engine (``scenarios.demo``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from rich.console import Console
from rich.table import Table

from domain import decide
from domain.calendar import default_calendar
from domain.committee import Presidency
from domain.convention import Actor, Registry, Role, shipped_registry
from domain.cycle import apply
from domain.elections import ElectionResult, NecessityException, Term, plan_first_round, seat_table
from domain.errors import RuleViolation
from domain.events import (
    CycleClosed,
    CycleEvent,
    CycleOpened,
    IntersessionalMeetingHeld,
    PresidentDesignated,
    WorkplanAdoptedByMSP,
    WorkplanApprovedByCommittee,
    WorkplanReturnedForRevision,
    WorkplanSubmittedToCommittee,
    WorkplanSubmittedToMSP,
)
from domain.mandates import mandates
from domain.meetings import IntersessionalMeeting, NeighbouringMeeting, default_agenda
from domain.state import CycleState
from domain.steps import pending_steps
from i18n import _
from i18n.refusals import told
from scenarios.scripted import FIRST_ROUND, ISU, workplan

SECOND_ROUND = {  # the MSP of 2025 fills the seats the single-year terms leave
    "general-status": "HRV", "universalization": "MEX", "victim-assistance": "AFG",
    "clearance": "DEU", "stockpile-destruction": "MNE", "cooperation-assistance": "IRL",
}
THIRD_ROUND = {  # the MSP of 2026 fills the seats the first round's two-year terms leave
    "general-status": "SEN", "universalization": "CHL", "victim-assistance": "ECU",
    "clearance": "ZMB", "stockpile-destruction": "PER", "cooperation-assistance": "JPN",
    "national-implementation": "TTO", "reporting": "CRI",
}
PRESIDENT = Actor(name="President of the MSP", role=Role.PRESIDENT, represents="CHE")


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def _span(t: Term) -> str:
    return str(t.first_year) if t.length == 1 else f"{t.first_year}–{t.last_year}"


def _seats(console: Console, terms: list[Term], year: int, registry: Registry) -> None:
    table = Table(_("Mandate"), _("Coordinators (term)"), _("From an affected State"),
                  title=_("Who holds every seat in {year}").format(year=year))
    rows: dict[str, list[str]] = {}
    affected: dict[str, bool] = {}
    for holding in seat_table(terms, year):
        t = holding.term
        rows.setdefault(holding.mandate, []).append(
            f"{registry.describe(t.state)} {_span(t)}" if t else _("[dim]vacant[/dim]"))
        affected[holding.mandate] = affected.get(holding.mandate, False) or bool(
            t and registry[t.state].affected)
    for key, m in mandates().items():
        # CO-6 concerns working groups only
        shown = _("yes") if affected[key] else "[yellow]" + _("no")
        table.add_row(m.name, "; ".join(rows[key]), shown if m.is_working_group else "—")
    console.print(table)


def _opened() -> CycleState:
    sitting = Presidency(state="CHE", meeting="12th Meeting of States Parties",
                         designated_on=date(2023, 9, 4), presides_from=date(2024, 9, 2),
                         presides_until=date(2025, 9, 4))
    return apply(CycleState(), CycleOpened(
        year=2025, occurred_at=_at(date(2024, 9, 2)), actor=ISU,
        calendar=default_calendar(2025), carried_presidencies=(sitting,)))


def _elections(console: Console, state: CycleState, registry: Registry) -> CycleState:
    console.rule(_("1. The first round, staggered (CO-4, CO-5)"))
    first = plan_first_round(2024, FIRST_ROUND)
    event = decide.election(state, first, registry, PRESIDENT, _at(date(2024, 9, 6)))
    for w in event.warnings:
        console.print("[yellow]" + _("warning") + f"[/yellow] {w}")
    state = apply(state, event)
    terms = list(first.terms)
    _seats(console, terms, 2025, registry)
    terms += [Term(state=s, mandate=k, first_year=2026, last_year=2027)
              for k, s in SECOND_ROUND.items()]
    console.print(_("The MSP of 2025 fills the six seats of the single-year terms, for "
                    "2026–2027: {states}.").format(states=", ".join(SECOND_ROUND.values())))
    console.rule(_("2. A consecutive term, refused (CO-7)"))
    third = ElectionResult(msp_year=2026, terms=tuple(
        Term(state=s, mandate=k, first_year=2027, last_year=2028) for k, s in THIRD_ROUND.items()))
    # the 2027 cycle as the record would hold it: its terms, and the presidency in office on
    # the election's day (CO-3 judges who acts as President by the record of that day)
    later = CycleState(year=2027, terms=tuple(terms), presidencies=(Presidency(
        state="PHL", meeting="13th Meeting of States Parties", designated_on=date(2024, 9, 6),
        presides_from=date(2025, 9, 5), presides_until=date(2026, 9, 10)),))
    chair = PRESIDENT.model_copy(update={"represents": "PHL"})
    try:
        decide.election(later, third, registry, chair, _at(date(2026, 9, 7)))
    except RuleViolation as refusal:
        console.print(f"[red]{_('refused')}[/red] {told(refusal)}")
    excused = third.model_copy(update={"necessity": (NecessityException(
        state="CHL", mandate="universalization",
        reason="no other State Party stood for the seat at the 2026 MSP"),)})
    accepted = decide.election(later, excused, registry, chair, _at(date(2026, 9, 7)))
    console.print(_("With the necessity recorded ({reason!r}), the same election is accepted "
                    "with {count} CO-6 warning(s).").format(reason=excused.necessity[0].reason,
                                                            count=len(accepted.warnings)))
    _seats(console, [*terms, *excused.terms], 2027, registry)
    return state


def _committee(console: Console, state: CycleState, registry: Registry) -> CycleState:
    console.rule(_("3. The Coordination Committee of the day (CC-3)"))
    state = apply(state, PresidentDesignated(
        year=2025, occurred_at=_at(date(2024, 9, 6)), actor=PRESIDENT, presidency=Presidency(
            state="PHL", meeting="13th Meeting of States Parties",
            designated_on=date(2024, 9, 6), presides_from=date(2025, 9, 5))))
    day = date(2025, 3, 3)
    table = Table(_("Member"), _("Seat"), "2MSP",
                  title=_("Coordination Committee on {day}").format(day=day))
    for member in state.committee_on(day):
        table.add_row(registry.describe(member.represents), member.basis, member.paragraph)
    console.print(table)
    return state


def _cycle(console: Console, state: CycleState) -> None:
    console.rule(_("4. The rest of the 2025 cycle, folded event by event"))
    meeting = IntersessionalMeeting(year=2025, place="Geneva", first_day=date(2025, 6, 2),
                                    last_day=date(2025, 6, 6),
                                    back_to_back_with=NeighbouringMeeting.APMBC,
                                    agenda=default_agenda(5))
    for place, last in (("Vienna", date(2025, 6, 6)), ("Geneva", date(2025, 6, 7))):
        try:
            decide.convening(state, meeting.model_copy(update={"place": place, "last_day": last}),
                             PRESIDENT, _at(date(2025, 2, 3)))
        except RuleViolation as refusal:
            console.print(f"[red]{_('refused')}[/red] {told(refusal)}")
    first, revised = workplan(2026, "612000.00"), workplan(2026, "598000.00")
    steps: list[CycleEvent] = [
        decide.convening(state, meeting, PRESIDENT, _at(date(2025, 2, 3))),
        IntersessionalMeetingHeld(year=2025, occurred_at=_at(date(2025, 6, 6)), actor=ISU,
                                  records_reference="ISU/2025/IM-summary")]
    for event in steps:
        state = apply(state, event)
    steps = [
        decide.drafting(state, first, ISU, _at(date(2025, 6, 16))),
        WorkplanSubmittedToCommittee(year=2025, occurred_at=_at(date(2025, 6, 17)), actor=ISU,
                                     content_hash=first.content_hash()),
        WorkplanReturnedForRevision(year=2025, occurred_at=_at(date(2025, 6, 30)),
                                    actor=PRESIDENT, content_hash=first.content_hash(),
                                    reasons="staff costs above the 2025 level")]
    for event in steps:
        state = apply(state, event)
        console.print(_("{event} → phase {phase}").format(event=f"{event.type:<32}",
                                                          phase=state.phase.value))
    draft = decide.drafting(state, revised, ISU, _at(date(2025, 7, 7)))
    h = revised.content_hash()
    for event in [draft, *[cls(year=2025, occurred_at=_at(day), actor=actor, content_hash=h)
                           for cls, day, actor in (
                               (WorkplanSubmittedToCommittee, date(2025, 7, 8), ISU),
                               (WorkplanApprovedByCommittee, date(2025, 7, 14), PRESIDENT),
                               (WorkplanSubmittedToMSP, date(2025, 8, 1), PRESIDENT),
                               (WorkplanAdoptedByMSP, date(2025, 9, 3), PRESIDENT))],
                  CycleClosed(year=2025, occurred_at=_at(date(2025, 9, 5)), actor=ISU)]:
        if isinstance(event, WorkplanAdoptedByMSP):
            console.print(_("pending before the MSP decides: {steps}").format(steps=", ".join(
                _("{step} ({roles}, due {due})").format(step=_(p.label), roles="/".join(p.roles),
                                                        due=p.due)
                for p in pending_steps(state))))
        state = apply(state, event)
        console.print(_("{event} → phase {phase}").format(event=f"{event.type:<32}",
                                                          phase=state.phase.value))
    console.print(_("Adopted: work plan for 2026, {total} {currency}, sha256 {hash}… — the text "
                    "the committee approved (ISU-3), after {returns} return for revision. "
                    "Warnings recorded: {warnings}.").format(
                        total=f"{revised.total():,}", currency=revised.currency, hash=h[:16],
                        returns=len(state.returns),
                        warnings=", ".join(w.rule_id for w in state.warnings) or _("none")))


def run(console: Console) -> None:
    registry = shipped_registry()
    console.print(_("[bold]intersessional[/bold] — registry: {states} States, {parties} States "
                    "Parties").format(states=len(registry), parties=len(registry.states_parties())))
    state = _elections(console, _opened(), registry)
    state = _committee(console, state, registry)
    _cycle(console, state)
