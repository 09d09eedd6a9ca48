"""What the API and the dashboard show of a country coalition and a silence procedure, as
the ledger records them (:mod:`reading.streams`)."""

from __future__ import annotations

from typing import Any

from pydantic import AwareDatetime, BaseModel, Field

from api.views import TimelineEntry, entry
from domain.coalition_state import CoalitionPhase, CoalitionState
from domain.coalitions import Document, PartnerRole, ThematicFocus
from domain.kinds import COALITION, SILENCE
from domain.silence import SilencePhase, SilenceState
from ledger import Ledger
from reading import streams


class CoalitionSummary(BaseModel):
    """One country coalition: who co-coordinates it, on what, and where it stands."""

    coalition: str = Field(description="its id and ledger stream, e.g. coalition-lao-1")
    phase: CoalitionPhase
    affected_state: str | None
    partner_state: str | None
    partner_role: PartnerRole | None
    focus: list[ThematicFocus] = Field(description="CK-5: the committee's thematic areas")
    non_state_party: bool = Field(description="CK-8: the coalition extends to a non-State "
                                  "Party (allowed, and marked)")
    event_count: int


class CoalitionView(CoalitionSummary):
    """A coalition folded from its recorded events by the domain's rules."""

    co_coordinators: list[str] = Field(description="CK-2: the affected and the partner State")
    agreed: list[str] = Field(description="the co-coordinators that have agreed (CK-2)")
    strategy: Document | None = Field(description="CK-3: the national strategy document "
                                      "registered, by reference and SHA-256")
    state: CoalitionState


class CoalitionReport(BaseModel):
    """A coalition's progress, reported into the MSP of ``msp_year``'s submission."""

    coalition: str
    affected_state: str | None
    partner_state: str | None
    msp_year: int
    summary: str


class Objection(BaseModel):
    state: str
    objection: str


class SilenceSummary(BaseModel):
    """One silence procedure (an extension, SP-1 … SP-4): what, until when, where it stands."""

    procedure: str = Field(description="its id and ledger stream, e.g. silence-2027-1")
    phase: SilencePhase
    subject: str | None
    deadline: AwareDatetime | None
    circulation: int
    objected_by: list[str]
    event_count: int


class SilenceView(SilenceSummary):
    """A procedure folded from its recorded events by the domain's rules."""

    text: Document | None = Field(description="the text circulated now, by reference and "
                                  "SHA-256")
    objections: list[Objection] = Field(description="SP-2: who broke silence on this "
                                        "circulation, and why")
    state: SilenceState


def coalition_summary(coalition: str, s: CoalitionState) -> CoalitionSummary:
    return CoalitionSummary(**_coalition_fields(coalition, s))


def coalition_view(coalition: str, s: CoalitionState) -> CoalitionView:
    return CoalitionView(**_coalition_fields(coalition, s), co_coordinators=list(
        s.co_coordinators), agreed=list(s.agreed), strategy=s.strategy, state=s)


def _coalition_fields(coalition: str, s: CoalitionState) -> dict[str, Any]:
    charter = s.charter
    return {"coalition": coalition, "phase": s.phase, "event_count": s.event_count,
            "affected_state": charter.affected_state if charter else None,
            "partner_state": charter.partner_state if charter else None,
            "partner_role": charter.partner_role if charter else None,
            "focus": list(charter.focus) if charter else [],
            "non_state_party": s.non_state_party}


def silence_summary(procedure: str, s: SilenceState) -> SilenceSummary:
    return SilenceSummary(**_silence_fields(procedure, s))


def silence_view(procedure: str, s: SilenceState) -> SilenceView:
    return SilenceView(**_silence_fields(procedure, s), text=s.text, state=s, objections=[
        Objection(state=state, objection=why) for state, why in s.objections])


def _silence_fields(procedure: str, s: SilenceState) -> dict[str, Any]:
    return {"procedure": procedure, "phase": s.phase, "subject": s.subject,
            "deadline": s.deadline, "circulation": s.circulation,
            "objected_by": [state for state, _ in s.objections], "event_count": s.event_count}


def coalitions(ledger: Ledger) -> list[CoalitionSummary]:
    """Every coalition the ledger records, in the order of their ids."""
    found = []
    for cid in streams.streams(ledger, COALITION):
        state = streams.state_of(ledger, cid)
        if state is not None:
            found.append(coalition_summary(cid, state))
    return found


def silence_procedures(ledger: Ledger) -> list[SilenceSummary]:
    found = []
    for pid in streams.streams(ledger, SILENCE):
        state = streams.state_of(ledger, pid)
        if state is not None:
            found.append(silence_summary(pid, state))
    return found


def coalition_reports(ledger: Ledger, msp_year: int) -> list[CoalitionReport]:
    """The coalitions' progress reported into the MSP of ``msp_year``'s submission."""
    return [CoalitionReport(coalition=cid, msp_year=msp_year, summary=summary,
                            affected_state=s.charter.affected_state if s.charter else None,
                            partner_state=s.charter.partner_state if s.charter else None)
            for cid, s, summary in streams.progress_reports(ledger, msp_year)]


def stream_timeline(ledger: Ledger, stream: str) -> list[TimelineEntry]:
    """A coalition's or a procedure's events as the ledger records them, with their hashes."""
    return [entry(e) for e in ledger.read_stream(stream)]
