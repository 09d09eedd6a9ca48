"""Read-only audit routes: verify the ledger, replay a year, a coalition or a silence procedure
as of a moment, the Review Conference's report, cross-check the ledger with Temporal's
histories. They change nothing,
but they read the whole ledger, so they are for signed-in people (an auditor's token, or any
other), not for everyone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.auth import signed_in
from api.cycles import Year
from api.headers import styled_policy
from api.problems import ProblemError, documented
from api.streams import EngineOf, LedgerOf
from attesting import published_keyring
from audit.crosscheck import CrossCheck, cross_check
from audit.replay import NotReplayed, Replayed, replay
from audit.report import ReportError, report_html
from audit.verification import Verification, verify_ledger
from contracts import cycle_id
from domain.kinds import COALITION, CYCLE, SILENCE, Kind
from identities import Person
from ledger import Ledger, StoredEvent
from ledger.checkpoints import checkpoint_public_key
from settings import Settings
from workflows.registered import WORKFLOWS

router = APIRouter(prefix="/audit", tags=["audit"], dependencies=[Depends(signed_in)])
SignedIn = Annotated[Person, Depends(signed_in)]


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsOf = Annotated[Settings, Depends(settings_of)]


class ReplayView(BaseModel):
    """A process — a year's cycle, a coalition, a silence procedure — as the ledger held it at
    ``as_of``, folded from its stream alone."""

    stream: str
    kind: str = Field(description="the kind of process (`cycle`, `coalition`, `silence`)")
    as_of: str | None
    phase: str
    signed: int
    chained_only: int
    later: int
    state: dict[str, Any] = Field(description="the process's state, as its kind records it")
    events: list[StoredEvent]

    @classmethod
    def of(cls, done: Replayed) -> ReplayView:
        return cls(stream=done.stream, kind=done.kind.name, as_of=done.as_of, phase=done.phase,
                   signed=done.signed, chained_only=done.chained_only, later=done.later,
                   state=done.state.model_dump(mode="json"), events=list(done.events))


class YearReplayView(ReplayView):
    """A year's cycle, replayed; ``year`` as the route always gave it."""

    year: int


#: the problem kinds of ``api.cycles``, ``api.coalitions`` and ``api.silence`` for a process
#: the ledger lacks, by kind
NOT_FOUND: dict[str, str] = {CYCLE.name: "no-such-cycle", COALITION.name: "no-such-coalition",
                             SILENCE.name: "no-such-procedure"}
AsOf = Annotated[datetime | None, Query(description="the ledger's time, with a zone; default: "
                                        "now")]


@router.get("/verify", responses=documented(401, 503))
async def get_verify(ledger: LedgerOf, settings: SettingsOf) -> Verification:
    """Every chain and signed checkpoint of the ledger, and the root the result rests on;
    ``problem`` names the first thing found wrong."""
    key = checkpoint_public_key(settings.effective_signing_key)
    return await run_in_threadpool(verify_ledger, ledger.engine, key, None,
                                   published_keyring(settings.effective_attestation_key))


async def _replayed(ledger: Ledger, settings: Settings, kind: Kind[Any], stream: str,
                    as_of: datetime | None) -> ReplayView:
    """``stream``, a process of ``kind``, replayed: 404 if the ledger holds none (or it is not
    of that kind), 409 if its events were tampered with or no longer fold."""
    if as_of is not None and as_of.tzinfo is None:
        raise ProblemError(422, "invalid-request", "as_of needs a time zone, e.g. "
                           "2028-03-01T12:00:00Z.")
    if as_of is not None:
        try:
            as_of = as_of.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00+01:00, 9999-12-31T23:59-01:00
            raise ProblemError(422, "invalid-request", f"as_of {as_of.isoformat()} is outside "
                               "the moments the ledger can hold (years 1 to 9999 in UTC)."
                               ) from None
    key = checkpoint_public_key(settings.effective_signing_key)
    try:
        done = await run_in_threadpool(lambda: replay(ledger, stream, as_of, key, kind=kind))
    except (LookupError, ValueError) as error:  # not of that kind: no such one either
        raise ProblemError(404, NOT_FOUND[kind.name], f"{error}.") from None
    except NotReplayed as refused:
        raise ProblemError(409, "ledger-not-intact", str(refused)) from None
    return ReplayView.of(done)


@router.get("/cycles/{year}", responses=documented(401, 404, 409, 422, 503))
async def get_replay(year: Year, ledger: LedgerOf, settings: SettingsOf,
                     as_of: AsOf = None) -> YearReplayView:
    """The year's cycle as the ledger held it at ``as_of``; 409 if its events were tampered
    with (``detail`` names the first)."""
    done = await _replayed(ledger, settings, CYCLE, cycle_id(year), as_of)
    return YearReplayView(year=year, **dict(done))


@router.get("/coalitions/{coalition}", responses=documented(401, 404, 409, 422, 503))
async def get_coalition_replay(coalition: str, ledger: LedgerOf, settings: SettingsOf,
                               as_of: AsOf = None) -> ReplayView:
    """A country coalition (``coalition-lao-1``) as the ledger held it at ``as_of``; 409 if
    its events were tampered with (``detail`` names the first)."""
    return await _replayed(ledger, settings, COALITION, coalition, as_of)


@router.get("/silence-procedures/{procedure}", responses=documented(401, 404, 409, 422, 503))
async def get_silence_replay(procedure: str, ledger: LedgerOf, settings: SettingsOf,
                             as_of: AsOf = None) -> ReplayView:
    """A silence procedure (``silence-2027-1``; an extension) as the ledger held it at
    ``as_of``; 409 if its events were tampered with."""
    return await _replayed(ledger, settings, SILENCE, procedure, as_of)


@router.get("/report", response_class=HTMLResponse, responses=documented(401, 404, 422, 503))
async def get_report(ledger: LedgerOf, settings: SettingsOf,
                     from_year: Annotated[int, Query(ge=2011, le=2999)],
                     to_year: Annotated[int, Query(ge=2011, le=2999)]) -> HTMLResponse:
    """The Review Conference's report of the years, as ``audit report`` writes it (one
    self-contained HTML page, the verification at its top)."""
    if from_year > to_year:
        raise ProblemError(422, "invalid-request", f"from_year {from_year} comes after "
                           f"to_year {to_year}.")
    key = checkpoint_public_key(settings.effective_signing_key)

    def written() -> str:
        return report_html(ledger, from_year, to_year, verify_ledger(
            ledger.engine, key, None, published_keyring(settings.effective_attestation_key)))

    try:
        html = await run_in_threadpool(written)
    except ReportError as error:
        raise ProblemError(404, "no-such-cycle", str(error)) from None
    return HTMLResponse(html, headers={"Content-Security-Policy": styled_policy(html)})


@router.get("/cross-check", responses=documented(401, 503))
async def get_cross_check(ledger: LedgerOf, engine: EngineOf, year: Annotated[
        list[int] | None, Query(description="years to check; default: every year")] = None
                          ) -> CrossCheck:
    """The ledger against Temporal's histories, both ways, and the histories replayed with
    today's workflow code; ``differences`` lists every disagreement."""
    return await engine.ask(lambda client: cross_check(client, ledger, year, WORKFLOWS))
