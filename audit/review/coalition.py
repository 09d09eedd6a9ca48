"""The country coalition's section of the Review Conference's report (CK-1 … CK-8), read from
the coalitions' own ledger streams (``coalition-<iso3>-<n>``).

A coalition is in the report when one of its events occurred (the Convention's time,
``occurred_at``) in the years, when it reported progress to the MSP of one of them, or when it
was running in them (begun before, not closed before). Its events up to the end of the last
year are read and judged again (:class:`audit.review.section.Read`), and the facts a Review
Conference looks at kept with who took each step, when, and where the ledger keeps it. Later
events are left out, and counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from audit.review.facts import Fact, Taken, taken
from audit.review.section import Made, Read, Section, Years, up_to
from audit.years import year_of
from domain import coalition_events as ce
from domain.coalition_state import CoalitionPhase, CoalitionState
from domain.coalitions import (
    CountryWorkshop,
    ExistingActivity,
    Participant,
    PartnerRole,
    StrategyDocument,
    ThematicFocus,
    WorkshopOutcomes,
)
from domain.convention import State
from ledger import StoredEvent


class Agreement(Fact):
    state: str
    taken: Taken


class Strategy(Fact):
    document: StrategyDocument
    taken: Taken


class Joined(Fact):
    participant: Participant
    taken: Taken
    left: Taken | None = None


class Workshop(Fact):
    plan: CountryWorkshop
    planned: Taken
    outcomes: WorkshopOutcomes | None = None
    held: Taken | None = None


class Coordinated(Fact):
    activity: ExistingActivity
    taken: Taken


class Progress(Fact):
    """A coalition's progress, reported into the submission to the MSP of ``msp_year``."""

    coalition: str
    affected: str
    partner: str
    msp_year: int
    summary: str
    taken: Taken


class CoalitionFacts(Fact):
    coalition: str
    phase: CoalitionPhase
    affected: State  # the standing recorded when it was identified
    partner: State
    partner_role: PartnerRole
    non_state_party: bool  # CK-8
    focus: tuple[ThematicFocus, ...]
    identified: Taken
    agreements: tuple[Agreement, ...] = ()
    strategies: tuple[Strategy, ...] = ()  # as registered, the one in force last
    participants: tuple[Joined, ...] = ()
    workshops: tuple[Workshop, ...] = ()
    activities: tuple[Coordinated, ...] = ()
    reports: tuple[Progress, ...] = ()
    closed: Taken | None = None
    closed_because: str | None = None
    later: int = 0  # events after the report's last year, left out

    @property
    def strategy(self) -> Strategy | None:
        return self.strategies[-1] if self.strategies else None


def _reads(_stream: str, recorded: Sequence[StoredEvent], years: Years
           ) -> Sequence[StoredEvent]:
    """Up to the years' end, if the coalition concerns them."""
    shown = up_to(recorded, years)
    # a coalition begun before the years and not closed before them runs in them too
    running = not any(e.type == "CoalitionClosed" and year_of(e) < years.first for e in shown)
    concerns = running or any(year_of(e) in years for e in shown) or any(
        e.type == "ProgressReported" and e.payload.get("msp_year") in years for e in shown)
    return shown if concerns else []


def _make(read: Sequence[Read], _years: Years) -> Made:
    found = tuple(_coalition(r) for r in read)
    return found, {s.iso3: s.name for c in found for s in (c.affected, c.partner)}


def _coalition(read: Read) -> CoalitionFacts:
    state: CoalitionState = read.judged()
    name = read.stream
    facts: dict[str, Any] = {"coalition": name, "phase": state.phase, "later": read.later}
    lists: dict[str, list[Any]] = {k: [] for k in ("agreements", "strategies", "participants",
                                                   "workshops", "activities", "reports")}
    for s, e in read.events:
        step = taken(s, e)
        match e:
            case ce.CandidateIdentified():
                facts |= {"affected": e.affected, "partner": e.partner,
                          "partner_role": e.charter.partner_role,
                          "non_state_party": e.non_state_party, "focus": e.charter.focus,
                          "identified": step}
            case ce.CoCoordinationAgreed():
                lists["agreements"].append(Agreement(state=e.state, taken=step))
            case ce.StrategyDocumentRegistered():
                lists["strategies"].append(Strategy(document=e.document, taken=step))
            case ce.ParticipantJoined():
                lists["participants"].append(Joined(participant=e.participant, taken=step))
            case ce.ParticipantLeft():
                lists["participants"] = [
                    j.model_copy(update={"left": step})
                    if j.participant.name == e.name and j.left is None else j
                    for j in lists["participants"]]
            case ce.CountryWorkshopPlanned():
                lists["workshops"].append(Workshop(plan=e.workshop, planned=step))
            case ce.CountryWorkshopHeld():
                last = lists["workshops"][-1]
                lists["workshops"][-1] = last.model_copy(update={"outcomes": e.outcomes,
                                                                 "held": step})
            case ce.ExistingActivityCoordinated():
                lists["activities"].append(Coordinated(activity=e.activity, taken=step))
            case ce.ProgressReported():
                lists["reports"].append(Progress(
                    coalition=name, affected=state.affected.iso3 if state.affected else "",
                    partner=state.partner.iso3 if state.partner else "", msp_year=e.msp_year,
                    summary=e.summary, taken=step))
            case ce.CoalitionClosed():
                facts |= {"closed": step, "closed_because": e.reason}
    return CoalitionFacts(**facts, **{k: tuple(v) for k, v in lists.items()})


def summary(state: CoalitionState) -> str:
    """The coalition in one sentence: who, on what, how far."""
    if state.charter is None:
        return "not identified"
    c = state.charter
    held = sum(w.outcomes is not None for w in state.workshops)
    return (f"{c.affected_state} with {c.partner_state} ({c.partner_role.value})"
            + (", a non-State Party (CK-8)" if state.non_state_party else "")
            + f"; focus {', '.join(f.value for f in c.focus)}; agreed: "
            f"{', '.join(state.agreed) or 'none'}; strategy "
            f"{state.strategy.reference if state.strategy else 'none'}; participants: "
            f"{', '.join(p.name for p in state.participants) or 'none'}; "
            f"{len(state.workshops)} workshop(s), {held} held; {len(state.activities)} "
            f"activity(ies) coordinated; progress to the MSP of "
            f"{', '.join(str(r.msp_year) for r in state.reports) or 'none yet'}"
            + (f"; closed: {state.closed_because}" if state.closed_because else ""))


SECTION = Section(field="coalitions", reads=_reads, make=_make, summary=summary)
