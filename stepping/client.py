"""How people's tools reach any process — a year's cycle, a coalition, a silence procedure:
begin one and take a step, each through the kind's entry (``domain.kinds``). Refusals come back
as the domain's ``RuleViolation``, whatever carried them.

The ledger is the authority. A step to a stream whose workflow is not running (terminated,
failed, reset away, or Temporal's database lost) is judged on the stream's state as the ledger
records it (``recorded``: the kind's fold of its events): refused by the rules, it is that
``RuleViolation``; allowed, it is :class:`NotRunning`, which names the repair. What people
read of a stream is that fold too (``reading.streams``); :func:`state` and :func:`pending` ask
the workflow itself, for what drives a year and waits on it (scenarios, tests, benchmarks).

A stream's name is its workflow's id. A kind with one stream per name (the cycle of a year)
begins it once: beginning it again while it runs returns the same receipt, and after it has
closed is refused. A numbered kind (``coalition-lao-<n>``, ``silence-<year>-<n>``) takes the
first number from ``first`` that no workflow has taken, so two people beginning one at once
get two numbers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

from pydantic import BaseModel
from temporalio.client import (
    Client,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from attesting.signer import Signer, default_signer
from contracts import Receipt
from domain.attestation import canonical
from domain.convention import shipped_registry
from domain.errors import RuleViolation
from domain.kinds import Kind
from domain.procedure import PendingStep

MAX_TRIES = 100
_UPDATES = UUID("8d0e3a52-6c1f-4e7b-9b6a-3f1d2c4e5a60")  # the namespace of update ids
#: the state of a stream as the ledger records it (``reading.streams.state_of`` on a ledger),
#: or ``None`` for a stream the ledger never recorded; called in a thread (it reads a database)
Recorded = Callable[[str], Any]
RECOVER = "`intersessional engine recover` restarts it from the ledger"


class NotRunning(Exception):  # noqa: N818 - named for what the stream is, like RuleViolation
    """``stream`` is open in the ledger, and the rules would take the step, but no workflow
    runs it (``why``: what Temporal says of it); nothing was recorded. One sentence naming
    the repair (HTTP 503, CLI exit 5)."""

    def __init__(self, stream: str, why: str = "its workflow is not running") -> None:
        self.stream, self.why = stream, why
        super().__init__(f"{stream} is open in the ledger but {why}; {RECOVER}.")


async def _not_running(client: Client, stream: str) -> NotRunning:
    """:class:`NotRunning` for ``stream``, saying what became of its workflow."""
    try:
        status = (await client.get_workflow_handle(stream).describe()).status
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            return NotRunning(stream)
        return NotRunning(stream, "the engine holds no workflow for it")
    said = status.name.lower().replace("_", " ") if status else "ended"
    return NotRunning(stream, "its workflow is not running" + (
        f" ({said})" if status is not WorkflowExecutionStatus.RUNNING else ""))


async def _as_recorded(recorded: Recorded | None, stream: str) -> Any:
    return None if recorded is None else await asyncio.to_thread(recorded, stream)


def violation_in(error: BaseException) -> RuleViolation | None:
    """The domain's refusal a failed update carries (as ``workflows.core.refusal`` sent it),
    or ``None`` for any other failure."""
    cause = error.__cause__ if isinstance(error, WorkflowUpdateFailedError) else error
    if isinstance(cause, ApplicationError) and cause.type == "RuleViolation" and cause.details:
        details = cause.details[0]
        return RuleViolation.sent(details)
    return None


async def _refused_beginning(client: Client, handle: WorkflowHandle[Any, Any]
                             ) -> RuleViolation | None:
    """The refusal that ended a run whose first step the rules refused in the workflow (on
    what only the workflow reads: the record of who holds office), or ``None``. Read from
    its history, not by awaiting its result (which lets a time-skipping server skip time)."""
    async for event in handle.fetch_history_events():
        if event.HasField("workflow_execution_failed_event_attributes"):
            failure = event.workflow_execution_failed_event_attributes.failure
            return violation_in(await client.data_converter.decode_failure(failure))
    return None


async def _began(client: Client, handle: WorkflowHandle[Any, Any], kind: Kind[Any]
                 ) -> Receipt:
    try:
        receipt: Receipt = await handle.execute_update(kind.began, result_type=Receipt)
    except WorkflowUpdateFailedError as error:
        violation = violation_in(error)
        if violation is None and isinstance(error.cause, ApplicationError) \
                and error.cause.type == "AcceptedUpdateCompletedWorkflow":
            violation = await _refused_beginning(client, handle)
        if violation is None:
            raise  # the engine's own failure, its cause kept
        raise violation from None
    return receipt


async def begin(client: Client, kind: Kind[Any], command: BaseModel, task_queue: str, *,
                first: int = 1, at: datetime | None = None, recorded: Recorded | None = None,
                signer: Signer | None = None, person: int | None = None
                ) -> tuple[str, Receipt]:
    """Begin a stream of ``kind`` with ``command``: its name (as of ``at``, default now: a
    silence procedure's year) and the receipt of its first event. Judged here first, on the
    shipped registry, so a refused one never starts a workflow; the workflow judges it again
    on the registry it reads. A stream of a kind that runs once whose workflow has ended is
    refused if the ledger (``recorded``) says it closed, and :class:`NotRunning` if it says
    it is still open. ``signer`` attests that ``person`` (the registered person the command's
    actor is, if any) begins it (default: this process's signer, ``attesting.configure``);
    the engine's own beginnings are not sent through here."""
    now = datetime.now(UTC)
    name = kind.stream_name(command, at or now)
    kind.begin(name if not kind.numbered else f"{name}?", command, shipped_registry(), now)
    names = ([f"{name}{n}" for n in range(max(first, 1), max(first, 1) + MAX_TRIES)]
             if kind.numbered else [name])
    for stream in names:
        if kind.numbered and await _as_recorded(recorded, stream) is not None:
            continue  # taken in the record, whatever became of its workflow
        attested = (signer or default_signer()).attest(command, stream=stream,
                                                       step=kind.begins, version=0,
                                                       person=person)
        try:
            handle: WorkflowHandle[Any, Any] = await client.start_workflow(
                kind.workflow, attested, id=stream, task_queue=task_queue,
                id_conflict_policy=(WorkflowIDConflictPolicy.FAIL if kind.numbered
                                    else WorkflowIDConflictPolicy.USE_EXISTING),
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        except WorkflowAlreadyStartedError:
            if kind.numbered:
                continue
            held = await _as_recorded(recorded, stream)
            if held is not None and kind.pending(held, include_engine=True):
                raise await _not_running(client, stream) from None
            rule = kind.by_step[kind.begins]
            raise RuleViolation(rule.rule_id, "{stream} has already run and closed; a {title} "
                                              "runs once.",
                                              stream=stream, title=kind.title) from None
        return stream, await _began(client, handle, kind)
    raise RuntimeError(f"no free number after {name}{first} in {MAX_TRIES} tries")


def _update_id(stream: str, step: str, command: BaseModel, seen: Any) -> str | None:
    """The update's id: one name for one step, with this data, by this person, sent to the
    stream as the ledger recorded it when they sent it (``seen``). The same request sent
    again — a retry after a timeout, a second click — is then one update to Temporal, which
    takes it once; the same step taken again later, at another version, is another."""
    if seen is None:
        return None
    said = canonical(command.model_dump(mode="json", exclude={"attestation"}))
    return str(uuid5(_UPDATES, f"{stream}/{seen.event_count}/{step}/{said}"))


async def _sent(handle: WorkflowHandle[Any, Any], step: str, command: BaseModel,
                update_id: str | None = None) -> Receipt:
    try:
        receipt: Receipt = await handle.execute_update(step, command, id=update_id,
                                                       result_type=Receipt)
    except WorkflowUpdateFailedError as error:
        if (violation := violation_in(error)) is not None:
            raise violation from None
        cause = error.__cause__
        if isinstance(cause, ApplicationError) and cause.type == "NeedsAttention":
            said = cause.message.split("; run `intersessional engine recover`")[0]
            raise NotRunning(handle.id, f"it needs attention: {said}") from None
        raise  # the engine's own failure, its cause kept
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
               recorded: Recorded | None = None, signer: Signer | None = None,
               person: int | None = None) -> Receipt:
    """Send ``command`` as the update of its step to ``stream``: its receipt, or the
    ``RuleViolation`` that refused it (nothing recorded). The stream's state as the ledger
    records it (``recorded``) decides two things the workflow cannot: a refusal by a workflow
    that is behind the ledger (Temporal's database rolled back) is judged again once it has
    caught up; and a stream whose workflow is not running takes no update (Temporal answers
    NOT_FOUND), so the step is judged on the ledger's state — refused as the rules refuse it
    there, or :class:`NotRunning` if they would take it. A stream the ledger never recorded
    (or with no ``recorded`` to ask) stays the ``RPCError``. ``signer`` attests that
    ``person`` sends the step at the version they saw (default: this process's signer)."""
    step = kind.step_of(command)
    handle = client.get_workflow_handle(stream)
    # read once, as the step is sent: it names the update, and a refusal or a missing
    # workflow is judged against it (a rejected update leaves no trace, so its id is free)
    seen = await _as_recorded(recorded, stream)
    update_id = _update_id(stream, step, command, seen)
    try:
        # the version the sender saw: the ledger's, as the API and the CLI read it (a sender
        # that reads nothing — a scenario, a test — says so rather than ask the workflow)
        command = (signer or default_signer()).attest(
            command, stream=stream, step=step,
            version=seen.event_count if seen is not None else None, person=person)
        try:
            receipt = await _sent(handle, step, command, update_id)
        except RuleViolation:
            if seen is None or not await _caught_up(handle, seen.event_count):
                raise
            receipt = await _sent(handle, step, command, update_id)
    except RPCError as error:
        if error.status is not RPCStatusCode.NOT_FOUND:
            raise
        if seen is None:
            raise
        try:
            kind.decide(seen, command, shipped_registry(), datetime.now(UTC))
        except RuleViolation as refused:
            raise refused from None
        raise await _not_running(client, stream) from None
    return receipt


async def state(client: Client, kind: Kind[Any], stream: str) -> Any:
    """The state the workflow of ``stream`` holds now: for driving a year and waiting on it
    (scenarios, tests, benchmarks); what people read is the ledger's
    (``reading.streams.state_of``)."""
    return await client.get_workflow_handle(stream).query("state", result_type=kind.state)


async def pending(client: Client, stream: str) -> list[PendingStep]:
    """The steps the workflow of ``stream`` holds open now (as :func:`state`, for driving and
    waiting; people read ``kind.pending`` of the ledger's state)."""
    steps: list[PendingStep] = await client.get_workflow_handle(stream).query(
        "pending", result_type=list[PendingStep])
    return steps
