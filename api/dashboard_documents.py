"""The cycle page's documents: a signed-in person who takes steps uploads a file there
(``POST /dashboard/{year}/documents``); the ISU's upload is attached to the work plan's
current draft, by redrafting it with the document added (ISU-2: only while the plan is a draft
or returned for revision — the rules judge it as any draft). Anyone reads the attachments the
page lists and downloads them from ``/documents/{sha256}``.

A file the store refuses is one sentence on the page, nothing stored, nothing recorded; a
stored file whose draft the rules refuse stays stored (the same bytes are a no-op) and the page
says why it was not attached.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Path, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

import stepping
from api.cycles import CYCLES
from api.dashboard import PAGES, show
from api.documents import keep, store_of
from api.pages import not_taken, same_origin, signed_in_person
from api.problems import ProblemError
from api.steps import sent
from api.streams import held, recorder
from contracts import cycle_id
from documents import Stored
from domain.attachments import Attachment
from domain.convention import Role
from domain.errors import RuleViolation
from domain.state import WorkplanStatus
from i18n import _
from identities import Person

router = APIRouter(include_in_schema=False)
PAGE = next(page for page in PAGES if page.served is CYCLES)
#: the work plan's statuses in which the ISU may redraft it (``domain.steps``)
DRAFTING = (WorkplanStatus.DRAFT, WorkplanStatus.RETURNED)


async def _attach(request: Request, person: Person, stream: str, state: Any,
                  stored: Stored) -> None:
    """Redraft the work plan with ``stored`` attached (a refusal raised as the rules say)."""
    plan = state.workplan
    if any(a.sha256 == stored.sha256 for a in plan.attachments):
        return  # attached already: nothing to record
    attachment = Attachment.model_validate(vars(stored))
    body = stepping.REQUESTS["cycle"]["draft_workplan"].model_validate(
        {"workplan": plan.model_copy(update={"attachments": (*plan.attachments, attachment)})})
    await sent(request, person, CYCLES.missing(stream), lambda c: stepping.take(
        c, CYCLES.kind, stream, step="draft_workplan", person=person, request=body,
        recorded=recorder(request), signer=request.app.state.signer),
        kind=CYCLES.kind, step="draft_workplan")


@router.post("/dashboard/{year}/documents")
async def upload(request: Request, year: Annotated[int, Path(ge=2011, le=2999)],
                 file: Annotated[UploadFile, File()]) -> Response:
    stream = cycle_id(year)
    if not same_origin(request):
        return Response("cross-site upload refused", status_code=403)
    person, _lost = await signed_in_person(request)
    if person is None:
        return await show(request, PAGE, stream, _("Sign in with your token to upload a "
                                                    "document."), 401)
    if person.role is Role.AUDITOR:
        return await show(request, PAGE, stream, _("An auditor reads the record and uploads "
                                                   "no document."), 403)
    try:
        state = await held(request, CYCLES, stream)  # 404 before anything is kept
        stored = await keep(store_of(request), file)
    except ProblemError as error:
        return await show(request, PAGE, stream, _("Not stored: {why}").format(
            why=error.detail), error.status)
    if (person.role is Role.ISU and state.workplan is not None
            and state.workplan_status in DRAFTING):
        try:
            await _attach(request, person, stream, state, stored)
        except (RuleViolation, ValidationError, ProblemError) as error:
            why, status = not_taken(error)
            return await show(request, PAGE, stream, _(
                "{name} is stored (sha256 {sha}…) but not attached to the work plan: {why}"
            ).format(name=stored.filename, sha=stored.sha256[:12], why=why), status)
    return RedirectResponse(f"/dashboard/{year}?uploaded={stored.sha256}#documents",
                            status_code=303)
