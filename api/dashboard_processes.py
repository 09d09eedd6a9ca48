"""The dashboard's pages of the country coalitions and the silence procedures: a list of
each, and a page per coalition or procedure (its state folded from the ledger, the steps open,
the timeline), where a signed-in person takes the steps that need only a sentence — agree,
record a departure, close, break silence, withdraw — judged exactly as through the API.

Its router is included before :mod:`api.dashboard`'s, whose ``/dashboard/{year}`` would
otherwise take ``coalitions`` for a year.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

import stepping
from api import coalitions, process_views, silence, views
from api.coalitions import CoalitionId
from api.dashboard import not_taken, render, same_origin, signed_in_person
from api.problems import ProblemError
from api.silence import EXTENSION as MARKED_EXTENSION
from api.silence import ProcedureId
from api.steps import ledger_of, sent
from domain import coalition_state, procedure
from domain import silence as silence_rules
from domain.convention import Role
from domain.errors import RuleViolation
from domain.kinds import COALITION, SILENCE, Kind

router = APIRouter(include_in_schema=False)


def _process_forms(kind: Kind[Any]) -> dict[str, list[tuple[str, bool]]]:
    """The steps of a coalition or a procedure whose request is only text (or nothing), with
    their fields (name, required)."""
    found = {}
    for name, request in stepping.REQUESTS[kind.name].items():
        fields = request.model_fields
        if all(info.annotation is str for info in fields.values()):
            found[name] = [(field, info.is_required()) for field, info in fields.items()]
    return found


#: the coalition's and the procedure's steps the dashboard offers, with the text each asks for
COALITION_FORMS = _process_forms(COALITION)
SILENCE_FORMS = _process_forms(SILENCE)
EXTENSION = MARKED_EXTENSION.replace("**", "")  # the API's Markdown, as plain text
PROCESS_BUTTONS = {"agree_to_co_coordinate": "Agree to co-coordinate",
                   "record_departure": "Record the departure",
                   "close_coalition": "Close the coalition", "break_silence": "Break silence",
                   "withdraw_text": "Withdraw the text"}


@router.get("/dashboard/coalitions", response_class=HTMLResponse)
async def coalition_list(request: Request) -> Response:
    person, lost = await signed_in_person(request)
    found = await run_in_threadpool(process_views.coalitions, ledger_of(request))
    return render(request, "coalitions.html", {"coalitions": found, "person": person,
                                                "notice": lost, "name_of": views.name_of},
                   signed_out=lost is not None)


@router.get("/dashboard/coalitions/{coalition}", response_class=HTMLResponse)
async def coalition_page(request: Request, coalition: CoalitionId) -> Response:
    return await _coalition_page(request, coalition)


@router.get("/dashboard/silence", response_class=HTMLResponse)
async def silence_list(request: Request) -> Response:
    person, lost = await signed_in_person(request)
    found = await run_in_threadpool(process_views.silence_procedures, ledger_of(request))
    return render(request, "silence_list.html", {"procedures": found, "person": person,
                                                  "notice": lost, "extension": EXTENSION},
                   signed_out=lost is not None)


@router.get("/dashboard/silence/{procedure}", response_class=HTMLResponse)
async def silence_page(request: Request, procedure: ProcedureId) -> Response:
    return await _silence_page(request, procedure)


async def _coalition_page(request: Request, coalition: str, notice: str | None = None,
                          status: int = 200) -> Response:
    person, lost = await signed_in_person(request)
    context: dict[str, Any] = {"coalition": coalition, "person": person,
                               "notice": notice or lost, "name_of": views.name_of}
    ledger = ledger_of(request)
    try:
        state = await run_in_threadpool(coalitions.folded, ledger, coalition)
    except ProblemError as error:
        context.update(missing=error.detail)
        return render(request, "coalition.html", context, max(status, error.status),
                       signed_out=lost is not None)
    # a delegate is offered the steps of a coalition their State co-coordinates (CK-2)
    speaks = person is not None and (person.role is not Role.DELEGATE
                                     or person.represents in state.co_coordinators)
    context.update(
        view=process_views.coalition_view(coalition, state),
        pending=procedure.open_steps(coalition_state.STEPS, state),
        timeline=await run_in_threadpool(process_views.stream_timeline, ledger, coalition),
        forms=COALITION_FORMS if speaks else {}, buttons=PROCESS_BUTTONS,
        role=person.role if person else None)
    return render(request, "coalition.html", context, status, signed_out=lost is not None)


async def _silence_page(request: Request, procedure_id: str, notice: str | None = None,
                        status: int = 200) -> Response:
    person, lost = await signed_in_person(request)
    context: dict[str, Any] = {"procedure": procedure_id, "person": person,
                               "notice": notice or lost, "name_of": views.name_of,
                               "extension": EXTENSION}
    ledger = ledger_of(request)
    try:
        state = await run_in_threadpool(silence.folded, ledger, procedure_id)
    except ProblemError as error:
        context.update(missing=error.detail)
        return render(request, "silence.html", context, max(status, error.status),
                       signed_out=lost is not None)
    context.update(
        view=process_views.silence_view(procedure_id, state),
        pending=procedure.open_steps(silence_rules.STEPS, state),
        timeline=await run_in_threadpool(process_views.stream_timeline, ledger, procedure_id),
        forms=SILENCE_FORMS if person else {}, buttons=PROCESS_BUTTONS,
        role=person.role if person else None)
    return render(request, "silence.html", context, status, signed_out=lost is not None)


PageOf = Callable[[Request, str, str | None, int], Awaitable[Response]]


async def _take_process(request: Request, stream: str, name: str, *,
                        kind: Kind[Any],
                        forms: dict[str, list[tuple[str, bool]]], page: PageOf,
                        folded: Callable[[Any, str], object], missing: ProblemError) -> Response:
    """Take the step ``name`` of ``stream`` as the signed-in person, with the text posted."""
    if not same_origin(request):
        return Response("cross-site step refused", status_code=403)
    if name not in forms:
        return await page(request, stream, f"{name} cannot be taken from the dashboard; use "
                          "the API or the CLI.", 404)
    person, _ = await signed_in_person(request)
    if person is None:
        return await page(request, stream, "Sign in with your token to take a step.", 401)
    form = await request.form()
    data = {field: str(form.get(field) or "") for field, _ in forms[name]}
    try:
        stepping.permitted(kind, name, person)
        body = stepping.REQUESTS[kind.name][name].model_validate(data)
        await run_in_threadpool(folded, ledger_of(request), stream)
        await sent(request, person, missing, lambda c: stepping.take(
            c, kind, stream, step=name, person=person, request=body))
    except (RuleViolation, ValidationError, ProblemError) as error:
        return await page(request, stream, *not_taken(error))
    return RedirectResponse(str(request.url.path).rsplit("/", 1)[0], status_code=303)


@router.post("/dashboard/coalitions/{coalition}/{step}")
async def take_coalition_step(request: Request, coalition: CoalitionId, step: str) -> Response:
    return await _take_process(request, coalition, step, kind=COALITION,
                               forms=COALITION_FORMS, page=_coalition_page,
                               folded=coalitions.folded, missing=coalitions.missing(coalition))


@router.post("/dashboard/silence/{procedure}/{step}")
async def take_silence_step(request: Request, procedure: ProcedureId, step: str) -> Response:
    return await _take_process(request, procedure, step, kind=SILENCE,
                               forms=SILENCE_FORMS, page=_silence_page,
                               folded=silence.folded, missing=silence.missing(procedure))
