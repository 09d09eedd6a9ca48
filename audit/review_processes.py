"""The country coalitions (CK-1 … CK-8) and the silence procedures (SP-1 … SP-4, an extension:
later practice, not in the seed papers) of the years a report covers, read from their own
ledger streams (``coalition-<iso3>-<n>``, ``silence-<year>-<n>``).

A coalition or a procedure is in the report when one of its events occurred (the Convention's
time, ``occurred_at``) in the years — or, for a coalition, when it reported progress to the MSP
of one of them. Its events up to the end of the last year are read, each judged again by the
domain's ``apply`` (the rules that accepted it; a refusal is a ``ReportError`` naming the
event), and the facts a Review Conference looks at kept with who took each step, when, and
where the ledger keeps it. Later events are left out, and counted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from audit.process_replay import kind_of, year_of
from domain import coalition, silence
from domain import coalition_events as ce
from domain import silence_events as se
from domain.coalition_state import CoalitionPhase, CoalitionState
from domain.coalitions import (
    CountryWorkshop,
    Document,
    ExistingActivity,
    Participant,
    PartnerRole,
    StrategyDocument,
    ThematicFocus,
    WorkshopOutcomes,
)
from domain.convention import State
from domain.errors import RuleViolation
from domain.silence import SilencePhase, SilenceState
from ledger import StoredEvent


class RefusedEvent(Exception):  # noqa: N818 - raised as the report's ReportError
    """An event of a process stream that does not parse, or that the rules refuse."""


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True)


class Taken(Fact):
    """Who took a recorded step, in which role, for whom; when; where the ledger keeps it."""

    actor: str
    role: str
    represents: str | None
    occurred_at: datetime
    position: int
    stream: str
    version: int


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


class Objection(Fact):
    standing: State  # the objecting State as judged (SP-2)
    objection: str
    taken: Taken


class Circulation(Fact):
    number: int
    text: Document
    deadline: datetime
    taken: Taken
    objections: tuple[Objection, ...] = ()
    outcome: Literal["adopted", "not adopted"] | None = None  # at the deadline (SP-3)
    decided: Taken | None = None


class SilenceFacts(Fact):
    procedure: str
    subject: str
    phase: SilencePhase
    circulations: tuple[Circulation, ...]
    withdrawn: Taken | None = None
    withdrawn_because: str | None = None
    later: int = 0

    @property
    def outcome(self) -> str:
        """adopted, not adopted, withdrawn — or where it stands."""
        return self.phase.value.replace("_", " ")

    @property
    def ended(self) -> Taken | None:
        """The step that gave the outcome: the withdrawal, else the last deadline's."""
        return self.withdrawn or self.circulations[-1].decided


def processes(streams: Mapping[str, Sequence[StoredEvent]], from_year: int, to_year: int
              ) -> tuple[tuple[CoalitionFacts, ...], tuple[SilenceFacts, ...]]:
    """The coalitions and silence procedures of ``streams`` (name -> its events) that the
    years ``from_year`` … ``to_year`` concern — an event in them, a progress report to one of
    their MSPs, or, for a coalition, running in them — in the order of their names."""
    years = range(from_year, to_year + 1)
    coalitions, procedures = [], []
    for name in sorted(streams):
        recorded = sorted(streams[name], key=lambda e: e.version)
        kind = kind_of(name)
        shown = [e for e in recorded if year_of(e) <= to_year]
        # a coalition begun before the years and not closed before them runs in them too
        running = kind == "coalition" and not any(
            e.type == "CoalitionClosed" and year_of(e) < from_year for e in shown)
        touches = running or any(year_of(e) in years for e in recorded) or (
            kind == "coalition" and any(e.type == "ProgressReported"
                                        and e.payload.get("msp_year") in years for e in shown))
        if not touches or not shown:
            continue
        if kind == "coalition":
            coalitions.append(_coalition(name, shown, len(recorded) - len(shown)))
        elif kind == "silence":
            procedures.append(_silence(name, shown, len(recorded) - len(shown)))
    return tuple(coalitions), tuple(procedures)


def _taken(s: StoredEvent, e: ce.CoalitionEvent | se.SilenceEvent) -> Taken:
    return Taken(actor=e.actor.name, role=e.actor.role.value.replace("_", " "),
                 represents=e.actor.represents, occurred_at=e.occurred_at,
                 position=s.position, stream=s.stream, version=s.version)


def _refused(s: StoredEvent, why: str) -> RefusedEvent:
    return RefusedEvent(f"the event at position {s.position} ({s.stream}, version "
                        f"{s.version}) {why}")


def _judged(recorded: Sequence[StoredEvent], parse: Any, apply: Any, state: Any
            ) -> tuple[Any, list[tuple[StoredEvent, Any]]]:
    """Each event parsed and applied in turn; the state after them, and the events read."""
    read = []
    for s in recorded:
        try:
            e = parse(s.payload)
        except ValidationError as error:
            raise _refused(s, f"is not an event the engine knows: "
                           f"{error.errors()[0]['msg']}") from None
        try:
            state = apply(state, e)
        except (RuleViolation, ValueError) as refused:
            raise _refused(s, f"is refused by the rules: {refused}") from None
        read.append((s, e))
    return state, read


def _coalition(name: str, recorded: Sequence[StoredEvent], later: int) -> CoalitionFacts:
    state: CoalitionState
    state, read = _judged(recorded, ce.COALITION_EVENT.validate_python, coalition.apply,
                          CoalitionState())
    facts: dict[str, Any] = {"coalition": name, "phase": state.phase, "later": later}
    lists: dict[str, list[Any]] = {k: [] for k in ("agreements", "strategies", "participants",
                                                   "workshops", "activities", "reports")}
    for s, e in read:
        taken = _taken(s, e)
        match e:
            case ce.CandidateIdentified():
                facts |= {"affected": e.affected, "partner": e.partner,
                          "partner_role": e.charter.partner_role,
                          "non_state_party": e.non_state_party, "focus": e.charter.focus,
                          "identified": taken}
            case ce.CoCoordinationAgreed():
                lists["agreements"].append(Agreement(state=e.state, taken=taken))
            case ce.StrategyDocumentRegistered():
                lists["strategies"].append(Strategy(document=e.document, taken=taken))
            case ce.ParticipantJoined():
                lists["participants"].append(Joined(participant=e.participant, taken=taken))
            case ce.ParticipantLeft():
                lists["participants"] = [
                    j.model_copy(update={"left": taken})
                    if j.participant.name == e.name and j.left is None else j
                    for j in lists["participants"]]
            case ce.CountryWorkshopPlanned():
                lists["workshops"].append(Workshop(plan=e.workshop, planned=taken))
            case ce.CountryWorkshopHeld():
                last = lists["workshops"][-1]
                lists["workshops"][-1] = last.model_copy(update={"outcomes": e.outcomes,
                                                                 "held": taken})
            case ce.ExistingActivityCoordinated():
                lists["activities"].append(Coordinated(activity=e.activity, taken=taken))
            case ce.ProgressReported():
                lists["reports"].append(Progress(
                    coalition=name, affected=state.affected.iso3 if state.affected else "",
                    partner=state.partner.iso3 if state.partner else "", msp_year=e.msp_year,
                    summary=e.summary, taken=taken))
            case ce.CoalitionClosed():
                facts |= {"closed": taken, "closed_because": e.reason}
    return CoalitionFacts(**facts, **{k: tuple(v) for k, v in lists.items()})


def _silence(name: str, recorded: Sequence[StoredEvent], later: int) -> SilenceFacts:
    state: SilenceState
    state, read = _judged(recorded, se.SILENCE_EVENT.validate_python, silence.apply,
                          SilenceState())
    facts: dict[str, Any] = {"procedure": name, "phase": state.phase, "later": later,
                             "subject": state.subject or ""}
    circulations: list[Circulation] = []
    for s, e in read:
        taken = _taken(s, e)
        match e:
            case se.TextCirculated() | se.TextRecirculated():
                circulations.append(Circulation(number=len(circulations) + 1, text=e.text,
                                                deadline=e.deadline, taken=taken))
            case se.SilenceBroken():
                last = circulations[-1]
                circulations[-1] = last.model_copy(update={"objections": (
                    *last.objections, Objection(standing=e.standing, objection=e.objection,
                                                taken=taken))})
            case se.DecisionAdoptedBySilence() | se.DecisionNotAdopted():
                outcome = ("adopted" if isinstance(e, se.DecisionAdoptedBySilence)
                           else "not adopted")
                circulations[-1] = circulations[-1].model_copy(
                    update={"outcome": outcome, "decided": taken})
            case se.TextWithdrawn():
                facts |= {"withdrawn": taken, "withdrawn_because": e.reason}
    return SilenceFacts(**facts, circulations=tuple(circulations))
