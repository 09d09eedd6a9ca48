"""People's private calendars, the people list with their addresses, and the notices the
dashboard shows.

``GET /calendar/<secret>.ics`` is a person's iCalendar feed of their deadlines
(``reading.calendar_feed``): the secret in its address is all a calendar client can send, so a
wrong one is a 404 that says nothing of whose it might have been. ``GET /people`` lists everyone
with their e-mail address, for the ISU only (a person sees their own at ``GET /me``).
:func:`notices_shown` gives the front page's ``_notices.html`` the notices still pending.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.auth import SignedIn
from api.problems import ProblemError, documented
from api.streams import ledger_of
from domain.convention import Role
from i18n import _
from identities import People, Person, Unauthenticated, calendar_owner
from ledger import Ledger, notices
from ledger.notices import Notice
from reading.calendar_feed import feed

router = APIRouter(tags=["people"])
#: how many pending notices the front page lists at most
SHOWN = 20


class PersonView(BaseModel):
    """A registered person as the ISU sees them: with the address their notices go to."""

    id: int
    name: str
    role: Role
    represents: str | None
    email: str | None
    revoked: bool


@router.get("/people", responses=documented(401, 403, 503))
async def get_people(request: Request, person: SignedIn) -> list[PersonView]:
    """Everyone registered, with their e-mail addresses: for the ISU only."""
    if person.role is not Role.ISU:
        raise ProblemError(403, "not-permitted", _("only the ISU sees everyone's e-mail "
                                                   "address; yours is at GET /me."))
    people: People = request.app.state.people
    everyone = await run_in_threadpool(people.list)
    return [PersonView(id=p.id, name=p.name, role=p.role, represents=p.represents,
                       email=p.email, revoked=p.revoked) for p in everyone]


def _feed_of(ledger: Ledger, secret: str, link: str) -> bytes:
    try:
        owner: Person = calendar_owner(ledger.engine, secret)
    except Unauthenticated:
        raise ProblemError(404, "no-such-calendar", _("no calendar has that address.")) from None
    return feed(ledger, owner, link)


@router.get("/calendar/{secret}.ics", responses={
    200: {"content": {"text/calendar": {}}, "description": "the person's deadlines"},
    **documented(404)})
async def get_calendar(request: Request, secret: str) -> Response:
    """The private iCalendar feed of the person whose calendar secret is in the address
    (`intersessional users calendar-url`): the deadlines of the steps waiting for them."""
    link = request.app.state.settings.effective_public_url
    ics = await run_in_threadpool(_feed_of, ledger_of(request), secret, link)
    return Response(ics, media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "private, no-store"})


def notices_shown(request: Request) -> dict[str, Any]:
    """The notices still pending, the newest first (at most :data:`SHOWN`), and how many there
    are: what ``_notices.html`` shows. Read as the front page renders (one indexed query)."""
    ledger: Ledger = request.app.state.ledger
    pending: list[Notice] = notices.listed(ledger.engine, "pending")
    return {"count": len(pending), "notices": pending[:SHOWN]}
