"""How a person takes a step of a cycle, whatever they use: the CLI, the HTTP API, the dashboard.

A step's *request* is the step's data and nothing about who sends it; the actor is the
authenticated :class:`identities.Person`, never what a request says about itself. Each request
model is the step's command (``domain.commands``) without its ``actor``, so the data a person
may send and the data the workflow judges cannot drift apart.

Refusals are the domain's: :class:`NotPermitted` when the person's role may not take the step
at all (HTTP 403), any other :class:`RuleViolation` when the rules refuse it now, with this
data (HTTP 409). Either way nothing is recorded.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, create_model
from temporalio.client import Client

from domain.calendar import default_calendar
from domain.commands import COMMANDS, Command, OpenCycle, StepCommand
from domain.errors import RuleViolation
from domain.procedure import RoleRule, check_role
from domain.steps import BY_STEP, Step
from identities import Person
from ledger.records import Receipt
from settings import Settings
from stepping import cycle_client as cycles


class StepRequest(BaseModel):
    """What a person sends to take a step: the step's data, never who they are."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class NotPermitted(RuleViolation):
    """The person's role may not take this step in any phase (HTTP 403)."""


def request_model(command: type[BaseModel]) -> type[StepRequest]:
    """The request of the step ``command`` asks for: its fields without ``actor``."""
    fields: dict[str, Any] = {name: (info.annotation, info)
                              for name, info in command.model_fields.items() if name != "actor"}
    model: type[StepRequest] = create_model(f"{command.__name__}Request", __base__=StepRequest,
                                            __doc__=command.__doc__, **fields)
    return model


#: one request model per step a person takes, in the order of the year
REQUESTS: dict[Step, type[StepRequest]] = {
    Step.OPEN_CYCLE: request_model(OpenCycle),
    **{step: request_model(command) for step, command in COMMANDS.items()},
}


def permitted(step: Step, person: Person) -> None:
    """Refuse with :class:`NotPermitted` if ``person``'s role never takes ``step``."""
    role_permits(BY_STEP[step], person)


def role_permits(rule: RoleRule, person: Person) -> None:
    """Refuse with :class:`NotPermitted` if ``person``'s role never takes ``rule``'s step (a
    cycle's, a coalition's or a silence procedure's)."""
    try:
        check_role(rule, person.actor)
    except RuleViolation as refused:
        raise NotPermitted(refused.rule_id, refused.message) from None


def command(step: Step, person: Person, request: StepRequest) -> Command:
    """The command ``person`` gives by sending ``request`` for ``step``."""
    if not isinstance(request, REQUESTS[step]):
        raise TypeError(f"{step.value} takes a {REQUESTS[step].__name__}, "
                        f"not a {type(request).__name__}")
    permitted(step, person)
    data = {name: getattr(request, name) for name in type(request).model_fields}
    kind = OpenCycle if step is Step.OPEN_CYCLE else COMMANDS[step]
    return kind(actor=person.actor, **data)


async def take(client: Client, year: int, step: Step, person: Person, request: StepRequest
               ) -> Receipt:
    """Send ``person``'s step to the ``year`` cycle: its receipt once recorded, or the
    refusal (nothing recorded). Opening a cycle goes through :func:`open_cycle`."""
    if step is Step.OPEN_CYCLE:
        raise ValueError("a cycle is opened with stepping.open_cycle, which needs a task queue")
    given = command(step, person, request)
    assert isinstance(given, StepCommand)  # every command but OpenCycle is one
    return await cycles.take_step(client, year, given)


async def open_cycle(client: Client, person: Person, request: StepRequest, settings: Settings
                     ) -> Receipt:
    """``person`` opens the cycle of ``request.year`` (idempotent while it runs) on the
    settings' task queue; without a calendar in the request, on the default dates with the
    settings' lead times (``committee_weeks``, ``reminder_days``)."""
    opening = command(Step.OPEN_CYCLE, person, request)
    assert isinstance(opening, OpenCycle)
    if opening.calendar is None:
        opening = opening.model_copy(update={"calendar": default_calendar(
            opening.year, settings.committee_weeks, settings.reminder_days)})
    return await cycles.open_cycle(client, opening, settings.task_queue)
