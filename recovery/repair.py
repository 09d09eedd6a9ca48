"""The repair of a stream whose workflow disagrees with the ledger: the ledger wins.

A workflow that is behind is asked to catch up (its ``catch_up`` update reads what it lacks);
one that is missing, has ended while the ledger holds its stream open, is ahead of the ledger,
or was noted as needing attention is started again — after its running run, if any, is
terminated — from the ledger's events (``contracts.FromLedger``): it applies them and goes on
from where the record says. Afterwards the stream's note of attention is cleared.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError

from contracts import FromLedger, Receipt
from domain.kinds import kind_of
from ledger import Ledger
from ledger.attention import clear
from recovery.survey import Standing, standing, survey

RESUMING = timedelta(seconds=30)


@dataclass(frozen=True)
class Repaired:
    """What was done for one stream, and how it stands afterwards."""

    stream: str
    problem: str
    cause: str
    action: str
    after: str | None  # the problem it still has, if any

    @property
    def healed(self) -> bool:
        return self.after is None


def _last_recorded(ledger: Ledger, stream: str) -> datetime | None:
    """When the ledger recorded ``stream``'s latest event (``FromLedger.quiet_until``)."""
    recorded = ledger.read_stream(stream, max(ledger.version(stream), 1))
    return datetime.fromisoformat(recorded[-1].recorded_at) if recorded else None


async def restart(client: Client, stream: str, task_queue: str, reason: str, *,
                  running: bool, quiet_until: datetime | None = None) -> None:
    """Start ``stream``'s workflow again from the ledger (its run terminated first if it is
    ``running``: a run that has ended, or never was, is left as it is, so that two recoveries
    at once — the worker's at start-up and an operator's — start it once)."""
    handle = client.get_workflow_handle(stream)
    if running:
        with contextlib.suppress(RPCError):  # ended meanwhile: nothing to terminate
            await handle.terminate(reason=f"started again from the ledger: {reason}")
    # another worker's recovery may have started it again meanwhile
    kind = kind_of(stream)
    with contextlib.suppress(WorkflowAlreadyStartedError):
        await client.start_workflow(
            kind.workflow, FromLedger(stream=stream, reason=reason, quiet_until=quiet_until),
            id=stream,
            task_queue=task_queue, id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL)
    # resumed once its first event is applied again: then it has applied all it read
    with contextlib.suppress(WorkflowUpdateFailedError, RPCError):
        await client.get_workflow_handle(stream).execute_update(
            kind.began, result_type=Receipt, rpc_timeout=RESUMING)


async def repair(client: Client, ledger: Ledger, found: Standing, task_queue: str) -> Repaired:
    """Repair ``found`` (a stream with a problem), and say how it stands afterwards."""
    assert found.problem is not None
    if found.problem == "needs-attention":  # before the restart, which may note it anew
        clear(ledger.engine, found.stream)
    action = "started again from the ledger"
    if found.problem == "behind" or (found.problem == "reset" and found.workflow_version
                                     is not None and found.workflow_version < found.ledger_version):
        try:
            await client.get_workflow_handle(found.stream).execute_update("catch_up",
                                                                          result_type=int)
            action = "caught up from the ledger"
        except (WorkflowUpdateFailedError, RPCError):
            await restart(client, found.stream, task_queue, found.cause, running=True,
                          quiet_until=_last_recorded(ledger, found.stream))
    elif found.problem == "unanswered":
        action = "nothing: start a worker"
    elif found.problem == "altered":
        action = f"nothing: `{found.repair}` says where"
    else:
        await restart(client, found.stream, task_queue, found.cause,
                      running=found.workflow == "running",
                      quiet_until=_last_recorded(ledger, found.stream))
    after = await standing(client, ledger, found.stream)
    return Repaired(found.stream, found.problem, found.cause, action, after.problem)


async def recover(client: Client, ledger: Ledger, task_queue: str,
                  streams: list[str] | None = None) -> list[Repaired]:
    """Repair every stream (or each of ``streams``) whose workflow disagrees with the ledger."""
    return [await repair(client, ledger, found, task_queue)
            for found in await survey(client, ledger, streams) if found.problem]
