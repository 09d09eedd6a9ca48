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

import stepping.processes as ps
from api import process_views
from api.auth import guarded
from api.cycles import LedgerOf, SignedIn, engine_of, ledger_of
from api.problems import ProblemError, documented
from api.process_routes import (
    WRITE,
    add_step_route,
    description,
    permit,
    summary,
    taken,
    with_body,
)
from api.process_views import SilenceSummary, SilenceView
from api.views import TimelineEntry
from domain.procedure import OpenStep, open_steps
from domain.silence import STEPS, SilenceState
from ledger import Ledger, Receipt
from reading import processes
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
    state = processes.silence_of(ledger, procedure)
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
def get_procedure_pending(procedure: ProcedureId, ledger: LedgerOf) -> list[OpenStep]:
    return open_steps(STEPS, folded(ledger, procedure))


@router.get("/silence/{procedure}/timeline", responses=READ, description=EXTENSION + (
    "The procedure's events as the ledger records them, in order, with their hashes."))
def get_procedure_timeline(procedure: ProcedureId, ledger: LedgerOf) -> list[TimelineEntry]:
    entries = process_views.stream_timeline(ledger, procedure)
    if not entries:
        raise missing(procedure)
    return entries


CIRCULATE = ps.SILENCE["circulate_text"]


async def circulate_text(request: Request, person: SignedIn, body: StepRequest) -> Circulated:
    ledger, queue = ledger_of(request), engine_of(request).settings.task_queue
    procedure, receipt = await engine_of(request).ask(
        None, lambda c: ps.circulate(c, ledger, person, body, queue))
    engine_of(request).recorded(receipt, person)
    return Circulated(procedure=procedure, receipt=receipt)


with_body(circulate_text, CIRCULATE.request)
router.add_api_route("/silence", circulate_text, methods=["POST"], status_code=201,
                     name="circulate_text", summary=summary(CIRCULATE),
                     description=description(CIRCULATE, EXTENSION), responses=WRITE,
                     response_model=Circulated, route_class_override=guarded(permit(CIRCULATE)))


def _add_step_route(step: ps.ProcessStep) -> None:
    async def take(request: Request, procedure: ProcedureId, person: SignedIn,
                   body: StepRequest | None) -> Receipt:
        return await taken(request, step, person, body, stream=procedure, folded=folded,
                           missing=missing)

    add_step_route(router, "/silence/{procedure}", step, take, EXTENSION)


for _step in ps.SILENCE.values():
    if _step is not CIRCULATE:
        _add_step_route(_step)
