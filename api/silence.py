"""The silence procedure in the JSON API — a documented **extension** (later practice of the
Convention, not in the two seed papers; rules SP-1 … SP-4): what a procedure shows (its subject,
the text circulated, the deadline, who broke silence), list the procedures, read one as the
ledger records it, circulate a text, and take each later step, one
``POST /silence/{procedure}/{step}`` route per step with its own body.

The outcome at the deadline is recorded by the engine itself, on a durable timer; reading it
back needs no engine (:mod:`api.streams`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import AwareDatetime, BaseModel, Field

from api.auth import SignedIn
from api.steps import add_step_route, add_step_routes, begun
from api.streams import Served, add_read_routes
from domain.coalitions import Document
from domain.kinds import SILENCE
from domain.silence import SilencePhase, SilenceState
from ledger import Receipt
from stepping import StepRequest

EXTENSION = ("**Extension** — the silence procedure is later practice of the Convention, not "
             "in the two seed papers (rules SP-1 … SP-4, source \"extension\"). ")
router = APIRouter(tags=["silence procedure (extension)"])
ProcedureId = Annotated[str, Path(
    pattern=r"^silence-[0-9]{4}-[1-9][0-9]{0,8}$", max_length=32,
    description="the procedure's id, which is also its ledger stream: silence-2027-1")]


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
    """A procedure folded from its recorded events by the domain's rules: the text circulated
    (reference and SHA-256), the deadline, the objections, the outcome."""

    text: Document | None = Field(description="the text circulated now, by reference and "
                                  "SHA-256")
    objections: list[Objection] = Field(description="SP-2: who broke silence on this "
                                        "circulation, and why")
    state: SilenceState


def _fields(procedure: str, s: SilenceState) -> dict[str, Any]:
    return {"procedure": procedure, "phase": s.phase, "subject": s.subject,
            "deadline": s.deadline, "circulation": s.circulation,
            "objected_by": [state for state, _ in s.objections], "event_count": s.event_count}


def silence_summary(procedure: str, s: SilenceState) -> SilenceSummary:
    return SilenceSummary(**_fields(procedure, s))


def silence_view(procedure: str, s: SilenceState) -> SilenceView:
    return SilenceView(**_fields(procedure, s), text=s.text, state=s, objections=[
        Objection(state=state, objection=why) for state, why in s.objections])


PROCEDURES = Served(kind=SILENCE, path="/silence", key=("procedure", ProcedureId),
                    lacking=("no-such-procedure", "the ledger records no silence procedure "
                             "{stream}; `GET /silence` lists them."),
                    view=silence_view, summary=silence_summary, preface=EXTENSION)


class Circulated(BaseModel):
    """A text just circulated: the procedure's id (and ledger stream), and the receipt of its
    first event."""

    procedure: str
    receipt: Receipt


async def circulate_text(request: Request, person: SignedIn, body: StepRequest) -> Circulated:
    procedure, receipt = await begun(request, SILENCE, person, body)
    return Circulated(procedure=procedure, receipt=receipt)


add_step_route(router, "/silence", SILENCE, SILENCE.begins, take=circulate_text,
               preface=EXTENSION, response=Circulated)
add_read_routes(router, PROCEDURES)
add_step_routes(router, PROCEDURES)
