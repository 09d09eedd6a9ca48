"""How people's tools reach any process — a year's cycle, a coalition, a silence procedure:
begin one, take a step, read it, each through the kind's entry (``domain.kinds``). Refusals
come back as the domain's ``RuleViolation``, whatever carried them.

A stream's name is its workflow's id. A kind with one stream per name (the cycle of a year)
begins it once: beginning it again while it runs returns the same receipt, and after it has
closed is refused. A numbered kind (``coalition-lao-<n>``, ``silence-<year>-<n>``) takes the
first number from ``first`` that no workflow has taken, so two people beginning one at once
get two numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from temporalio.client import Client, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from contracts import Receipt
from domain.convention import shipped_registry
from domain.errors import RuleViolation
from domain.kinds import Kind
from domain.procedure import PendingStep

MAX_TRIES = 100


def violation_in(error: BaseException) -> RuleViolation | None:
    """The domain's refusal a failed update carries (as ``workflows.core.refusal`` sent it),
    or ``None`` for any other failure."""
    cause = error.__cause__ if isinstance(error, WorkflowUpdateFailedError) else error
    if isinstance(cause, ApplicationError) and cause.type == "RuleViolation" and cause.details:
        details = cause.details[0]
        return RuleViolation(details["rule_id"], details["message"])
    return None


async def _began(handle: WorkflowHandle[Any, Any], kind: Kind[Any]) -> Receipt:
    try:
        receipt: Receipt = await handle.execute_update(kind.began, result_type=Receipt)
    except WorkflowUpdateFailedError as error:
        if (violation := violation_in(error)) is None:
            raise  # the engine's own failure, its cause kept
        raise violation from None
    return receipt


async def begin(client: Client, kind: Kind[Any], command: BaseModel, task_queue: str, *,
                first: int = 1, at: datetime | None = None) -> tuple[str, Receipt]:
    """Begin a stream of ``kind`` with ``command``: its name (as of ``at``, default now: a
    silence procedure's year) and the receipt of its first event. Judged here first, on the
    shipped registry, so a refused one never starts a workflow; the workflow judges it again
    on the registry it reads."""
    now = datetime.now(UTC)
    name = kind.stream_name(command, at or now)
    kind.begin(name if not kind.numbered else f"{name}?", command, shipped_registry(), now)
    names = ([f"{name}{n}" for n in range(max(first, 1), max(first, 1) + MAX_TRIES)]
             if kind.numbered else [name])
    for stream in names:
        try:
            handle: WorkflowHandle[Any, Any] = await client.start_workflow(
                kind.workflow, command, id=stream, task_queue=task_queue,
                id_conflict_policy=(WorkflowIDConflictPolicy.FAIL if kind.numbered
                                    else WorkflowIDConflictPolicy.USE_EXISTING),
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        except WorkflowAlreadyStartedError:
            if kind.numbered:
                continue
            rule = kind.by_step[kind.begins]
            raise RuleViolation(rule.rule_id, f"{stream} has already run and closed; a "
                                f"{kind.title} runs once.") from None
        return stream, await _began(handle, kind)
    raise RuntimeError(f"no free number after {name}{first} in {MAX_TRIES} tries")


async def _sent(handle: WorkflowHandle[Any, Any], step: str, command: BaseModel) -> Receipt:
    try:
        receipt: Receipt = await handle.execute_update(step, command, result_type=Receipt)
    except WorkflowUpdateFailedError as error:
        if (violation := violation_in(error)) is None:
            raise  # the engine's own failure, its cause kept
        raise violation from None
    return receipt


async def _caught_up(handle: WorkflowHandle[Any, Any], recorded: int) -> bool:
    """Whether the workflow was behind the ``recorded`` version of its stream and, asked to
    catch up with the ledger, applied what it lacked (a refusal leaves no trace in history
    otherwise: the workflow is asked only when it is behind)."""
    try:
        applied: int = await handle.query("version", result_type=int)
        if applied >= recorded:
            return False
        after: int = await handle.execute_update("catch_up", result_type=int)
    except (WorkflowUpdateFailedError, RPCError):
        return False
    return after > applied


async def take(client: Client, kind: Kind[Any], stream: str, command: BaseModel, *,
               recorded: Callable[[str], int] | None = None) -> Receipt:
    """Send ``command`` as the update of its step to ``stream``: its receipt, or the
    ``RuleViolation`` that refused it (nothing recorded). A stream whose workflow has ended
    takes no update (Temporal answers NOT_FOUND): the step is refused as the rules refuse it
    in the ended stream's state; a stream the engine never had stays an ``RPCError``.
    ``recorded(stream)``, the version the ledger holds, lets a refusal by a workflow that is
    behind the ledger be judged again once it has caught up."""
    step = kind.step_of(command)
    handle = client.get_workflow_handle(stream)
    try:
        try:
            receipt = await _sent(handle, step, command)
        except RuleViolation:
            # a workflow behind the ledger (Temporal's database rolled back) judges on the
            # state it holds: caught up, it judges the step again on the ledger's
            if recorded is None or not await _caught_up(handle, recorded(stream)):
                raise
            receipt = await _sent(handle, step, command)
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            raise
        ended = await state(client, kind, stream)  # NOT_FOUND again: no such stream at all
        kind.decide(ended, command, shipped_registry(), datetime.now(UTC))  # refuses
        rule = kind.by_step[step]
        raise RuleViolation(rule.rule_id, f"{stream} is {kind.phase(ended)}; {rule.label} is "
                            "no longer open in it.") from None
    return receipt


async def state(client: Client, kind: Kind[Any], stream: str) -> Any:
    """The state the engine holds for ``stream`` now."""
    return await client.get_workflow_handle(stream).query("state", result_type=kind.state)


async def pending(client: Client, stream: str) -> list[PendingStep]:
    """The steps open now in ``stream``: what, by whom, by when, under which rule."""
    steps: list[PendingStep] = await client.get_workflow_handle(stream).query(
        "pending", result_type=list[PendingStep])
    return steps
