"""The JSON API of the silence procedure — a documented **extension** (later practice of the
Convention, not in the two seed papers; rules SP-1 … SP-4): list the procedures, read one as
the ledger records it, circulate a text, and take each later step, one
``POST /silence/{procedure}/{step}`` route per step with its own body.

The outcome at the deadline is recorded by the engine itself, on a durable timer; reading it
back needs no engine (:mod:`processes`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel

import stepping
from api import process_views
from api.cycles import LedgerOf, SignedIn
from api.problems import ProblemError, documented
from api.process_views import SilenceSummary, SilenceView
from api.steps import add_step_route, add_step_routes, engine_of, ledger_of
from api.views import TimelineEntry
from domain.kinds import SILENCE
from domain.procedure import PendingStep
from domain.silence import SilenceState
from ledger import Ledger, Receipt
from reading import streams
from stepping import StepRequest

EXTENSION = ("**Extension** — the silence procedure is later practice of the Convention, not "
             "in the two seed papers (rules SP-1 … SP-4, source \"extension\"). ")
router = APIRouter(tags=["silence procedure (extension)"])
READ = documented(404, 422, 503)
ProcedureId = Annotated[str, Path(
    pattern=r"^silence-[0-9]{4}-[1-9][0-9]{0,8}$", max_length=32,
    description="the procedure's id, which is also its ledger stream: silence-2027-1")]


class Circulated(BaseModel):
    """A text just circulated: the procedure's id (and ledger stream), and the receipt of its
    first event."""

    procedure: str
    receipt: Receipt


def missing(procedure: str) -> ProblemError:
    return ProblemError(404, "no-such-procedure", f"the ledger records no silence procedure "
                        f"{procedure}; `GET /silence` lists them.")


def folded(ledger: Ledger, procedure: str) -> SilenceState:
    """The procedure as recorded, or a 404 problem."""
    state: SilenceState | None = streams.state_of(ledger, procedure)
    if state is None:
        raise missing(procedure)
    return state


@router.get("/silence", responses=documented(503), description=EXTENSION + (
    "Every silence procedure the ledger records: its subject, deadline, circulation, who "
    "broke silence, and where it stands."))
def list_procedures(ledger: LedgerOf) -> list[SilenceSummary]:
    return process_views.silence_procedures(ledger)


@router.get("/silence/{procedure}", responses=READ, description=EXTENSION + (
    "The procedure folded from its recorded events by the rules that judged each step: the "
    "text circulated (reference and SHA-256), the deadline, the objections, the outcome."))
def get_procedure(procedure: ProcedureId, ledger: LedgerOf) -> SilenceView:
    return process_views.silence_view(procedure, folded(ledger, procedure))


@router.get("/silence/{procedure}/pending", responses=READ, description=EXTENSION + (
    "The steps people may take now (the outcome at the deadline is the engine's)."))
def get_procedure_pending(procedure: ProcedureId, ledger: LedgerOf) -> list[PendingStep]:
    return SILENCE.pending(folded(ledger, procedure))


@router.get("/silence/{procedure}/timeline", responses=READ, description=EXTENSION + (
    "The procedure's events as the ledger records them, in order, with their hashes."))
def get_procedure_timeline(procedure: ProcedureId, ledger: LedgerOf) -> list[TimelineEntry]:
    entries = process_views.stream_timeline(ledger, procedure)
    if not entries:
        raise missing(procedure)
    return entries


async def circulate_text(request: Request, person: SignedIn, body: StepRequest) -> Circulated:
    ledger, engine = ledger_of(request), engine_of(request)
    procedure, receipt = await engine.ask(None, lambda c: stepping.begin(
        c, SILENCE, person, body, task_queue=engine.settings.task_queue,
        known=lambda prefix: len(streams.streams(ledger, SILENCE, prefix))))
    engine.recorded(receipt, person)
    return Circulated(procedure=procedure, receipt=receipt)


async def _procedure(request: Request, procedure: ProcedureId) -> str:
    folded(ledger_of(request), procedure)  # 404 before the engine is asked
    return procedure


add_step_route(router, "/silence", SILENCE, SILENCE.begins, take=circulate_text,
               preface=EXTENSION, response=Circulated)
add_step_routes(router, "/silence/{procedure}", SILENCE, stream=_procedure, missing=missing,
                preface=EXTENSION)
