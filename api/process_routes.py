"""What the coalitions' and the silence procedures' routes share: one ``POST`` route per step
with that step's own body, guarded by its roles before the body is read; its OpenAPI text
(who, which rule, what it records); and the engine's answers, with a workflow the engine does
not know answered as the ledger's 404."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

import stepping.processes as ps
from api.auth import guarded
from api.cycles import describe, engine_of, ledger_of, titled
from api.problems import ProblemError, documented
from identities import Person
from ledger import Ledger, Receipt
from stepping import StepRequest

WRITE = documented(401, 403, 404, 409, 422, 503)


def description(step: ps.ProcessStep, preface: str = "") -> str:
    """What a step's route says (:func:`api.cycles.describe`)."""
    return describe(step.rule, step.request, preface)


def summary(step: ps.ProcessStep) -> str:
    return titled(step.rule)


def with_body(handler: Callable[..., Any], model: type[BaseModel]) -> None:
    """Give ``handler``'s ``body`` parameter the type ``model``: required, unless the step
    takes no data at all (then the body may be left out, or be ``{}``)."""
    signature = inspect.signature(handler)
    optional = not any(f.is_required() for f in model.model_fields.values())
    parameters = [p.replace(annotation=model | None if optional else model,
                            default=None if optional else inspect.Parameter.empty)
                  if p.name == "body" else p for p in signature.parameters.values()]
    handler.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]


def permit(step: ps.ProcessStep) -> Callable[[Person], None]:
    """The guard's check: ``person``'s role takes ``step`` (403 otherwise)."""
    return lambda person: ps.permitted(step, person)


async def sent(request: Request, person: Person, missing: ProblemError,
               work: Callable[[Client], Awaitable[Receipt]]) -> Receipt:
    """``work`` done by the engine for ``person`` (logged); a workflow it does not know is
    ``missing``."""
    async def asked(client: Client) -> Receipt:
        try:
            return await work(client)
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND:
                raise missing from None
            raise
    engine = engine_of(request)
    return engine.recorded(await engine.ask(None, asked), person)


def invalid(error: ValidationError, *where: str | int) -> RequestValidationError:
    """A validation error of data built from the body, answered as the body's (422)."""
    return RequestValidationError([{**e, "loc": ("body", *where, *e["loc"])}
                                   for e in error.errors()])


async def taken(request: Request, step: ps.ProcessStep, person: Person,
                body: StepRequest | None, *, stream: str,
                folded: Callable[[Ledger, str], object],
                missing: Callable[[str], ProblemError]) -> Receipt:
    """``person`` takes ``step`` on the coalition or procedure ``stream``: a 404 if the
    ledger records none, else the workflow's receipt or its refusal."""
    given = body if body is not None else step.request()
    await run_in_threadpool(folded, ledger_of(request), stream)  # 404 before the engine
    return await sent(request, person, missing(stream),
                      lambda c: ps.take(c, stream, step, person, given))


def add_step_route(target: APIRouter, path: str, step: ps.ProcessStep,
                   take: Callable[..., Awaitable[Receipt]], preface: str = "") -> None:
    """``POST <path>/<step>`` on ``target``, served by ``take`` with ``step``'s own body,
    guarded by ``step``'s roles."""
    with_body(take, step.request)
    target.add_api_route(f"{path}/{step.name}", take, methods=["POST"], status_code=201,
                         name=step.name, summary=summary(step),
                         description=description(step, preface), responses=WRITE,
                         response_model=Receipt, route_class_override=guarded(permit(step)))
