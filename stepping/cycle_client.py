"""How people's tools (CLI, demo, tests, benchmarks) reach a cycle: open it, take a step,
read it. Refusals come back as the domain's ``RuleViolation``, whatever carried them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from activities.models import cycle_id
from domain import decide
from domain.commands import COMMANDS, OpenCycle, StepCommand
from domain.convention import shipped_registry
from domain.errors import RuleViolation
from domain.state import CycleState
from domain.steps import BY_STEP, PendingStep, StepRule
from ledger.records import Receipt
from workflows.cycle import AnnualCycleWorkflow

UPDATE_OF: dict[type[Any], str] = {command: step.value for step, command in COMMANDS.items()}
COMMANDS_STEP: dict[type[Any], StepRule] = {command: BY_STEP[step]
                                            for step, command in COMMANDS.items()}


def violation_in(error: BaseException) -> RuleViolation | None:
    """The domain's refusal a failed update carries (as the workflow's ``refusal`` sent it),
    or ``None`` for any other failure."""
    cause = error.__cause__ if isinstance(error, WorkflowUpdateFailedError) else error
    if isinstance(cause, ApplicationError) and cause.type == "RuleViolation" and cause.details:
        details = cause.details[0]
        return RuleViolation(details["rule_id"], details["message"])
    return None


async def open_cycle(client: Client, command: OpenCycle, task_queue: str) -> Receipt:
    """Open the cycle; opening an open year again returns the same receipt. The opening is
    judged here first, so a refused one never starts a workflow."""
    decide.opening(command, (), (), datetime.now(UTC))
    try:
        handle: WorkflowHandle[Any, Any] = await client.start_workflow(
            AnnualCycleWorkflow.run, command, id=cycle_id(command.year), task_queue=task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
    except WorkflowAlreadyStartedError:
        raise RuleViolation("ISU-2", f"the {command.year} cycle has already run and closed; a "
                            "year's cycle runs once.") from None
    try:
        receipt: Receipt = await handle.execute_update(AnnualCycleWorkflow.wait_opened)
    except WorkflowUpdateFailedError as error:
        raise violation_in(error) or error from None
    return receipt


async def take_step(client: Client, year: int, command: StepCommand) -> Receipt:
    """Send ``command`` as the update of its step to the ``year`` cycle; its receipt, or the
    ``RuleViolation`` that refused it (nothing recorded). A cycle that has run and closed
    takes no update (Temporal answers NOT_FOUND): the step is refused as the rules refuse it
    in the closed cycle's state; a cycle the engine never had stays an ``RPCError``."""
    handle = client.get_workflow_handle(cycle_id(year))
    try:
        receipt: Receipt = await handle.execute_update(UPDATE_OF[type(command)], command,
                                                       result_type=Receipt)
    except WorkflowUpdateFailedError as error:
        raise violation_in(error) or error from None
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            raise
        state = await cycle_state(client, year)  # NOT_FOUND again: no such cycle at all
        decide.decide(state, command, shipped_registry(), datetime.now(UTC))  # refuses
        step = COMMANDS_STEP[type(command)]
        raise RuleViolation(step.rule_id, f"the {year} cycle is {state.phase.value}; "
                            f"{step.label} is no longer open in it.") from None
    return receipt


async def cycle_state(client: Client, year: int) -> CycleState:
    handle = client.get_workflow_handle(cycle_id(year))
    state: CycleState = await handle.query(AnnualCycleWorkflow.state)
    return state


async def pending(client: Client, year: int) -> list[PendingStep]:
    handle = client.get_workflow_handle(cycle_id(year))
    steps: list[PendingStep] = await handle.query(AnnualCycleWorkflow.pending)
    return steps
