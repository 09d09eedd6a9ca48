"""The JSON API: read a cycle, its pending steps, committee and timeline; open a cycle; take
each step — one ``POST /cycles/{year}/{step}`` route per step, with that step's own body, so
that the OpenAPI document says what each step takes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

import stepping
from api.auth import signed_in
from api.engine import Engine
from api.problems import ProblemError, documented
from api.steps import add_step_route, add_step_routes, engine_of, ledger_of
from api.views import Committee, CycleView, Me, TimelineEntry, committee, cycle_view, me, timeline
from contracts import Receipt, cycle_id
from domain.kinds import CYCLE
from domain.procedure import PendingStep
from identities import Person
from ledger import Ledger
from stepping import client as engine_client

Year = Annotated[int, Path(ge=2011, le=2999, description="the cycle's year")]
SignedIn = Annotated[Person, Depends(signed_in)]
router = APIRouter(tags=["cycles"])
READ = documented(404, 422, 503)


EngineOf = Annotated[Engine, Depends(engine_of)]
LedgerOf = Annotated[Ledger, Depends(ledger_of)]


@router.get("/cycles/{year}", responses=READ)
async def get_cycle(year: Year, engine: EngineOf) -> CycleView:
    """The cycle's phase and state, as the engine holds it now."""
    return cycle_view(year, await engine.ask(year, lambda c: engine_client.state(
        c, CYCLE, cycle_id(year))))


@router.get("/cycles/{year}/pending", responses=READ)
async def get_pending(year: Year, engine: EngineOf) -> list[PendingStep]:
    """The steps open now: what, by whom, by when, under which rule."""
    return await engine.ask(year, lambda c: engine_client.pending(c, cycle_id(year)))


@router.get("/cycles/{year}/committee", responses=READ)
async def get_committee(year: Year, engine: EngineOf,
                        on: Annotated[date | None, Query(description="default: today (UTC)")]
                        = None) -> Committee:
    """The Coordination Committee on a day, from the cycle's recorded elections (CC-3)."""
    state = await engine.ask(year, lambda c: engine_client.state(c, CYCLE, cycle_id(year)))
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


async def open_cycle(request: Request, person: SignedIn, body: stepping.StepRequest
                     ) -> Receipt:
    engine = engine_of(request)
    _, receipt = await engine.ask(getattr(body, "year", None), lambda c: stepping.begin(
        c, CYCLE, person, body, task_queue=engine.settings.task_queue,
        lead_times=(engine.settings.committee_weeks, engine.settings.reminder_days)))
    return engine.recorded(receipt, person)


async def _cycle(request: Request, year: Year) -> str:
    return cycle_id(year)


def _no_cycle(stream: str) -> ProblemError:
    year = stream.removeprefix("cycle-")
    return ProblemError(404, "no-such-cycle", f"the engine holds no {year} cycle; "
                        "`POST /cycles` opens one.")


add_step_route(router, "/cycles", CYCLE, CYCLE.begins, take=open_cycle)
add_step_routes(router, "/cycles/{year}", CYCLE, stream=_cycle, missing=_no_cycle)
