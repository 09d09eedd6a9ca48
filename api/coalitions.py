"""The JSON API of country coalitions (7MSP, CK-1 … CK-8): list them, read one as the ledger
records it (its state folded by the domain's rules, its open steps, its timeline), identify a
candidate, and take each step — one ``POST /coalitions/{coalition}/{step}`` route per step,
with that step's own body, so that the OpenAPI document says what each step takes.

Reading needs no engine: a coalition is folded from its ledger stream (:mod:`processes`), so a
closed one reads the same as a running one. Every step goes to the coalition's workflow, which
judges and records it; the role is checked before the body is read (:func:`api.auth.guarded`).
The route per step is :mod:`api.steps`', as for every kind of process.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

import stepping
from api import process_views
from api.cycles import LedgerOf, SignedIn, Year
from api.problems import ProblemError, documented
from api.process_views import CoalitionReport, CoalitionSummary, CoalitionView
from api.steps import add_step_route, add_step_routes, engine_of, invalid, ledger_of
from api.views import TimelineEntry
from domain.coalition_state import CoalitionState
from domain.coalitions import CoalitionCharter, ThematicFocus, parse_focus
from domain.convention import shipped_registry
from domain.kinds import COALITION
from domain.procedure import PendingStep
from identities import Person
from ledger import Ledger, Receipt
from reading import streams
from stepping import StepRequest

router = APIRouter(tags=["coalitions"])
READ = documented(404, 422, 503)
CoalitionId = Annotated[str, Path(
    pattern=r"^coalition-[a-z]{3}-[1-9][0-9]{0,8}$", max_length=32,
    description="the coalition's id, which is also its ledger stream: coalition-lao-1")]


class Begun(BaseModel):
    """A coalition just identified: its id (and ledger stream), and the receipt of its first
    event."""

    coalition: str
    receipt: Receipt


# --- reading ------------------------------------------------------------------------------

def missing(coalition: str) -> ProblemError:
    return ProblemError(404, "no-such-coalition", f"the ledger records no coalition "
                        f"{coalition}; `GET /coalitions` lists them.")


def folded(ledger: Ledger, coalition: str) -> CoalitionState:
    """The coalition as recorded, or a 404 problem."""
    state: CoalitionState | None = streams.state_of(ledger, coalition)
    if state is None:
        raise missing(coalition)
    return state


@router.get("/coalitions", responses=documented(503))
def list_coalitions(ledger: LedgerOf) -> list[CoalitionSummary]:
    """Every country coalition the ledger records: its phase, its two States, its focus and
    whether it extends to a non-State Party (CK-8)."""
    return process_views.coalitions(ledger)


@router.get("/coalitions/{coalition}", responses=READ)
def get_coalition(coalition: CoalitionId, ledger: LedgerOf) -> CoalitionView:
    """The coalition folded from its recorded events by the rules that judged each step."""
    return process_views.coalition_view(coalition, folded(ledger, coalition))


@router.get("/coalitions/{coalition}/pending", responses=READ)
def get_coalition_pending(coalition: CoalitionId, ledger: LedgerOf) -> list[PendingStep]:
    """The steps open now: what, by whom, under which rule."""
    return COALITION.pending(folded(ledger, coalition))


@router.get("/coalitions/{coalition}/timeline", responses=READ)
def get_coalition_timeline(coalition: CoalitionId, ledger: LedgerOf) -> list[TimelineEntry]:
    """The coalition's events as the ledger records them, in order, with their hashes."""
    entries = process_views.stream_timeline(ledger, coalition)
    if not entries:
        raise missing(coalition)
    return entries


@router.get("/cycles/{year}/coalition-reports", responses=documented(422, 503))
def get_coalition_reports(year: Year, ledger: LedgerOf) -> list[CoalitionReport]:
    """The coalitions' progress reported into the MSP of the ``year`` cycle's submission
    (CK-3), in the order of the coalitions' ids; none is an empty list."""
    return process_views.coalition_reports(ledger, year)


# --- identifying a candidate --------------------------------------------------------------

IDENTIFY = stepping.REQUESTS[COALITION.name][COALITION.begins]
AREAS = ", ".join(f.value for f in ThematicFocus)
Area = Annotated[str, Field(min_length=1, max_length=100)]

#: the charter as a request gives it: ``focus`` by name, so that an area outside CK-5 is
#: refused by the rule (409, with the areas allowed), not by the schema
_CHARTER: dict[str, Any] = {name: (info.annotation, info) for name, info
                            in CoalitionCharter.model_fields.items() if name != "focus"}
_CHARTER["focus"] = (list[Area], Field(max_length=20, description=f"CK-5: one or more of the "
                                       f"Coordination Committee's thematic areas: {AREAS}."))
CharterRequest: type[BaseModel] = create_model(
    "CoalitionCharterRequest", __config__=ConfigDict(frozen=True, extra="forbid"),
    __doc__=CoalitionCharter.__doc__, **_CHARTER)
IdentifyRequest: type[StepRequest] = create_model(
    "IdentifyCandidateRequest", __base__=StepRequest, __doc__=IDENTIFY.__doc__,
    charter=(CharterRequest, ...))


def identification(person: Person, body: BaseModel) -> StepRequest:
    """The step's request from ``body``: the areas read by name (CK-5), then the charter
    judged as ``person``'s on the shipped registry (CK-1, CK-2, CK-5, CK-7, CK-8) before the
    ledger or the engine is asked anything."""
    charter: dict[str, Any] = body.model_dump()["charter"]
    charter["focus"] = parse_focus(charter["focus"])
    try:
        given = IDENTIFY.model_validate({"charter": charter})
    except ValidationError as error:
        raise invalid(error, "charter") from None
    COALITION.begin("coalition-?", stepping.command(COALITION, COALITION.begins, person, given),
                    shipped_registry(), datetime.now(UTC))
    return given


async def identify_candidate(request: Request, person: SignedIn, body: BaseModel) -> Begun:
    given = identification(person, body)
    ledger, engine = ledger_of(request), engine_of(request)
    coalition, receipt = await engine.ask(None, lambda c: stepping.begin(
        c, COALITION, person, given, task_queue=engine.settings.task_queue,
        known=lambda prefix: len(streams.streams(ledger, COALITION, prefix))))
    engine.recorded(receipt, person)
    return Begun(coalition=coalition, receipt=receipt)


# the charter as a request gives it (above), not the command's own model
add_step_route(router, "/coalitions", COALITION, COALITION.begins, take=identify_candidate,
               response=Begun, body=IdentifyRequest)


# --- every later step ---------------------------------------------------------------------

async def _coalition(request: Request, coalition: CoalitionId) -> str:
    folded(ledger_of(request), coalition)  # 404 before the engine is asked
    return coalition


add_step_routes(router, "/coalitions/{coalition}", COALITION, stream=_coalition,
                missing=missing)
