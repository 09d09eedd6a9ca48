"""The dashboard: server-rendered pages (Jinja2, no JavaScript) of a year's cycle — its phase,
the pending steps and their deadlines, the Coordination Committee of the day, the timeline from
the ledger, the coalitions' progress reported to its MSP — where a signed-in person takes the
steps of their role that need nothing but the work plan the cycle holds now (and a sentence of
reasons, where the step asks for one). The country coalitions and the silence procedures (an
extension) have pages of their own, read from the ledger, where the steps that need only a
sentence (agreeing, an objection, a reason) are taken the same way.

Signing in posts the token once; it is kept in an HttpOnly, SameSite=Strict cookie, and every
step is judged exactly as through the API (:mod:`stepping`), refusals shown in one sentence.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

import stepping
from api import process_views, views
from api.auth import person_of
from api.cycles import Year
from api.problems import ProblemError
from api.steps import engine_of, ledger_of
from contracts import cycle_id
from domain.commands import COMMANDS
from domain.errors import RuleViolation
from domain.kinds import CYCLE
from domain.state import CycleState
from domain.steps import Step
from identities import Person
from stepping import client as engine_client

COOKIE = "intersessional_token"
SESSION_SECONDS = 8 * 3600
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


def _utc(moment: datetime | None) -> str:
    """``2027-03-01 12:00:00`` in UTC; a moment UTC cannot hold (9999-12-31T23:59-23:59) as
    it was given."""
    if moment is None:
        return "—"
    try:
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, ValueError):
        return moment.isoformat()


templates.env.filters["utc"] = _utc


def _text_fields(step: Step) -> list[tuple[str, bool]] | None:
    """The free-text fields of ``step``'s request (name, required), if all it takes besides the
    work plan's hash is text; ``None`` for a step that needs more (an election, a work plan…)."""
    fields = stepping.REQUESTS[CYCLE.name][step].model_fields
    text = [name for name in fields if name != "content_hash"]
    if not all(fields[name].annotation is str for name in text):
        return None
    return [(name, fields[name].is_required()) for name in text]


#: the steps the dashboard offers, with the text each asks for
FORMS: dict[Step, list[tuple[str, bool]]] = {step: fields for step in COMMANDS
                                             if (fields := _text_fields(step)) is not None}
BUTTONS = {"hold_meeting": "Record as held", "dispense_with_meeting": "Dispense with it",
           "submit_workplan_to_committee": "Submit to the committee",
           "approve_workplan": "Approve", "return_workplan": "Return for revision",
           "send_workplan_to_msp": "Submit to the MSP", "adopt_workplan": "Record adoption",
           "reject_workplan": "Record rejection"}


async def signed_in_person(request: Request) -> tuple[Person | None, str | None]:
    """The signed-in person, or ``None`` and why (a token revoked since signing in)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None, None
    try:
        return await person_of(request.app.state.people, token), None
    except ProblemError as error:
        return None, f"You were signed out: {error.detail}"


def same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


async def _page(request: Request, year: int, notice: str | None = None,
                status: int = 200) -> Response:
    person, lost = await signed_in_person(request)
    context: dict[str, Any] = {"year": year, "person": person, "notice": notice or lost,
                               "now": datetime.now(UTC)}
    engine = engine_of(request)
    try:
        state: CycleState = await engine.ask(year, lambda c: engine_client.state(
            c, CYCLE, cycle_id(year)))
        pending = await engine.ask(year, lambda c: engine_client.pending(c, cycle_id(year)))
    except ProblemError as error:
        context.update(missing=error.detail)
        status = error.status if status < 400 else status
        return render(request, "dashboard.html", context, status, signed_out=lost is not None)
    context.update(
        cycle=views.cycle_view(year, state), pending=pending,
        committee=views.committee(year, state, context["now"].date()),
        timeline=await run_in_threadpool(views.timeline, ledger_of(request), year),
        forms=FORMS if person else {}, buttons=BUTTONS, role=person.role if person else None,
        hashed={s for s in FORMS
                if "content_hash" in stepping.REQUESTS[CYCLE.name][s].model_fields},
        reports=await run_in_threadpool(process_views.coalition_reports, ledger_of(request), year))
    return render(request, "dashboard.html", context, status, signed_out=lost is not None)


def render(request: Request, name: str, context: dict[str, Any], status: int = 200,
            signed_out: bool = False) -> Response:
    response = templates.TemplateResponse(request, name, context, status_code=status)
    if signed_out:
        response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> Response:
    years = await run_in_threadpool(views.known_years, ledger_of(request))
    return render(request, "index.html", {"years": years, "this_year": datetime.now(UTC).year})


@router.get("/dashboard")
async def pick(year: Annotated[int | None, Query(ge=2011, le=2999)] = None) -> Response:
    return RedirectResponse(f"/dashboard/{year}" if year else "/", status_code=303)


@router.get("/dashboard/{year}", response_class=HTMLResponse)
async def dashboard(request: Request, year: Year) -> Response:
    return await _page(request, year)


def _back(to: str) -> str:
    """Where to go after signing in or out: a path of this site, never elsewhere."""
    return to if to.startswith("/") and not to.startswith("//") and "\\" not in to else "/"


@router.post("/signin")
async def sign_in(request: Request, token: Annotated[str, Form(max_length=200)],
                  back: Annotated[str, Form(alias="next")] = "/") -> Response:
    if not same_origin(request):
        return Response("cross-site sign-in refused", status_code=403)
    try:
        await person_of(request.app.state.people, token.strip())
    except ProblemError as error:
        return render(request, "index.html", {"years": [], "this_year": datetime.now(UTC).year,
                                               "notice": f"Not signed in: {error.detail}"}, 401)
    response = RedirectResponse(_back(back), status_code=303)
    response.set_cookie(COOKIE, token.strip(), max_age=SESSION_SECONDS, path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")
    return response


@router.post("/signout")
async def sign_out(back: Annotated[str, Form(alias="next")] = "/") -> Response:
    response = RedirectResponse(_back(back), status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def not_taken(error: RuleViolation | ValidationError | ProblemError) -> tuple[str, int]:
    """The sentence and status a page shows for a step it could not take: refused by the
    rules (403 for a role that never takes it, else 409), invalid (422), or a problem."""
    if isinstance(error, RuleViolation):
        return f"Refused: {error}", 403 if isinstance(error, stepping.NotPermitted) else 409
    if isinstance(error, ValidationError):
        wrong = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        return f"Not taken: {wrong}.", 422
    return f"Not taken: {error.detail}", error.status


@router.post("/dashboard/{year}/{step}")
async def take_from_dashboard(request: Request, year: Year, step: Step) -> Response:
    """Take ``step`` as the signed-in person, on the work plan the page showed (the one the
    cycle held when it was rendered: a plan changed since is refused, ISU-3)."""
    if not same_origin(request):
        return Response("cross-site step refused", status_code=403)
    if step not in FORMS:
        return await _page(request, year, f"{step.value} cannot be taken from the dashboard; "
                           "use the API or the CLI.", 404)
    person, _ = await signed_in_person(request)
    if person is None:
        return await _page(request, year, "Sign in with your token to take a step.", 401)
    form = await request.form()
    data: dict[str, str | None] = {name: str(form.get(name) or "") for name, _ in FORMS[step]}
    engine = engine_of(request)
    try:
        stepping.permitted(CYCLE, step, person)
        if "content_hash" in stepping.REQUESTS[CYCLE.name][step].model_fields:
            # the plan the page showed (ISU-3: the text seen), or the one the cycle holds now
            data["content_hash"] = str(form.get("content_hash") or "") or (await engine.ask(
                year, lambda c: engine_client.state(c, CYCLE, cycle_id(year)))).draft_hash
            if data["content_hash"] is None:
                return await _page(request, year, "Not taken: the cycle holds no work plan "
                                   "yet.", 409)
        body = stepping.REQUESTS[CYCLE.name][step].model_validate(data)
        engine.recorded(await engine.ask(
            year, lambda c: stepping.take(c, CYCLE, cycle_id(year), step=step,
                                        person=person, request=body)), person)
    except (RuleViolation, ValidationError, ProblemError) as error:
        return await _page(request, year, *not_taken(error))
    return RedirectResponse(f"/dashboard/{year}", status_code=303)
