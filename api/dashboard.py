"""The dashboard's pages of every kind of process: a list of a kind's streams, and a page per
stream — its state, the steps open and their deadlines, its timeline from the ledger — where a
signed-in person takes the steps of their role that need only text: a sentence of reasons, a
name, or nothing but the work plan the page shows. Every step is judged exactly as through the
API (:mod:`stepping`), a refusal shown in one sentence with its rule.

A kind's page is its template ``<kind>.html`` (a list, ``<kind>_list.html``); what a page shows
beyond the stream's view is the kind's :class:`Page` here.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

import stepping
from api.coalitions import COALITIONS, coalition_reports
from api.confirm import CONFIRMED, confirmed
from api.cycles import CYCLES, committee, year_of
from api.pages import (
    BUTTONS,
    FORMS,
    PRESENT,
    not_taken,
    render,
    same_origin,
    signed_in_person,
)
from api.problems import ProblemError
from api.silence import EXTENSION, PROCEDURES
from api.steps import sent
from api.streams import Served, held, ledger_of, listed, on_stream, recorder, timeline
from domain.convention import Role
from domain.errors import RuleViolation
from domain.kinds import CYCLE
from domain.state import CycleState
from identities import Person
from ledger import Ledger
from reading import streams
from reading.workplan import DECIDING, document_of

router = APIRouter(include_in_schema=False)


def _nothing(_ledger: Ledger, _stream: str, _state: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Page:
    """A kind's pages at ``path``: its list (if ``listed``) and one page per stream. ``shows``
    is what a stream's page shows beyond its view (read from the ledger); ``offers`` whether
    it offers a person the steps of their role; ``seen`` the hash of the text it shows, which
    a step on that text carries; ``about`` what its pages say of the kind."""

    served: Served[Any]
    path: str
    listed: bool = True
    shows: Callable[[Ledger, str, Any], dict[str, Any]] = _nothing
    offers: Callable[[Person, Any], bool] = lambda _person, _state: True
    seen: Callable[[Any], str | None] = lambda _state: None
    about: Mapping[str, Any] = field(default_factory=dict)


def cycle_day(state: CycleState, today: date) -> date:
    """The day whose committee a cycle's page shows: today while the cycle runs; for a cycle
    past, the day its committee was due to decide on the work plan; for one to come, its
    opening MSP (the committee as it sat on the cycle's own dates, not today's)."""
    calendar = state.calendar
    if calendar is None or calendar.opening_msp <= today <= calendar.closing_msp:
        return today
    return calendar.committee_due if today > calendar.closing_msp else calendar.opening_msp


def _cycle_shows(ledger: Ledger, stream: str, state: Any) -> dict[str, Any]:
    year, today = year_of(stream), datetime.now(UTC).date()
    return {"committee": committee(year, state, cycle_day(state, today)),
            # who may be recorded present: the committee sitting today, as the engine judges
            "sitting": committee(year, state, today),
            "document": document_of(year, ledger.read_stream(stream)),
            "deciding": DECIDING, "reports": coalition_reports(ledger, year)}


def _speaks(person: Person, state: Any) -> bool:
    # a delegate is offered the steps of a coalition their State co-coordinates (CK-2)
    return person.role is not Role.DELEGATE or person.represents in state.co_coordinators


#: every kind's pages; the cycle's last, whose ``/dashboard/{year}`` would take
#: ``coalitions`` for a year (the front page lists the years' cycles)
PAGES = (Page(COALITIONS, "/dashboard/coalitions", offers=_speaks),
         Page(PROCEDURES, "/dashboard/silence",
              about={"extension": EXTENSION.replace("**", "")}),  # the API's Markdown, as text
         Page(CYCLES, "/dashboard", listed=False, shows=_cycle_shows,
              seen=lambda state: state.draft_hash))


def _at(request: Request) -> str:
    """The path of the stream's page: the one asked for, or the one a step was posted from."""
    path = request.url.path
    return path.rsplit("/", 1)[0] if request.method == "POST" else path


async def show(request: Request, page: Page, stream: str, notice: str | None = None,
               status: int = 200) -> Response:
    """The page of ``stream``, with ``notice`` and ``status`` if given."""
    person, lost = await signed_in_person(request)
    kind = page.served.kind
    context: dict[str, Any] = {"stream": stream, "at": _at(request), "person": person,
                               "notice": notice or lost, **page.about}
    try:
        state = await held(request, page.served, stream)
    except ProblemError as error:
        context.update(missing=error.detail)
        return render(request, f"{kind.name}.html", context,
                      status if status >= 400 else error.status, signed_out=lost is not None)
    ledger = ledger_of(request)
    offered = person is not None and page.offers(person, state)
    context.update(
        view=page.served.view(stream, state), pending=kind.pending(state), seen=page.seen(state),
        timeline=await run_in_threadpool(timeline, ledger, stream),
        forms=FORMS[kind.name] if offered else {}, buttons=BUTTONS,
        role=person.role if person else None,
        attention=await run_in_threadpool(streams.attention_of, ledger, stream),
        **await run_in_threadpool(page.shows, ledger, stream, state))
    return render(request, f"{kind.name}.html", context, status, signed_out=lost is not None)


async def take(request: Request, page: Page, stream: str, step: str) -> Response:
    """Take ``step`` of ``stream`` as the signed-in person, with the text posted and, for a
    step on a text, the hash of the one the page showed (a text changed since is refused,
    ISU-3)."""
    kind = page.served.kind
    if not same_origin(request):
        return Response("cross-site step refused", status_code=403)
    form = FORMS[kind.name].get(step)
    if form is None:
        return await show(request, page, stream, f"{step} cannot be taken from the "
                          "dashboard; use the API or the CLI.", 404)
    person, _ = await signed_in_person(request)
    if person is None:
        return await show(request, page, stream, "Sign in with your token to take a step.",
                          401)
    posted = await request.form()
    deciding = kind is CYCLE and step in DECIDING  # shown, confirmed, with a receipt
    data: dict[str, Any] = {name: str(posted.get(name) or "") for name, _, _ in form.fields}
    if form.present:  # the boxes ticked: the members present, as the chair records them (CC-5)
        data[PRESENT] = [str(code) for code in posted.getlist(PRESENT)]
    try:
        stepping.permitted(kind, step, person)
        state = await held(request, page.served, stream)  # 404 before the engine is asked
        if deciding and (refused := confirmed(posted, page.seen(state))) is not None:
            return await show(request, page, stream, *refused)  # nothing is recorded
        if form.hashed:
            # the text confirmed, the text the page showed (ISU-3: the text seen), or the one
            # the stream holds now
            data["content_hash"] = (str(posted.get(CONFIRMED) or "") if deciding else "") or \
                str(posted.get("content_hash") or "") or page.seen(state) or ""
            if not data["content_hash"]:
                return await show(request, page, stream, f"Not taken: {stream} holds no "
                                  "draft yet.", 409)
        body = stepping.REQUESTS[kind.name][step].model_validate(data)
        receipt = await sent(request, person, page.served.missing(stream),
                             lambda c: stepping.take(c, kind, stream, step=step, person=person,
                                                     request=body, recorded=recorder(request),
                                                     signer=request.app.state.signer),
                             kind=kind, step=step)
    except (RuleViolation, ValidationError, ProblemError) as error:
        return await show(request, page, stream, *not_taken(error))
    if deciding:  # the receipt to keep
        return RedirectResponse(f"/dashboard/receipts/{receipt.stream}/{receipt.event_id}",
                                status_code=303)
    return RedirectResponse(_at(request), status_code=303)


_STEP = inspect.Parameter("step", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str)


def _add(page: Page) -> None:
    served = page.served

    async def listing(request: Request) -> Response:
        person, lost = await signed_in_person(request)
        found = await run_in_threadpool(listed, ledger_of(request), served)
        return render(request, f"{served.kind.name}_list.html", {
            "listed": found, "person": person, "notice": lost, **page.about},
            signed_out=lost is not None)

    async def read(request: Request, stream: str) -> Response:
        return await show(request, page, stream)

    async def taken(request: Request, stream: str, step: str) -> Response:
        return await take(request, page, stream, step)

    one = f"{page.path}/{{{served.key[0]}}}"
    if page.listed:
        router.add_api_route(page.path, listing, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route(one, on_stream(served, read), methods=["GET"],
                         response_class=HTMLResponse)
    router.add_api_route(f"{one}/{{step}}", on_stream(served, taken, _STEP), methods=["POST"])


for _page in PAGES:
    _add(_page)
