"""How a person takes a step of a country coalition or a silence procedure, whatever they use
(CLI, HTTP API, dashboard) — the counterpart of :mod:`stepping` for the annual cycle.

Each step has one request model: its command (``domain.coalition_events``,
``domain.silence_events``) without ``actor``, extra fields forbidden; the actor is always the
authenticated person. :class:`stepping.NotPermitted` (HTTP 403) when the person's role never
takes the step; any other ``RuleViolation`` (HTTP 409) when the rules refuse it now.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from temporalio.client import Client

from domain import coalition_events as ce
from domain import silence_events as se
from domain.coalition import identification
from domain.coalition_state import BY_STEP as COALITION_STEPS
from domain.convention import shipped_registry
from domain.procedure import ProcedureStep
from domain.silence import BY_STEP as SILENCE_STEPS
from domain.silence import circulation
from identities import Person
from ledger import Ledger
from ledger.records import Receipt
from stepping import StepRequest, request_model, role_permits
from stepping import process_client as pc


@dataclass(frozen=True)
class ProcessStep:
    """One step a person takes: its name (the update's), the rule row, and the command it
    builds from a request."""

    name: str
    rule: ProcedureStep[Any]
    command: type[BaseModel]
    request: type[StepRequest]


def _steps(rows: dict[str, ProcedureStep[Any]], commands: dict[str, type[BaseModel]]
           ) -> dict[str, ProcessStep]:
    return {name: ProcessStep(name, rows[name], command, request_model(command))
            for name, command in commands.items()}


#: a coalition's steps, in the order of its life; ``identify_candidate`` begins one
COALITION: dict[str, ProcessStep] = _steps(COALITION_STEPS, {
    "identify_candidate": ce.IdentifyCandidate,
    **{name: command for command, name in pc.COALITION_UPDATES.items()}})
#: a silence procedure's steps; ``circulate_text`` begins one
SILENCE: dict[str, ProcessStep] = _steps(SILENCE_STEPS, {
    "circulate_text": se.CirculateText,
    **{name: command for command, name in pc.SILENCE_UPDATES.items()}})


def permitted(step: ProcessStep, person: Person) -> None:
    """Refuse with :class:`NotPermitted` if ``person``'s role never takes ``step``."""
    role_permits(step.rule, person)


def command(step: ProcessStep, person: Person, request: StepRequest) -> Any:
    """The command ``person`` gives by sending ``request`` for ``step``."""
    if not isinstance(request, step.request):
        raise TypeError(f"{step.name} takes a {step.request.__name__}, "
                        f"not a {type(request).__name__}")
    permitted(step, person)
    data = {name: getattr(request, name) for name in type(request).model_fields}
    return step.command(actor=person.actor, **data)


def next_number(ledger: Ledger, prefix: str) -> int:
    """One more than the number of streams under ``prefix`` the ledger holds: where to start
    looking for a free ``coalition-…-<n>`` or ``silence-…-<n>``."""
    return len(ledger.streams(prefix)) + 1


async def open_coalition(client: Client, ledger: Ledger, person: Person, request: StepRequest,
                         task_queue: str) -> tuple[str, Receipt]:
    """``person`` (of the committee) identifies a candidate: the new coalition's id and the
    receipt of ``CandidateIdentified``."""
    given: ce.IdentifyCandidate = command(COALITION["identify_candidate"], person, request)
    # judged before the ledger is read: a refused charter costs nothing and names its rule
    identification("coalition-?", given, shipped_registry(), datetime.now(UTC))
    assert given.charter.affected_state is not None  # the identification refuses None
    prefix = pc.coalition_prefix(given.charter.affected_state)
    first = await asyncio.to_thread(next_number, ledger, prefix)
    return await pc.open_coalition(client, given, task_queue, first)


async def circulate(client: Client, ledger: Ledger, person: Person, request: StepRequest,
                    task_queue: str) -> tuple[str, Receipt]:
    """The President circulates a text: the new procedure's id and its receipt."""
    given: se.CirculateText = command(SILENCE["circulate_text"], person, request)
    circulation("silence-?", given, datetime.now(UTC))  # judged before the ledger is read
    year = datetime.now(UTC).year
    first = await asyncio.to_thread(next_number, ledger, pc.silence_prefix(year))
    return await pc.circulate(client, given, task_queue, year, first)


async def take(client: Client, workflow_id: str, step: ProcessStep, person: Person,
               request: StepRequest) -> Receipt:
    """Send ``person``'s step to the coalition or procedure ``workflow_id``."""
    given = command(step, person, request)
    if step.name in pc.COALITION_UPDATES.values():
        return await pc.coalition_step(client, workflow_id, given)
    return await pc.silence_step(client, workflow_id, given)
