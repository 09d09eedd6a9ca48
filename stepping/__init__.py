"""How a person takes a step of any process, whatever they use: the CLI, the HTTP API, the
dashboard.

A step's *request* is the step's data and nothing about who sends it; the actor is the
authenticated :class:`identities.Person`, never what a request says about itself. Each request
model is the step's command (``domain.kinds``: the kind's ``commands``) without its ``actor``,
so the data a person may send and the data the workflow judges cannot drift apart.

Refusals are the domain's: :class:`NotPermitted` when the person's role may not take the step
at all (HTTP 403), any other :class:`RuleViolation` when the rules refuse it now, with this
data (HTTP 409). Either way nothing is recorded. The rules of a step are judged once on its way
in, by the workflow's update validator; what is judged here beforehand (the role, a beginning
on the shipped registry) only spares the engine a request it would refuse.

The limits of :mod:`domain.limits` are judged here, before anything reaches Temporal: a request
holding a text or a list over its limit is invalid (a ``ValidationError`` naming the field and
the limit; HTTP 422), and so is a command :func:`command` builds (``OverLimit``); a command
larger than ``STEP_BYTES`` as JSON is ``TooLarge`` (HTTP 413). Every entry point goes through
:func:`take` or :func:`begin`, and so through these checks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError, to_json
from temporalio.client import Client

from attesting.signer import Signer
from contracts import Receipt
from domain.attestation import NOT_INPUT
from domain.calendar import default_calendar
from domain.commands import OpenCycle
from domain.convention import shipped_registry
from domain.errors import RuleViolation
from domain.kinds import CYCLE, KINDS, Kind
from domain.limits import DEFAULT, Most, check, check_size, normal, within
from domain.procedure import ProcedureStep, RoleRule, check_role
from identities import Person
from stepping import client as engine


class StepRequest(BaseModel):
    """What a person sends to take a step: the step's data, never who they are; each text in
    Unicode NFC, and each field within its limit and holding no character TX-1 refuses
    (:mod:`domain.limits`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _normal(cls, data: Any) -> Any:
        return normal(data)  # the texts of data sent as JSON, a form or a file (a dict)

    @field_validator("*", mode="after")
    @classmethod
    def _within_limits(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        most = next((m for m in cls.model_fields[name].metadata if isinstance(m, Most)),
                    DEFAULT)
        if (over := within(value, most, (name,))) is not None:
            # the sentence names the field's whole path; the error's place is the field's
            raise PydanticCustomError("over_limit", "{sentence}",
                                      {"sentence": str(over), "field": over.field})
        return value


class NotPermitted(RuleViolation):
    """The person's role may not take this step in any phase (HTTP 403)."""


def request_model(command: type[BaseModel]) -> type[StepRequest]:
    """The request of the step ``command`` asks for: its fields without ``actor``."""
    fields: dict[str, Any] = {name: (info.annotation, info)
                              for name, info in command.model_fields.items()
                              if name not in NOT_INPUT}
    model: type[StepRequest] = create_model(f"{command.__name__}Request", __base__=StepRequest,
                                            __doc__=command.__doc__, **fields)
    return model


class _ByKind(dict[str, dict[str, Any]]):
    """For each kind in ``domain.kinds.KINDS`` (by name), ``build(kind)``, made when first
    asked for — so a kind registered later (a new one, in its tests) is served too."""

    def __init__(self, build: Callable[[Kind[Any]], dict[str, Any]]) -> None:
        super().__init__()
        self._build = build

    def __missing__(self, name: str) -> dict[str, Any]:
        self[name] = built = self._build(KINDS[name])
        return built


#: for each kind (by name), one request model per step a person takes, in the order of its life
REQUESTS: dict[str, dict[str, type[StepRequest]]] = _ByKind(
    lambda kind: {step: request_model(command) for step, command in kind.commands.items()})


@dataclass(frozen=True)
class KindStep:
    """One step of a kind as entry points handle it: its name (the update's), the row of
    its rule and its request model."""

    kind: Kind[Any]
    name: str

    @property
    def rule(self) -> ProcedureStep[Any]:
        return self.kind.by_step[self.name]

    @property
    def request(self) -> type[StepRequest]:
        return REQUESTS[self.kind.name][self.name]


#: for each kind (by name), its steps by name
STEPS: dict[str, dict[str, KindStep]] = _ByKind(
    lambda kind: {name: KindStep(kind, name) for name in kind.commands})


def role_permits(rule: RoleRule, person: Person) -> None:
    """Refuse with :class:`NotPermitted` if ``person``'s role never takes ``rule``'s step."""
    try:
        check_role(rule, person.actor)
    except RuleViolation as refused:
        raise NotPermitted(refused.rule_id, refused.template, **refused.values) from None


def permitted(kind: Kind[Any], step: str, person: Person) -> None:
    """Refuse with :class:`NotPermitted` if ``person``'s role never takes ``step``."""
    role_permits(kind.by_step[step], person)


def command(kind: Kind[Any], step: str, person: Person, request: StepRequest) -> BaseModel:
    """The command ``person`` gives by sending ``request`` for ``step``."""
    expected = REQUESTS[kind.name][step]
    if not isinstance(request, expected):
        raise TypeError(f"{step} takes a {expected.__name__}, not a {type(request).__name__}")
    permitted(kind, step, person)
    data = {name: getattr(request, name) for name in type(request).model_fields}
    given = kind.commands[step](actor=person.actor, **data)
    within_limits(given)
    return given


def within_limits(command: BaseModel) -> None:
    """Refuse ``command`` if a field is over its limit (:class:`~domain.limits.OverLimit`) or
    the whole is larger than a step may carry (:class:`~domain.limits.TooLarge`): judged
    before it is sent, so that nothing over a limit reaches Temporal or the ledger."""
    check(command)
    check_size(len(to_json(command)))


async def take(client: Client, kind: Kind[Any], stream: str, *, step: str, person: Person,
               request: StepRequest, recorded: engine.Recorded,
               signer: Signer | None = None) -> Receipt:
    """Send ``person``'s step to ``stream``: its receipt once recorded, or the refusal
    (nothing recorded). A stream is begun with :func:`begin`. ``recorded`` reads a stream's
    state from the ledger, which judges a step to a stream whose workflow is not running
    (:class:`stepping.client.NotRunning`)."""
    if step == kind.begins:
        raise ValueError(f"{step} begins a {kind.title}: stepping.begin")
    return await engine.take(client, kind, stream, command(kind, step, person, request),
                             recorded=recorded, signer=signer, person=person.id)


async def begin(client: Client, kind: Kind[Any], person: Person, request: StepRequest, *,
                task_queue: str, recorded: engine.Recorded,
                lead_times: tuple[int, int] | None = None,
                known: Callable[[str], int] = lambda _prefix: 0,
                signer: Signer | None = None) -> tuple[str, Receipt]:
    """``person`` begins a stream of ``kind`` with ``request``: its name and first receipt.
    A cycle opened without a calendar gets the default dates with ``lead_times`` (committee
    weeks, reminder days; the settings'); a numbered kind starts looking for a free number
    after the ``known(prefix)`` streams the ledger already holds. ``recorded`` reads a
    stream's state from the ledger: whether a year whose workflow has ended closed."""
    given = command(kind, kind.begins, person, request)
    if kind is CYCLE and lead_times is not None:
        assert isinstance(given, OpenCycle)
        if given.calendar is None:
            given = given.model_copy(update={"calendar": default_calendar(given.year,
                                                                          *lead_times)})
    first = 1
    if kind.numbered:
        now = datetime.now(UTC)
        prefix = kind.stream_name(given, now)
        # judged before the ledger is read: a refused beginning costs nothing, names its rule
        kind.begin(f"{prefix}?", given, shipped_registry(), now)
        first = await asyncio.to_thread(known, prefix) + 1
    return await engine.begin(client, kind, given, task_queue, first=first,
                              recorded=recorded, signer=signer, person=person.id)
