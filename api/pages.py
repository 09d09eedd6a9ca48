"""What every page of the dashboard shares: its templates (Jinja2, no JavaScript), the signed-in
person, signing in and out, the form of each step a page offers (:data:`FORMS`) and the sentence
it shows for a step it could not take; the front page, which lists the years' cycles.

Signing in posts the token once (counted per address and per person, :mod:`api.throttle`) and
opens a session kept server-side (:class:`identities.Sessions`): the HttpOnly, SameSite=Strict
cookie holds the session's random id, never the token, and is ``Secure`` whenever the request
came over https (behind a trusted proxy, as it says). A page that changes anything takes no
request from another site (:func:`same_origin`); signing out, which ends the session, also
needs the form's ``csrf`` value, which only a page of the session carries.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
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
from api import i18n_env
from api.auth import person_of
from api.cycles import known_years, name_of
from api.language import follow_person
from api.metrics import refused
from api.notices import notices_shown
from api.problems import ProblemError
from api.streams import ledger_of
from api.throttle import SignInLimits
from domain.errors import RuleViolation
from domain.kinds import KINDS
from domain.limits import DEFAULT, Most
from i18n import _
from i18n.refusals import source_text, told
from identities import Person, Sessions, Unauthenticated, csrf_of
from reading import words
from reading.sentences import sentence
from reading.tasks import tasks_of
from stepping import StepRequest

COOKIE = "intersessional_session"
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
templates.env.globals["name_of"] = name_of  # a State or an organisation by name
# every text a page shows goes through the i18n package's catalogs ({{ _("…") }}); lang, dir
# and languages for <html> and the language switcher
templates.env.globals["notices_shown"] = notices_shown  # the notices pending (_notices.html)
i18n_env.install(templates.env)
# the engine's names in plain words, money and days by the language of the moment
templates.env.globals.update(
    sentence=sentence, role_words=words.role, phase_words=words.phase, status_words=words.status,
    deadline_words=words.deadline, letter_words=words.letter, state_words=words.state,
    money=words.money, day=words.day)


#: the field of a committee's decision naming the members present (CC-5): a page asks for it
#: as the committee sitting that day, one checkbox a seat
PRESENT = "present"
#: the field naming a silence procedure the committee decided by (CC-5): the dashboard records
#: a decision taken at a meeting, with the members present; one by silence is taken through
#: the API (``by_silence``), naming the procedure
BY_SILENCE = "by_silence"


@dataclass(frozen=True)
class StepForm:
    """What a page asks for to take a step: its text fields (name, required, the most
    characters it holds), whether it carries the hash of the text the page shows, and whether
    it asks who of the committee is present (CC-5)."""

    fields: tuple[tuple[str, bool, int], ...]
    hashed: bool
    present: bool = False


def form_of(request: type[StepRequest]) -> StepForm | None:
    """The form of a step whose request is text besides a ``content_hash`` and the members
    ``present``; ``None`` for a step that needs more (an election, a work plan, a charter…)."""
    fields = request.model_fields
    text = [name for name in fields if name not in ("content_hash", PRESENT, BY_SILENCE)]
    if not all(fields[name].annotation is str for name in text):
        return None
    return StepForm(tuple((name, fields[name].is_required(), _most(fields[name].metadata))
                          for name in text), "content_hash" in fields, PRESENT in fields)


def _most(metadata: list[Any]) -> int:
    """The most characters a field holds (:mod:`domain.limits`), as its input's maxlength."""
    found = [m.chars for m in metadata if isinstance(m, Most)]
    found += [int(m.max_length) for m in metadata if getattr(m, "max_length", None)]
    return min(found or [DEFAULT.chars])


#: for each kind (by name), the steps the dashboard offers, with their forms (a beginning is
#: never one: it names no stream yet)
FORMS: dict[str, dict[str, StepForm]] = {
    name: {step: form for step, request in stepping.REQUESTS[name].items()
           if step != kind.begins and (form := form_of(request)) is not None}
    for name, kind in KINDS.items()}
#: the words on a step's button (its name, where none is given)
BUTTONS = {"hold_meeting": "Record as held", "dispense_with_meeting": "Dispense with it",
           "submit_workplan_to_committee": "Submit to the committee",
           "approve_workplan": "Approve", "return_workplan": "Return for revision",
           "send_workplan_to_msp": "Submit to the MSP", "adopt_workplan": "Record adoption",
           "reject_workplan": "Record rejection",
           "agree_to_co_coordinate": "Agree to co-coordinate",
           "record_departure": "Record the departure", "close_coalition": "Close the coalition",
           "break_silence": "Break silence", "withdraw_text": "Withdraw the text"}


def render(request: Request, name: str, context: dict[str, Any], status: int = 200,
           signed_out: bool = False) -> Response:
    """The template ``name`` with ``context``; the cookie dropped if ``signed_out``."""
    session = request.cookies.get(COOKIE)
    csrf = csrf_of(session) if session and not signed_out else None
    response = templates.TemplateResponse(request, name, {"csrf": csrf, **context},
                                          status_code=status)
    if signed_out:
        response.delete_cookie(COOKIE, path="/")
    return response


async def signed_in_person(request: Request) -> tuple[Person | None, str | None]:
    """The signed-in person, or ``None`` and why (a session ended or expired, a token revoked
    since signing in)."""
    session = request.cookies.get(COOKIE)
    if not session:
        return None, None
    sessions: Sessions = request.app.state.sessions
    try:
        person = await run_in_threadpool(sessions.person_of, session)
    except Unauthenticated as error:
        return None, _("You were signed out: {reason}").format(reason=error)
    follow_person(request, person.language)
    return person, None


def same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is None or urlsplit(origin).netloc == request.headers.get("host")


class Notice(str):
    """A page's sentence; for a refusal, ``quoted`` is its rule's source paragraph, in the
    seeds' Chinese and in the reader's language (``i18n.refusals.source_text``)."""

    quoted: dict[str, str] | None = None


def not_taken(error: RuleViolation | ValidationError | ProblemError) -> tuple[str, int]:
    """The sentence and status a page shows for a step it could not take: refused by the
    rules (403 for a role that never takes it, else 409), invalid (422), or a problem."""
    if isinstance(error, RuleViolation):
        refused(error.rule_id)
        said = Notice(_("Refused: {refusal}").format(refusal=told(error)))
        said.quoted = source_text(error.source)
        return said, 403 if isinstance(error, stepping.NotPermitted) else 409
    if isinstance(error, ValidationError):  # a field over its limit: its sentence names it
        wrong = "; ".join(e["msg"].rstrip(".") if e["type"] == "over_limit"
                          else f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                          for e in error.errors())
        return _("Not taken: {reason}.").format(reason=wrong), 422
    return _("Not taken: {reason}").format(reason=error.detail), error.status


@router.get("/", response_class=HTMLResponse)
async def index(request: Request) -> Response:
    return await _front(request)


async def _front(request: Request, notice: str | None = None, status: int = 200) -> Response:
    """The front page: the years' cycles, who is signed in, and ``notice`` if given."""
    person, lost = await signed_in_person(request)
    ledger = ledger_of(request)
    years = await run_in_threadpool(known_years, ledger)
    today = datetime.now(UTC).date()
    tasks = None if person is None else await run_in_threadpool(tasks_of, ledger, person, today)
    return render(request, "index.html", {"years": years, "this_year": today.year,
                                          "person": person, "tasks": tasks,
                                          "notice": notice or lost}, status,
                  signed_out=lost is not None)


@router.get("/dashboard")
async def pick(year: Annotated[int | None, Query(ge=2011, le=2999)] = None) -> Response:
    return RedirectResponse(f"/dashboard/{year}" if year else "/", status_code=303)


def _back(to: str) -> str:
    """Where to go after signing in or out: a path of this site, never elsewhere."""
    return to if to.startswith("/") and not to.startswith("//") and "\\" not in to else "/"


@router.post("/signin")
async def sign_in(request: Request, token: Annotated[str, Form(max_length=200)],
                  back: Annotated[str, Form(alias="next")] = "/") -> Response:
    if not same_origin(request):
        return Response("cross-site sign-in refused", status_code=403)
    limits: SignInLimits = request.app.state.signins
    if (too_many := limits.address(request.client.host if request.client else "")) is not None:
        return await _front(request, f"Sign-in refused: {too_many}", 429)
    try:
        person = await person_of(request.app.state.people, token.strip())
    except ProblemError as error:
        return await _front(request, f"Sign-in failed: {error.detail}", 401)
    if (too_many := limits.person(person.id)) is not None:
        return await _front(request, f"Sign-in refused: {too_many}", 429)
    sessions: Sessions = request.app.state.sessions
    session = await run_in_threadpool(sessions.open, person)
    response = RedirectResponse(_back(back), status_code=303)
    response.set_cookie(COOKIE, session, max_age=request.app.state.settings.session_hours * 3600,
                        path="/", httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


@router.post("/signout")
async def sign_out(request: Request, csrf: Annotated[str, Form(max_length=100)] = "",
                   back: Annotated[str, Form(alias="next")] = "/") -> Response:
    """End the session, for good (its row is revoked), and drop the cookie."""
    session = request.cookies.get(COOKIE)
    if not same_origin(request) or (
            session and not hmac.compare_digest(csrf.encode(), csrf_of(session).encode())):
        return Response("cross-site sign-out refused", status_code=403)
    if session:
        sessions: Sessions = request.app.state.sessions
        await run_in_threadpool(sessions.revoke, session)
    response = RedirectResponse(_back(back), status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")
    return response
