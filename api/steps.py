"""One ``POST`` route per step of any kind of process, with that step's own body, guarded by
its roles before the body is read; its OpenAPI text (who, which rule, what it records); and the
engine's answers — the same for a year's cycle, a coalition and a silence procedure."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

import stepping
from api.auth import guarded, signed_in
from api.engine import Engine
from api.problems import ProblemError, documented
from contracts import Receipt
from domain.kinds import Kind
from domain.procedure import ProcedureStep, roles_text
from identities import Person
from ledger import Ledger
from stepping import StepRequest

WRITE = documented(401, 403, 404, 409, 422, 503)
#: the person a step's token names (a guarded route has authenticated them already)
SignedIn = Annotated[Person, Depends(signed_in)]


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def ledger_of(request: Request) -> Ledger:
    ledger: Ledger = request.app.state.ledger
    return ledger


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


async def sent(request: Request, person: Person, missing: ProblemError | None,
               work: Callable[[Client], Awaitable[Receipt]]) -> Receipt:
    """``work`` done by the engine for ``person`` (logged); a workflow it does not know is
    ``missing``."""
    async def asked(client: Client) -> Receipt:
        try:
            return await work(client)
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND and missing is not None:
                raise missing from None
            raise
    engine = engine_of(request)
    return engine.recorded(await engine.ask(None, asked), person)


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


Stream = Callable[..., Awaitable[str]]


def add_step_routes(target: APIRouter, path: str, kind: Kind[Any], *, stream: Stream,
                    missing: Callable[[str], ProblemError], preface: str = "") -> None:
    """``POST <path>/<step>`` for every later step of ``kind``. ``stream(request, …)`` names
    the stream from the path (answering 404 for one the ledger does not hold); its other
    parameters become the route's path parameters. An engine that holds no such stream
    answers ``missing(stream)``."""
    for step in kind.commands:
        if step != kind.begins:
            _add(target, f"{path}/{step}", (kind, step), stream, missing=missing,
                 preface=preface)


def _add(target: APIRouter, path: str, taken: tuple[Kind[Any], str], stream: Stream, *,
         missing: Callable[[str], ProblemError], preface: str) -> None:
    kind, step = taken

    async def take(request: Request, person: Person, name: str, body: StepRequest | None
                   ) -> Receipt:
        given = body if body is not None else stepping.REQUESTS[kind.name][step]()
        return await sent(request, person, missing(name), lambda c: stepping.take(
            c, kind, name, step=step, person=person, request=given))

    async def route(request: Request, person: Person, **path_and_body: Any) -> Receipt:
        body = path_and_body.pop("body")
        return await take(request, person, await stream(request, **path_and_body), body)

    base = inspect.signature(stream, eval_str=True)  # the path parameters, as types
    route.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                           annotation=Request),
         inspect.Parameter("person", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                           annotation=SignedIn),
         *[p for p in base.parameters.values() if p.name != "request"],
         inspect.Parameter("body", inspect.Parameter.KEYWORD_ONLY, annotation=StepRequest)])
    add_step_route(target, path, kind, step, take=route, preface=preface)
