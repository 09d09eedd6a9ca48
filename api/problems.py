"""Every error as RFC 9457 ``application/problem+json``: ``type``, ``title``, ``status``,
``detail``, and for a refusal the ``rule_id`` and the ``source`` paragraph it cites.

A refusal's ``detail`` is in the request's language (:mod:`api.language`); ``template`` and
``values`` are its English sentence before the values were put in, and ``source_text`` quotes
the paragraph it cites in the seeds' original Chinese (``zh``) and in the request's language.

- 400 ``/problems/unknown-language``: ``?lang=`` names none of the UN's six languages

- 401 ``/problems/unauthenticated``: no token, or one that opens nothing (``WWW-Authenticate``)
- 403 ``/problems/not-permitted``: the person's role never takes this step (auditors: none)
- 404 ``/problems/no-such-cycle``: the ledger records no cycle of that year
- 404 ``/problems/no-such-coalition``, ``/problems/no-such-procedure``: the ledger records none
- 404 ``/problems/no-such-document``: the document store holds no document of that SHA-256
- 409 ``/problems/refused``: the rules refuse the step now, with this data
- 409 ``/problems/ledger-not-intact``: an audit found the ledger tampered with, or a stream's
  recorded events no longer fold under the rules
- 413 ``/problems/too-large``: the body, or the step it carries, is over its limit
  (:mod:`domain.limits`; a body is refused before it is read, by :mod:`api.bodies`)
- 415 ``/problems/document-refused``: an upload is not a document the store takes (judged by
  its content: PDF, DOCX, ODT, plain UTF-8 text)
- 422 ``/problems/attachment-not-held``: a step attaches a document the store does not hold
- 422 ``/problems/invalid-request``: the request is not what the operation takes; a text or a
  list over its limit is one, and ``detail`` names the field and the limit
- 503 ``/problems/engine-unavailable``: Temporal, a worker or the ledger did not answer
- 503 ``/problems/workflow-not-running``: the ledger holds the process open, but its workflow
  is not running (``Retry-After``; `intersessional engine recover` restarts it)
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

import i18n
from api.metrics import refused
from documents import DocumentRefused, NotHeld
from documents import TooLarge as DocumentTooLarge
from domain.errors import RuleViolation
from domain.limits import OverLimit, TooLarge
from domain.rules import summary_of
from i18n.refusals import source_text, told
from reading.streams import NotFoldable
from stepping import NotPermitted
from stepping.attached import AttachmentNotHeld

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("intersessional.api")

#: kind -> (title, what it means); ``type`` is ``/problems/<kind>``, served by the API
KINDS: dict[str, tuple[str, str]] = {
    "unauthenticated": ("Unauthenticated", "Send `Authorization: Bearer <token>` with a token "
                        "the ISU issued (`intersessional users add`) and has not revoked."),
    "not-permitted": ("Not permitted", "The role of the person the token belongs to never "
                      "takes this step; auditors take none. `rule_id` names the rule."),
    "refused": ("Refused by the rules", "The rules refuse this step now, with this data; "
                "nothing was recorded. `rule_id` and `source` name the rule and its paragraph."),
    "no-such-cycle": ("No such cycle", "The ledger records no cycle of that year; "
                      "`POST /cycles` opens one."),
    "no-such-coalition": ("No such coalition", "The ledger records no coalition of that id; "
                          "`GET /coalitions` lists them, `POST /coalitions` identifies a "
                          "candidate."),
    "no-such-procedure": ("No such silence procedure", "The ledger records no silence "
                          "procedure of that id; `GET /silence` lists them, `POST /silence` "
                          "circulates a text."),
    "no-such-calendar": ("No such calendar", "No one's calendar has that address; ask the ISU "
                         "for yours (`intersessional users calendar-url`)."),
    "no-such-document": ("No such document", "The document store holds no document of that "
                         "SHA-256; `POST /documents` uploads one."),
    "document-refused": ("Document refused", "The file is not a document the store takes, "
                         "judged by its content, not its name: PDF, DOCX, ODT or plain UTF-8 "
                         "text. Nothing was stored."),
    "attachment-not-held": ("Attachment not held", "The step attaches a document the store "
                            "does not hold (or holds as another file): upload it first with "
                            "`POST /documents`. Nothing was recorded."),
    "ledger-not-intact": ("Ledger not intact", "The ledger's events are not those recorded: "
                          "`detail` names the first altered, deleted, inserted or reordered "
                          "event (`intersessional audit verify` says the same)."),
    "unknown-language": ("Unknown language", "`?lang=` names a language that is not one of "
                         "the six of the United Nations (ar, zh, en, fr, ru, es)."),
    "invalid-request": ("Invalid request", "The request is not what the operation takes; "
                        "`errors` says where. A text or a list over its limit is named with "
                        "its limit in `detail`."),
    "too-large": ("Content too large", "The request's body, or the step it carries, is larger "
                  "than the API takes; `detail` names the limit. Nothing was recorded."),
    "engine-unavailable": ("Engine unavailable", "The engine (Temporal, its worker or the "
                           "ledger) could not be reached, or did not answer in time; a step "
                           "that timed out may still be recorded: read the timeline before "
                           "sending it again."),
    "workflow-not-running": ("Workflow not running", "The ledger holds this process open and "
                             "the rules would take the step, but its workflow is not running "
                             "(terminated, failed, reset away, or Temporal's database lost); "
                             "nothing was recorded. `intersessional engine recover` restarts "
                             "it from the ledger; send the step again after that."),
}


class FieldError(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = Field(description="URI reference naming the kind of problem")
    title: str
    status: int
    detail: str
    rule_id: str | None = Field(default=None, description="the rule a refusal cites")
    source: str | None = Field(default=None, description="the paragraph the rule comes from")
    rule: str | None = Field(default=None, description="the rule's one-line summary, in the "
                             "request's language")
    source_text: dict[str, str] | None = Field(
        default=None, description="a refusal's source paragraph: the seeds' Chinese (`zh`) and "
        "the request's language")
    template: str | None = Field(default=None, description="a refusal's English sentence "
                                 "with its values named, for a client's own translation")
    values: dict[str, str] | None = Field(default=None, description="the template's values")
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """Raise to answer with a problem of ``kind`` (a key of :data:`KINDS`)."""

    def __init__(self, status: int, kind: str, detail: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.kind, self.detail, self.headers = status, kind, detail, headers or {}


def problem(status: int, kind: str | None, detail: str, headers: dict[str, str] | None = None,
            **extra: Any) -> JSONResponse:
    title = KINDS[kind][0] if kind else HTTPStatus(status).phrase
    body = {"type": f"/problems/{kind}" if kind else "about:blank", "title": title,
            "status": status, "detail": detail,
            **{k: v for k, v in extra.items() if v is not None}}
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def documented(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route that may answer with these problems."""
    schema = {"$ref": "#/components/schemas/Problem"}
    return {status: {"description": HTTPStatus(status).phrase,
                     "content": {PROBLEM_JSON: {"schema": schema}}} for status in statuses}


async def _problem_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ProblemError)
    return problem(error.status, error.kind, error.detail, error.headers)


async def _refusal(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RuleViolation)
    status, kind = (403, "not-permitted") if isinstance(error, NotPermitted) else (409, "refused")
    refused(error.rule_id)
    return problem(status, kind, told(error), rule_id=error.rule_id, source=error.source,
                   rule=i18n._(summary_of(error.rule_id)),
                   source_text=source_text(error.source), template=error.template,
                   values=error.values)


def _located(e: Any) -> list[str | int]:
    """Where an error is: for a field over its limit, the whole path to the text or list."""
    loc = list(e.get("loc", ()))
    if e.get("type") == "over_limit":  # stepping.StepRequest: the field's path from the body
        loc = [*loc[:-1], *e.get("ctx", {}).get("field", loc[-1:])]
    return [p if isinstance(p, int) else str(p) for p in loc]


async def _invalid(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    errors = [{"loc": _located(e), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
              for e in error.errors()]
    over = [e["msg"] for e in errors if e["type"] in _OVER]
    where = ", ".join(".".join(map(str, e["loc"])) for e in errors[:3])
    detail = (f"{len(errors)} problem(s) in the request" + (f", at {where}" if where else "")
              + (f": {over[0]}" if over else "."))
    return problem(422, "invalid-request", detail, errors=errors)


#: pydantic's own types of a text or a list over its limit, and stepping's
_OVER = {"over_limit", "string_too_long", "too_long"}


async def _over_limit(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, OverLimit)
    if isinstance(error, TooLarge):
        return problem(413, "too-large", str(error))
    return problem(422, "invalid-request", str(error),
                   errors=[{"loc": ["body", *error.field], "msg": str(error),
                            "type": "over_limit"}])


async def _http(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    if error.status_code == 400:  # FastAPI's only 400: a body it could not parse (not UTF-8…)
        return problem(422, "invalid-request", f"the body could not be read: {error.detail}.",
                       errors=[{"loc": ["body"], "msg": str(error.detail), "type": "body_parse"}])
    if error.status_code == 413:  # api.bodies: a body counted past its limit as it arrived
        return problem(413, "too-large", str(error.detail), {"Connection": "close"})
    return problem(error.status_code, None, str(error.detail), dict(error.headers or {}))


async def _not_foldable(_: Request, error: Exception) -> JSONResponse:
    return problem(409, "ledger-not-intact", str(error))


async def _attachment(_: Request, error: Exception) -> JSONResponse:
    return problem(422, "attachment-not-held", f"{error} Nothing was recorded.")


async def _document(_: Request, error: Exception) -> JSONResponse:
    if isinstance(error, NotHeld):
        return problem(404, "no-such-document", str(error))
    if isinstance(error, DocumentTooLarge):
        return problem(413, "too-large", f"{error} Nothing was stored.")
    return problem(415, "document-refused", f"{error} Nothing was stored.")


async def _database(_: Request, error: Exception) -> JSONResponse:
    log.error("ledger database error: %s", error)
    return problem(503, "engine-unavailable", "the ledger's database could not be read; is it "
                   "reachable and migrated (`intersessional db upgrade`)?")


async def _unexpected(_: Request, error: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=error)
    return problem(500, None, "the server failed to answer this request; it has been logged.")


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` as problem+json."""
    app.add_exception_handler(ProblemError, _problem_error)
    app.add_exception_handler(RuleViolation, _refusal)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(NotFoldable, _not_foldable)
    app.add_exception_handler(OverLimit, _over_limit)
    app.add_exception_handler(AttachmentNotHeld, _attachment)
    app.add_exception_handler(DocumentRefused, _document)
    app.add_exception_handler(NotHeld, _document)
    app.add_exception_handler(SQLAlchemyError, _database)
    app.add_exception_handler(Exception, _unexpected)
