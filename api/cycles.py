"""The JSON API: read a cycle, its pending steps, committee and timeline; open a cycle; take
each step — one ``POST /cycles/{year}/{step}`` route per step, with that step's own body, so
that the OpenAPI document says what each step takes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from temporalio.client import Client

import stepping
from api.auth import guarded, signed_in
from api.engine import Engine
from api.problems import ProblemError, documented
from api.views import Committee, CycleView, Me, TimelineEntry, committee, cycle_view, me, timeline
from domain.commands import COMMANDS
from domain.procedure import ProcedureStep, roles_text
from domain.steps import BY_STEP, PendingStep, Step, StepRule
from identities import Person
from ledger import Ledger, Receipt
from stepping import cycle_client as cycles

Year = Annotated[int, Path(ge=2011, le=2999, description="the cycle's year")]
SignedIn = Annotated[Person, Depends(signed_in)]
router = APIRouter(tags=["cycles"])
READ = documented(404, 422, 503)
WRITE = documented(401, 403, 404, 409, 422, 503)


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def ledger_of(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


EngineOf = Annotated[Engine, Depends(engine_of)]
LedgerOf = Annotated[Ledger, Depends(ledger_of)]


@router.get("/cycles/{year}", responses=READ)
async def get_cycle(year: Year, engine: EngineOf) -> CycleView:
    """The cycle's phase and state, as the engine holds it now."""
    return cycle_view(year, await engine.ask(year, lambda c: cycles.cycle_state(c, year)))


@router.get("/cycles/{year}/pending", responses=READ)
async def get_pending(year: Year, engine: EngineOf) -> list[PendingStep]:
    """The steps open now: what, by whom, by when, under which rule."""
    return await engine.ask(year, lambda c: cycles.pending(c, year))


@router.get("/cycles/{year}/committee", responses=READ)
async def get_committee(year: Year, engine: EngineOf,
                        on: Annotated[date | None, Query(description="default: today (UTC)")]
                        = None) -> Committee:
    """The Coordination Committee on a day, from the cycle's recorded elections (CC-3)."""
    state = await engine.ask(year, lambda c: cycles.cycle_state(c, year))
    return committee(year, state, on or datetime.now(UTC).date())


@router.get("/cycles/{year}/timeline", responses=READ)
def get_timeline(year: Year, ledger: LedgerOf) -> list[TimelineEntry]:
    """The cycle's events as the ledger records them, in order, with their hashes."""
    entries = timeline(ledger, year)
    if not entries:
        raise ProblemError(404, "no-such-cycle", f"the ledger holds no {year} cycle.")
    return entries


@router.get("/me", responses=documented(401, 503))
async def get_me(person: SignedIn) -> Me:
    """Who the token belongs to, and which steps their role may take."""
    return me(person)


def _add_open_route() -> None:
    model = stepping.REQUESTS[Step.OPEN_CYCLE]

    async def open_cycle(request: Request, body: stepping.StepRequest,
                         person: SignedIn) -> Receipt:
        engine = engine_of(request)
        return engine.recorded(await engine.ask(
            getattr(body, "year", None),
            lambda c: stepping.open_cycle(c, person, body, engine.settings)), person)

    open_cycle.__annotations__["body"] = model
    router.add_api_route("/cycles", open_cycle, methods=["POST"], status_code=201,
                         name="open_cycle", summary="Open a cycle (ISU)",
                         description=_description(Step.OPEN_CYCLE), responses=WRITE,
                         response_model=Receipt, route_class_override=guarded(Step.OPEN_CYCLE))


def _description(step: Step) -> str:
    return describe(BY_STEP[step], stepping.REQUESTS[step])


def titled(rule: StepRule | ProcedureStep[Any]) -> str:
    """A step's label as its route's summary: ``Approving the work plan …``."""
    return f"{rule.label[0].upper()}{rule.label[1:]}"


def describe(rule: StepRule | ProcedureStep[Any], request: type[BaseModel],
             preface: str = "") -> str:
    """What a step's route says — a cycle's, a coalition's, a silence procedure's: who takes
    it under which rule, what it records, and its body (the request's docstring)."""
    doc = (request.__doc__ or "").strip()
    return (f"{preface}{titled(rule)}: a step for the {roles_text(rule.roles)} (rule "
            f"{rule.rule_id}). The actor is the token's holder, never the body. "
            f"Records `{rule.event}`.\n\n{doc}").strip()


def _add_step_route(step: Step) -> None:
    async def take(request: Request, year: Year, body: stepping.StepRequest,
                   person: SignedIn) -> Receipt:
        async def work(client: Client) -> Receipt:
            # a closed cycle refuses as the rules do (workflows.client.take_step)
            return await stepping.take(client, year, step, person, body)
        engine = engine_of(request)
        return engine.recorded(await engine.ask(year, work), person)

    take.__annotations__["body"] = stepping.REQUESTS[step]
    rule = BY_STEP[step]
    router.add_api_route(f"/cycles/{{year}}/{step.value}", take, methods=["POST"],
                         status_code=201, name=step.value,
                         summary=titled(rule),
                         description=_description(step), responses=WRITE,
                         response_model=Receipt, route_class_override=guarded(step))


_add_open_route()
for _step in COMMANDS:
    _add_step_route(_step)
