"""Every stream the ledger holds, beside the workflow Temporal runs for it.

The ledger is the authority: a stream is *open* while its kind's rules say it has not ended
(``Kind.ended`` on the state its events fold to), and an open stream needs a running workflow
that has applied exactly the ledger's events. A closed year whose workflow never opened the
next one still needs its workflow too. Everything else is a problem with a name, a cause in one
sentence, and the repair: ``intersessional engine recover``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from domain.kinds import CYCLE, KINDS, Kind, kind_of
from ledger import Ledger
from ledger.attention import noted
from ledger.chain import stream_problem
from reading.streams import NotFoldable, fold

Problem = Literal["altered", "missing", "terminated", "failed", "timed-out", "canceled",
                  "completed", "behind", "ahead", "reset", "needs-attention", "unanswered"]
REPAIR = "intersessional engine recover"
_ASKING = timedelta(seconds=5)
_ENDED: dict[WorkflowExecutionStatus, Problem] = {
    WorkflowExecutionStatus.TERMINATED: "terminated", WorkflowExecutionStatus.FAILED: "failed",
    WorkflowExecutionStatus.TIMED_OUT: "timed-out", WorkflowExecutionStatus.CANCELED: "canceled",
    WorkflowExecutionStatus.COMPLETED: "completed",
    WorkflowExecutionStatus.CONTINUED_AS_NEW: "completed"}


@dataclass(frozen=True)
class Standing:
    """One stream: the ledger's version of it, whether its process has ended there, and the
    workflow's status and version (``None``: no workflow, or it did not answer)."""

    stream: str
    kind: str
    ledger_version: int
    ended: bool
    workflow: str | None
    workflow_version: int | None
    problem: Problem | None = None
    cause: str = ""

    @property
    def repair(self) -> str:
        if self.problem == "altered":  # never started again from an altered record
            return "intersessional audit verify"
        return REPAIR if self.problem else ""


def needs_workflow(ledger: Ledger, stream: str, kind: Kind[Any], ended: bool) -> bool:
    """Whether ``stream`` needs its workflow: open, or the latest closed year whose workflow
    must still open the next one — unless the year was closed by the Convention's record
    (``intersessional history import``: its closing names its source), whose next year is
    the record's, or the ISU's, to open; no workflow ever ran it."""
    if not ended:
        return True
    if kind is not CYCLE:
        return False
    if ledger.version(f"cycle-{int(stream.removeprefix('cycle-')) + 1}") != 0:
        return False
    closing = ledger.read_stream(stream, ledger.version(stream))
    return not (closing and closing[-1].payload.get("source"))


async def _status(client: Client, stream: str) -> tuple[str | None, bool]:
    """The status of ``stream``'s latest run (``None``: no workflow), and whether it was
    reset — Temporal's answer alone, no worker asked."""
    try:
        described = await client.get_workflow_handle(stream).describe(rpc_timeout=_ASKING)
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:
            return None, False
        raise
    status = described.status or WorkflowExecutionStatus.RUNNING
    reset = described.raw_description.workflow_extended_info.HasField("last_reset_time")
    return status.name.lower(), reset


async def _workflow(client: Client, stream: str) -> tuple[str | None, int | None, bool]:
    """The status of ``stream``'s latest run, the events it has applied (if it runs and
    answers), and whether it was reset."""
    status, reset = await _status(client, stream)
    if status != "running":
        return status, None, reset
    try:
        version: int = await client.get_workflow_handle(stream).query(
            "version", result_type=int, rpc_timeout=_ASKING)
    except (TimeoutError, RPCError, WorkflowQueryFailedError):
        return "running", None, reset
    return "running", version, reset


async def standing(client: Client, ledger: Ledger, stream: str,
                   attention: dict[str, str] | None = None) -> Standing:
    """How ``stream`` stands, with the problem named if it has one.

    The workflow is asked before the ledger is read: a workflow records an event before it
    applies it, and its year's close before it ends, so a healthy one read first is never
    seen ahead of the ledger nor ended on an open record. (Read the other way round, a year
    that recorded a step between the two readings looked ahead, and the worker's recovery at
    start-up terminated it mid-step.) It can be seen behind: ``catch_up`` then reads
    nothing it lacks."""
    kind = kind_of(stream)
    status, applied, reset = await _workflow(client, stream)
    recorded = ledger.read_stream(stream)
    if (broken := stream_problem(recorded)) is not None:
        return Standing(stream, kind.name, len(recorded), False, None, None, "altered",
                        f"the ledger's record of {stream} was altered: {broken}; nothing "
                        "is started again from it")
    try:
        ended = kind.ended(fold(kind, recorded))
    except NotFoldable:
        ended = False
    version = recorded[-1].version if recorded else 0
    base = Standing(stream, kind.name, version, ended, status, applied)
    noted_cause = (attention or {}).get(stream)
    if noted_cause:
        return _with(base, "needs-attention", noted_cause)
    if status == "running":  # whether or not the record says it has ended, it must agree
        if applied is None:
            return _with(base, "unanswered", f"{stream}'s workflow runs but no worker answered "
                         "for it (is a worker running?)")
        if applied != version:
            problem: Problem = ("reset" if reset else
                                ("behind" if applied < version else "ahead"))
            how = "was reset and " if reset else ""
            return _with(base, problem, f"{stream}'s workflow {how}has applied {applied} "
                         f"events; the ledger holds {version}")
        return base
    if not needs_workflow(ledger, stream, kind, ended) or await _next_opening(client, stream,
                                                                              status):
        return base
    if status is None:
        return _with(base, "missing", f"the ledger holds {version} events of {stream}, open, "
                     "and Temporal has no workflow for it")
    ended_as = _ENDED[WorkflowExecutionStatus[status.upper()]]
    return _with(base, ended_as, f"{stream} is open in the ledger ({version} events) but its "
                 f"workflow {status.replace('_', ' ')}")


async def _next_opening(client: Client, stream: str, status: str | None) -> bool:
    """Whether ``stream`` is a year whose workflow completed after starting the next year's,
    which has yet to record its opening: nothing to repair."""
    if status != "completed" or kind_of(stream) is not CYCLE:
        return False
    following, _ = await _status(client, f"cycle-{int(stream.removeprefix('cycle-')) + 1}")
    return following in ("running", "completed")


def _with(base: Standing, problem: Problem, cause: str) -> Standing:
    return Standing(base.stream, base.kind, base.ledger_version, base.ended, base.workflow,
                    base.workflow_version, problem, cause)


def streams_of(ledger: Ledger) -> list[str]:
    """Every stream the ledger holds, of every kind."""
    return [s for kind in KINDS.values() for s in ledger.streams(kind.prefix)]


async def survey(client: Client, ledger: Ledger, streams: list[str] | None = None
                 ) -> list[Standing]:
    """How every stream (or each of ``streams``) stands, in the order of their names."""
    attention = {a.stream: a.cause for a in noted(ledger.engine)}
    chosen = streams if streams is not None else streams_of(ledger)
    return [await standing(client, ledger, s, attention) for s in chosen]
