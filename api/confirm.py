"""See, confirm, keep a receipt: a step that decides on the work plan (submits, approves,
returns, sends to the MSP, adopts or rejects it, :data:`reading.workplan.DECIDING`) is never
taken by the button on the cycle's page. The button leads here, to a page that shows the work
plan whole, names it by its full SHA-256 and asks the person to confirm; only the form of that
page, carrying the SHA-256 the person saw (``confirmed_sha256``), records the step
(:func:`confirmed`, checked by :func:`api.dashboard.take`). After it, the step's receipt:
where the ledger recorded it and the attestation, printable and as JSON.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

import stepping
from api.cycles import CYCLES, committee, year_of
from api.pages import BUTTONS, FORMS, PRESENT, not_taken, render, same_origin, signed_in_person
from api.problems import ProblemError
from api.streams import held, ledger_of
from contracts import cycle_id
from domain.errors import RuleViolation
from domain.kinds import CYCLE
from i18n import _
from ledger import Ledger
from reading.receipts import StepReceipt, receipt_of
from reading.workplan import DECIDING, WorkplanDocument, document_of

router = APIRouter(include_in_schema=False)
#: the field of the confirmed form: the SHA-256 of the work plan the person confirmed
CONFIRMED = "confirmed_sha256"
_STREAM = re.compile(r"[a-z0-9][a-z0-9._:-]{0,199}")
Year = Annotated[int, Path(ge=2011, le=2999)]


def document(ledger: Ledger, stream: str) -> WorkplanDocument | None:
    """The cycle's work plan as the ledger records it now."""
    return document_of(year_of(stream), ledger.read_stream(stream))


def confirmed(posted: Any, holds: str | None) -> tuple[str, int] | None:
    """Why a deciding step posted with ``posted`` may not be recorded — no confirmation (400),
    or one of another text than the draft the cycle ``holds`` now (409) — in one sentence;
    ``None`` if it confirms exactly that text."""
    given = str(posted.get(CONFIRMED) or "").strip().lower()
    if not given:
        return _("Not taken: a decision on the work plan is recorded only once you have read "
                 "it and confirmed its SHA-256 on the confirmation page."), 400
    if holds is None or given != holds:
        return _("Not taken: you confirmed the work plan with SHA-256 {given}, but the cycle "
                 "now holds {holds}; read it again and confirm the text it holds.").format(
                     given=given[:64], holds=holds or _("no work plan")), 409
    return None


async def _confirm(request: Request, year: int, step: str) -> Response:
    stream = cycle_id(year)
    at = f"/dashboard/{year}"
    person, lost = await signed_in_person(request)
    if request.method == "POST" and not same_origin(request):
        return Response("cross-site step refused", status_code=403)
    context: dict[str, Any] = {"stream": stream, "year": year, "at": at, "step": step,
                               "person": person, "notice": lost, "buttons": BUTTONS}
    form = FORMS[CYCLE.name].get(step)
    if step not in DECIDING or form is None:
        return render(request, "confirm.html", {**context, "missing": _(
            "{step} is no decision on the work plan.").format(step=step)}, 404)
    if person is None:
        return render(request, "confirm.html", {**context, "missing": _(
            "Sign in with your token to take a step.")}, 401)
    try:
        stepping.permitted(CYCLE, step, person)
        state = await held(request, CYCLES, stream)
    except (RuleViolation, ProblemError) as error:
        sentence, status = not_taken(error)
        return render(request, "confirm.html", {**context, "missing": sentence}, status)
    found = await run_in_threadpool(document, ledger_of(request), stream)
    if found is None or state.draft_hash is None:
        return render(request, "confirm.html", {**context, "missing": _(
            "Not taken: the {year} cycle holds no work plan yet.").format(year=year)}, 409)
    given = await request.form() if request.method == "POST" else request.query_params
    chosen = [str(code) for code in given.getlist(PRESENT)]
    context.update(
        form=form, document=found, seen=state.draft_hash, rule=CYCLE.by_step[step],
        values={name: str(given.get(name) or "") for name, _n, _m in form.fields},
        present=chosen, confirmed_field=CONFIRMED,
        committee=committee(year, state, datetime.now(UTC).date()) if form.present else None)
    return render(request, "confirm.html", context)


@router.get("/dashboard/{year}/{step}/confirm", response_class=HTMLResponse)
async def confirm_page(request: Request, year: Year, step: str) -> Response:
    return await _confirm(request, year, step)


@router.post("/dashboard/{year}/{step}/confirm", response_class=HTMLResponse)
async def confirm_posted(request: Request, year: Year, step: str) -> Response:
    """The cycle page's form, posted: the same page, with what the person gave filled in."""
    return await _confirm(request, year, step)


async def _receipt(request: Request, stream: str, event_id: str) -> StepReceipt:
    if not _STREAM.fullmatch(stream) or not re.fullmatch(r"[0-9a-f-]{36}", event_id):
        raise ProblemError(404, "no-such-event", _("The ledger records no such event."))
    found = await run_in_threadpool(receipt_of, ledger_of(request), stream, event_id)
    if found is None:
        raise ProblemError(404, "no-such-event", _("The ledger records no event {event} in "
                                                   "{stream}.").format(event=event_id,
                                                                       stream=stream))
    return found


@router.get("/dashboard/receipts/{stream}/{event_id}.json")
async def receipt_json(request: Request, stream: str, event_id: str) -> Response:
    """The receipt as JSON, to download and keep."""
    try:
        found = await _receipt(request, stream, event_id)
    except ProblemError as error:
        return JSONResponse({"detail": error.detail}, status_code=error.status)
    return JSONResponse(found.model_dump(mode="json"), headers={
        "Content-Disposition": f'attachment; filename="receipt-{stream}-{found.version}.json"'})


@router.get("/dashboard/receipts/{stream}/{event_id}", response_class=HTMLResponse)
async def receipt_page(request: Request, stream: str, event_id: str) -> Response:
    """The receipt of one recorded step: printable (its own print style sheet)."""
    person, lost = await signed_in_person(request)
    context: dict[str, Any] = {"person": person, "notice": lost, "stream": stream}
    try:
        found = await _receipt(request, stream, event_id)
    except ProblemError as error:
        return render(request, "receipt.html", {**context, "missing": error.detail},
                      error.status)
    return render(request, "receipt.html", {**context, "receipt": found, "back": _page_of(stream)})


def _page_of(stream: str) -> str:
    """The dashboard's page of ``stream``."""
    for prefix, path in (("cycle-", "/dashboard/"), ("coalition-", "/dashboard/coalitions/"),
                         ("silence-", "/dashboard/silence/")):
        if stream.startswith(prefix):
            return path + (stream.removeprefix(prefix) if prefix == "cycle-" else stream)
    return "/"
