"""One ``POST`` route per step of any kind of process, with that step's own body, guarded by
its roles before the body is read; its OpenAPI text (who, which rule, what it records); a
stream begun (:func:`begun`); and the engine's answers — the same for a year's cycle, a
coalition and a silence procedure."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client

import stepping
from api.auth import SignedIn, guarded
from api.problems import ProblemError, documented
from api.streams import Served, engine_of, held, ledger_of, on_stream, recorder
from contracts import Receipt
from domain.kinds import Kind
from domain.procedure import ProcedureStep, roles_text
from identities import Person
from reading.streams import streams
from stepping import StepRequest
from stepping.attached import check_attachments

WRITE = documented(401, 403, 404, 409, 413, 422, 503)

def titled(rule: ProcedureStep[Any]) -> str:
    """A step's label as its route's summary: ``Approving the work plan …``."""
    return f"{rule.label[0].upper()}{rule.label[1:]}"


def describe(kind: Kind[Any], step: str, preface: str = "") -> str:
    """What a step's route says: who takes it under which rule, what it records, and its
    body (the request's docstring)."""
    rule, request = kind.by_step[step], stepping.REQUESTS[kind.name][step]
    doc = (request.__doc__ or "").strip()
    return (f"{preface}{titled(rule)}: a step for the {roles_text(rule.roles)} (rule "
            f"{rule.rule_id}). The actor is the token's holder, never the body. "
            f"Records `{rule.event}`.\n\n{doc}").strip()


def permit(kind: Kind[Any], step: str) -> Callable[[Person], None]:
    """The guard's check: ``person``'s role takes ``step`` (403 otherwise)."""
    return lambda person: stepping.permitted(kind, step, person)


def with_body(handler: Callable[..., Any], model: type[BaseModel]) -> None:
    """Give ``handler``'s ``body`` parameter the type ``model``: required, unless the step
    takes no data at all (then the body may be left out, or be ``{}``)."""
    signature = inspect.signature(handler)
    optional = not any(f.is_required() for f in model.model_fields.values())
    parameters = [p.replace(annotation=model | None if optional else model,
                            default=None if optional else inspect.Parameter.empty)
                  if p.name == "body" else p for p in signature.parameters.values()]
    handler.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]


def invalid(error: ValidationError, *where: str | int) -> RequestValidationError:
    """A validation error of data built from the body, answered as the body's (422)."""
    return RequestValidationError([{**e, "loc": ("body", *where, *e["loc"])}
                                   for e in error.errors()])


async def sent(request: Request, person: Person, missing: ProblemError,
               work: Callable[[Client], Awaitable[Receipt]], *, kind: Kind[Any], step: str
               ) -> Receipt:
    """``work`` — ``person``'s ``step`` of a process of ``kind`` — done by the engine (logged
    and counted); a workflow it does not know is ``missing``."""
    engine = engine_of(request)
    return engine.recorded(await engine.ask(work, missing), person, kind.name, step)


async def begun(request: Request, kind: Kind[Any], person: Person, body: StepRequest
                ) -> tuple[str, Receipt]:
    """``person`` begins a stream of ``kind`` with ``body``: its name and its first receipt
    (logged). A cycle opened without a calendar gets the settings' dates; a numbered kind the
    first free number after the streams the ledger holds."""
    ledger, engine = ledger_of(request), engine_of(request)
    settings = engine.settings
    name, receipt = await engine.ask(lambda c: stepping.begin(
        c, kind, person, body, task_queue=settings.task_queue, recorded=recorder(request),
        lead_times=(settings.committee_weeks, settings.reminder_days),
        known=lambda prefix: len(streams(ledger, kind, prefix)),
        signer=request.app.state.signer))
    return name, engine.recorded(receipt, person, kind.name, kind.begins)


def add_step_route(target: APIRouter, path: str, kind: Kind[Any], step: str, *,
                   take: Callable[..., Awaitable[Any]], preface: str = "",
                   response: type[BaseModel] = Receipt, body: type[BaseModel] | None = None
                   ) -> None:
    """``POST <path>`` on ``target``, served by ``take`` with ``step``'s own body (or
    ``body``), guarded by ``step``'s roles."""
    with_body(take, body or stepping.REQUESTS[kind.name][step])
    target.add_api_route(path, take, methods=["POST"], status_code=201, name=step,
                         summary=titled(kind.by_step[step]),
                         description=describe(kind, step, preface), responses=WRITE,
                         response_model=response, route_class_override=guarded(
                             permit(kind, step)))


_PERSON = inspect.Parameter("person", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                            annotation=SignedIn)
_BODY = inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=StepRequest)


def add_step_routes(target: APIRouter, served: Served[Any]) -> None:
    """``POST <one stream>/<step>`` for every later step of the kind. A stream the ledger
    does not record is a 404 before the engine is asked; one it records open whose workflow
    is not running, a 503 that names the repair."""
    for step in served.kind.commands:
        if step != served.kind.begins:
            _add(target, served, step)


def _add(target: APIRouter, served: Served[Any], step: str) -> None:
    kind = served.kind

    async def take(request: Request, stream: str, person: Person, body: StepRequest | None
                   ) -> Receipt:
        await held(request, served, stream)
        given = body if body is not None else stepping.REQUESTS[kind.name][step]()
        # an attachment the store does not hold is refused here, before anything is sent
        await run_in_threadpool(check_attachments, request.app.state.documents, given)
        return await sent(request, person, served.missing(stream), lambda c: stepping.take(
            c, kind, stream, step=step, person=person, request=given,
            recorded=recorder(request), signer=request.app.state.signer), kind=kind, step=step)

    add_step_route(target, f"{served.one}/{step}", kind, step, preface=served.preface,
                   take=on_stream(served, take, _PERSON, _BODY))
