"""The annual cycle in the JSON API: what a year's cycle shows (:class:`CycleView`) and the
Coordination Committee of a day (:class:`Committee`); open a cycle, read it (as the ledger
records it), its pending steps, committee and timeline, and take each step — one
``POST /cycles/{year}/{step}`` route per step, with that step's own body, so that the OpenAPI
document says what each step takes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from api.auth import SignedIn
from api.steps import add_step_route, add_step_routes, begun
from api.streams import READ, Served, add_read_routes, held
from contracts import Receipt, cycle_id
from domain.committee import CommitteeMember, deciding_members, presiding_on
from domain.convention import COMMITTEE_ORGANISATIONS, shipped_registry
from domain.kinds import CYCLE
from domain.profile import SitsAs
from domain.state import CycleState, Phase, WorkplanStatus
from i18n.territories import state_name
from ledger import Ledger
from ledger.attention import Attention
from reading.streams import streams
from stepping import StepRequest

Year = Annotated[int, Path(ge=2011, le=2999, description="the cycle's year")]
router = APIRouter(tags=["cycles"])
ORGANISATIONS = {"ICRC": "International Committee of the Red Cross", "UN": "United Nations",
                 "CMC": "Cluster Munition Coalition"}


class CycleView(BaseModel):
    """A cycle as the ledger records it: its events folded by the rules."""

    year: int
    phase: Phase
    workplan_status: WorkplanStatus | None
    workplan_hash: str | None = Field(description="SHA-256 of the current draft, if any")
    event_count: int
    #: why the year cannot move on its own, and the repair (``ledger.attention``), if noted
    attention: Attention | None = None
    state: CycleState


class Seat(BaseModel):
    represents: str
    name: str
    basis: str
    paragraph: str
    sits_as: SitsAs = Field(SitsAs.MEMBER, description="a member counts towards the quorum "
                            "of the cycle's profile (CC-5); an observer sits and does not")


class Committee(BaseModel):
    """The Coordination Committee on a day, from the cycle's recorded elections (CC-3)."""

    year: int
    on: date
    seats: list[Seat]
    chair: str | None = Field(None, description="the State presiding that day, which chairs "
                              "the committee and records its decisions (CC-1, CC-5)")
    quorum: int | None = Field(None, description="the members present the committee needs to "
                               "decide that day under the cycle's profile; none: one member's "
                               "step decides")

    def attending(self) -> list[Seat]:
        """Each one sitting once (a State may hold two seats): who may be recorded present."""
        once: dict[str, Seat] = {}
        for seat in self.seats:
            once.setdefault(seat.represents, seat)
        return list(once.values())


def year_of(stream: str) -> int:
    return int(stream.removeprefix(CYCLE.prefix))


def cycle_view(stream: str, state: CycleState) -> CycleView:
    return CycleView(year=year_of(stream), phase=state.phase,
                     workplan_status=state.workplan_status, workplan_hash=state.draft_hash,
                     event_count=state.event_count, state=state)


def name_of(code: str) -> str:
    """``Chile (CHL)``, ``United Nations (UN)``, or the bare code."""
    if code in COMMITTEE_ORGANISATIONS:
        return f"{ORGANISATIONS.get(code, code)} ({code})"
    found = shipped_registry().get(code)
    return f"{state_name(code, found.name)} ({code})" if found is not None else code


def committee(year: int, state: CycleState, on: date) -> Committee:
    members: tuple[CommitteeMember, ...] = state.committee_on(on)
    presiding = presiding_on(on, state.presidencies)
    return Committee(year=year, on=on, seats=[
        Seat(represents=m.represents, name=name_of(m.represents), basis=m.basis,
             paragraph=m.paragraph, sits_as=m.sits_as) for m in members],
        chair=presiding.state if presiding else None,
        quorum=state.profile.needed(len(deciding_members(members))))


def known_years(ledger: Ledger) -> list[int]:
    """The years whose cycles the ledger holds, newest first."""
    return sorted((year_of(s) for s in streams(ledger, CYCLE)
                   if s.removeprefix(CYCLE.prefix).isdigit()), reverse=True)


CYCLES = Served(kind=CYCLE, path="/cycles", key=("year", Year), stream=cycle_id,
                lacking=("no-such-cycle", "the ledger records no {name} cycle; `POST /cycles` "
                         "opens one."), view=cycle_view)


@router.get("/cycles/{year}/committee", responses=READ)
async def get_committee(request: Request, year: Year,
                        on: Annotated[date | None, Query(description="default: today (UTC)")]
                        = None) -> Committee:
    """The Coordination Committee on a day, from the cycle's recorded elections (CC-3)."""
    state = await held(request, CYCLES, cycle_id(year))
    return committee(year, state, on or datetime.now(UTC).date())


async def open_cycle(request: Request, person: SignedIn, body: StepRequest) -> Receipt:
    _, receipt = await begun(request, CYCLE, person, body)
    return receipt


add_step_route(router, "/cycles", CYCLE, CYCLE.begins, take=open_cycle)
add_read_routes(router, CYCLES)
add_step_routes(router, CYCLES)
