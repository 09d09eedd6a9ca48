"""Country coalitions (7MSP, CK-1 … CK-8) in the JSON API: what a coalition shows (its two
States, its focus, whether it extends to a non-State Party, its strategy) and what coalitions
reported to an MSP; list them, read one as the ledger records it (its state folded by the
domain's rules, its open steps, its timeline), identify a candidate, and take each step — one
``POST /coalitions/{coalition}/{step}`` route per step, with that step's own body.

Reading needs no engine (:mod:`api.streams`), so a closed coalition reads the same as a running
one. Every step goes to the coalition's workflow, which judges and records it; the role is
checked before the body is read (:func:`api.auth.guarded`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model

import stepping
from api.auth import SignedIn
from api.cycles import Year
from api.problems import documented
from api.steps import add_step_route, add_step_routes, begun, invalid
from api.streams import LedgerOf, Served, add_read_routes
from domain.coalition_state import CoalitionPhase, CoalitionState
from domain.coalitions import CoalitionCharter, Document, PartnerRole, ThematicFocus, parse_focus
from domain.convention import shipped_registry
from domain.kinds import COALITION
from identities import Person
from ledger import Ledger, Receipt
from reading.streams import progress_reports
from stepping import StepRequest

router = APIRouter(tags=["coalitions"])
CoalitionId = Annotated[str, Path(
    pattern=r"^coalition-[a-z]{3}-[1-9][0-9]{0,8}$", max_length=32,
    description="the coalition's id, which is also its ledger stream: coalition-lao-1")]


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


def _fields(coalition: str, s: CoalitionState) -> dict[str, Any]:
    charter = s.charter
    return {"coalition": coalition, "phase": s.phase, "event_count": s.event_count,
            "affected_state": charter.affected_state if charter else None,
            "partner_state": charter.partner_state if charter else None,
            "partner_role": charter.partner_role if charter else None,
            "focus": list(charter.focus) if charter else [],
            "non_state_party": s.non_state_party}


def coalition_summary(coalition: str, s: CoalitionState) -> CoalitionSummary:
    return CoalitionSummary(**_fields(coalition, s))


def coalition_view(coalition: str, s: CoalitionState) -> CoalitionView:
    return CoalitionView(**_fields(coalition, s), co_coordinators=list(s.co_coordinators),
                         agreed=list(s.agreed), strategy=s.strategy, state=s)


def coalition_reports(ledger: Ledger, msp_year: int) -> list[CoalitionReport]:
    """The coalitions' progress reported into the MSP of ``msp_year``'s submission."""
    return [CoalitionReport(coalition=cid, msp_year=msp_year, summary=summary,
                            affected_state=s.charter.affected_state if s.charter else None,
                            partner_state=s.charter.partner_state if s.charter else None)
            for cid, s, summary in progress_reports(ledger, msp_year)]


COALITIONS = Served(kind=COALITION, path="/coalitions", key=("coalition", CoalitionId),
                    lacking=("no-such-coalition", "the ledger records no coalition {stream}; "
                             "`GET /coalitions` lists them."),
                    view=coalition_view, summary=coalition_summary)


@router.get("/cycles/{year}/coalition-reports", responses=documented(422, 503))
def get_coalition_reports(year: Year, ledger: LedgerOf) -> list[CoalitionReport]:
    """The coalitions' progress reported into the MSP of the ``year`` cycle's submission
    (CK-3), in the order of the coalitions' ids; none is an empty list."""
    return coalition_reports(ledger, year)


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


class Begun(BaseModel):
    """A coalition just identified: its id (and ledger stream), and the receipt of its first
    event."""

    coalition: str
    receipt: Receipt


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
    coalition, receipt = await begun(request, COALITION, person, identification(person, body))
    return Begun(coalition=coalition, receipt=receipt)


# the charter as a request gives it (above), not the command's own model
add_step_route(router, "/coalitions", COALITION, COALITION.begins, take=identify_candidate,
               response=Begun, body=IdentifyRequest)
add_read_routes(router, COALITIONS)
add_step_routes(router, COALITIONS)
