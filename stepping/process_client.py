"""How people's tools reach a country coalition or a silence procedure: begin one, take a
step, read it. Refusals come back as the domain's ``RuleViolation`` (``workflows.client``).

A coalition's id is ``coalition-<iso3>-<n>`` (``coalition-lao-1``) and a procedure's
``silence-<year>-<n>``: ``n`` is the first number from ``first`` (the caller's count of such
streams in the ledger, plus one) that no workflow has taken, so two people beginning one at
once get two numbers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain import coalition, silence
from domain import coalition_events as ce
from domain import silence_events as se
from domain.coalition_state import CoalitionState
from domain.convention import shipped_registry
from domain.procedure import OpenStep
from domain.silence import SilenceState
from ledger.records import Receipt
from stepping.cycle_client import violation_in
from workflows.coalition import CoalitionWorkflow
from workflows.silence import SilenceProcedureWorkflow

COALITION_UPDATES: dict[type[Any], str] = {
    ce.AgreeToCoCoordinate: "agree_to_co_coordinate", ce.RegisterStrategy: "register_strategy",
    ce.AdmitParticipant: "admit_participant", ce.RecordDeparture: "record_departure",
    ce.PlanWorkshop: "plan_workshop", ce.HoldWorkshop: "hold_workshop",
    ce.CoordinateActivity: "coordinate_activity", ce.ReportProgress: "report_progress",
    ce.CloseCoalition: "close_coalition",
}
SILENCE_UPDATES: dict[type[Any], str] = {
    se.BreakSilence: "break_silence", se.RecirculateText: "recirculate_text",
    se.WithdrawText: "withdraw_text",
}
MAX_TRIES = 100


def coalition_prefix(iso3: str) -> str:
    """``coalition-lao-``: the code in lower case, as every ledger stream name is, so that the
    workflow id and the stream are one name."""
    return f"coalition-{iso3.lower()}-"


def silence_prefix(year: int) -> str:
    return f"silence-{year}-"


async def _begin(client: Client, run: Callable[..., Awaitable[Any]], argument: BaseModel, *,
                 prefix: str, first: int, task_queue: str, began: str) -> tuple[str, Receipt]:
    for number in range(max(first, 1), max(first, 1) + MAX_TRIES):
        workflow_id = f"{prefix}{number}"
        try:
            handle: WorkflowHandle[Any, Any] = await client.start_workflow(
                run, argument, id=workflow_id, task_queue=task_queue,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        except WorkflowAlreadyStartedError:
            continue
        try:
            receipt: Receipt = await handle.execute_update(began, result_type=Receipt)
        except WorkflowUpdateFailedError as error:
            raise violation_in(error) or error from None
        return workflow_id, receipt
    raise RuntimeError(f"no free number after {prefix}{first} in {MAX_TRIES} tries")


async def open_coalition(client: Client, command: ce.IdentifyCandidate, task_queue: str,
                         first: int = 1) -> tuple[str, Receipt]:
    """Begin a coalition with the committee's identification; judged here first on the
    shipped registry, so a refused one never starts a workflow. Its id and receipt."""
    coalition.identification("coalition-?", command, shipped_registry(), datetime.now(UTC))
    assert command.charter.affected_state  # the identification refuses a charter without
    return await _begin(client, CoalitionWorkflow.run, command,
                        prefix=coalition_prefix(command.charter.affected_state), first=first,
                        task_queue=task_queue, began="wait_identified")


async def circulate(client: Client, command: se.CirculateText, task_queue: str,
                    year: int | None = None, first: int = 1) -> tuple[str, Receipt]:
    """Begin a silence procedure with the President's circulation (judged here first), as
    ``silence-<year>-<n>`` (``year``: this year, UTC)."""
    now = datetime.now(UTC)
    silence.circulation("silence-?", command, now)
    return await _begin(client, SilenceProcedureWorkflow.run, command,
                        prefix=silence_prefix(year or now.year), first=first,
                        task_queue=task_queue, began="wait_circulated")


async def _update(client: Client, workflow_id: str, update: str, command: BaseModel,
                  refuse_closed: Callable[[], Awaitable[None]]) -> Receipt:
    handle = client.get_workflow_handle(workflow_id)
    try:
        receipt: Receipt = await handle.execute_update(update, command, result_type=Receipt)
    except WorkflowUpdateFailedError as error:
        raise violation_in(error) or error from None
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            raise
        await refuse_closed()  # the workflow has ended: refused as the rules refuse it
        raise
    return receipt


async def coalition_step(client: Client, coalition_id: str,
                         command: ce.CoalitionStepCommand) -> Receipt:
    async def refuse() -> None:
        coalition.decide(await coalition_state(client, coalition_id), command,
                         datetime.now(UTC))
    return await _update(client, coalition_id, COALITION_UPDATES[type(command)], command,
                         refuse)


async def silence_step(client: Client, procedure: str, command: se.SilenceStepCommand
                       ) -> Receipt:
    async def refuse() -> None:
        silence.decide(await silence_state(client, procedure), command, shipped_registry(),
                       datetime.now(UTC))
    return await _update(client, procedure, SILENCE_UPDATES[type(command)], command, refuse)


async def coalition_state(client: Client, coalition_id: str) -> CoalitionState:
    state: CoalitionState = await client.get_workflow_handle(coalition_id).query(
        CoalitionWorkflow.state)
    return state


async def silence_state(client: Client, procedure: str) -> SilenceState:
    state: SilenceState = await client.get_workflow_handle(procedure).query(
        SilenceProcedureWorkflow.state)
    return state


async def open_steps(client: Client, workflow_id: str) -> list[OpenStep]:
    """The steps open now in a coalition or a silence procedure."""
    handle = client.get_workflow_handle(workflow_id)
    steps: list[OpenStep] = await handle.query("pending", result_type=list[OpenStep])
    return steps

