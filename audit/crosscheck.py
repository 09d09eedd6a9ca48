"""``audit cross-check``: the ledger against Temporal's own workflow histories, both ways.

Two independent records of one year: the ledger's rows, and the histories in which the cycle's
workflow — or the coalition's, or the silence procedure's, for the streams of those with an
event in the year (``Coalition``, ``SilenceProcedure``; each stream's name is its workflow's
id) — recorded each of them (the ``record_event`` activity's result, with event id, stream,
version, position and hash). Every recording a history completed must have exactly its row,
and every row must have its recording; a difference means one record was changed, or an event
entered the ledger other than through the engine. Then the histories are replayed with today's
workflow code (``temporalio.worker.Replayer``): a change made without ``workflow.patched``
shows up as non-determinism before it can break a running cycle. Last, every stream checked is
surveyed against its workflow (``recovery.survey``): a workflow missing, terminated, failed,
reset, behind or ahead of the ledger, or a stream noted as needing attention, is named with the
command that repairs it, ``intersessional engine recover``.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, computed_field
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from audit.engine import fetch_histories
from audit.histories import Recorded, recorded_in
from audit.years import touching
from contracts import cycle_id
from ledger import Ledger, StoredEvent
from recovery.survey import survey

Kind = Literal["unconfirmed", "unrecorded", "mismatch", "no-history", "nondeterminism",
               "replay-failed", "missing", "terminated", "failed", "timed-out", "canceled",
               "completed", "behind", "ahead", "reset", "needs-attention", "altered"]


class Difference(BaseModel):
    """One disagreement between the ledger and a history, or a history that does not replay."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    workflow_id: str
    run_id: str | None = None
    event_id: UUID | None = None
    position: int | None = None
    detail: str
    #: the command that repairs it, where one does
    repair: str | None = None

    def __str__(self) -> str:
        where = self.workflow_id + (f" (run {self.run_id})" if self.run_id else "")
        at = f", ledger position {self.position}" if self.position is not None else ""
        repair = f"; `{self.repair}` repairs it" if self.repair else ""
        return f"{self.kind} in {where}{at}: {self.detail}{repair}"


class CrossCheck(BaseModel):
    """What was compared, and every difference found."""

    model_config = ConfigDict(frozen=True)

    years: tuple[int, ...]
    processes: tuple[str, ...] = ()  # the coalitions' and silence procedures' streams
    rows: int
    histories: int  # each also replayed with today's workflow code
    recordings: int
    differences: tuple[Difference, ...]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def replayed(self) -> int:
        return self.histories

    @property
    def agrees(self) -> bool:
        return not self.differences


async def histories_of(client: Client, rows: Sequence[StoredEvent], years: Sequence[int],
                       processes: Sequence[str] = ()
                       ) -> tuple[list[WorkflowHistory], dict[tuple[str, str | None], str]]:
    """The histories of every run of the years' cycles, of the ``processes`` (coalitions' and
    silence procedures' ids) and of the workflows the rows name; and the runs the rows name
    whose history Temporal no longer gives, with why."""
    named = {(e.workflow_id, e.run_id) for e in rows if e.workflow_id is not None}
    ids = sorted({cycle_id(y) for y in years} | set(processes)
                 | {workflow_id for workflow_id, _ in named})
    histories, why = await fetch_histories(client, ids)
    held = {(h.workflow_id, h.run_id) for h in histories}
    gone = {(workflow_id, run_id): why.get(workflow_id, "Temporal holds no history of this run "
                                           "(its retention may have ended)")
            for workflow_id, run_id in named if workflow_id and (workflow_id, run_id) not in held}
    return histories, gone


def compare(rows: Sequence[StoredEvent], recordings: Sequence[Recorded],
            gone: Mapping[tuple[str, str | None], str] | None = None) -> list[Difference]:
    """Every recording (``audit.histories.recorded_in``) against its row (by event id), and
    every row against its recording. A row of a run whose history is ``gone`` (with why) is
    unconfirmed only if no other history holds it (one that caught up with the ledger may):
    then its run is named, once, as ``no-history``. A fact imported from the Convention's
    record (``intersessional history import``: no workflow, a source) is no history's."""
    gone = gone or {}
    by_id = {e.event_id: e for e in rows}
    confirmed: set[UUID] = set()
    found: list[Difference] = []
    for r in recordings:
        row = by_id.get(r.event_id)
        if row is None:
            found.append(Difference(kind="unrecorded", workflow_id=r.workflow_id,
                                    run_id=r.run_id, event_id=r.event_id,
                                    position=r.position, detail=f"the history recorded "
                                    f"event {r.event_id} ({r.stream} v{r.version}), which "
                                    "the ledger does not hold"))
            continue
        confirmed.add(r.event_id)
        ours = (row.stream, row.version, row.position, row.hash)
        theirs = (r.stream, r.version, r.position, r.hash)
        if ours != theirs:
            found.append(Difference(kind="mismatch", workflow_id=r.workflow_id,
                                    run_id=r.run_id, event_id=r.event_id,
                                    position=row.position, detail=f"the history recorded "
                                    f"{theirs[0]} v{theirs[1]} at {theirs[2]} hash "
                                    f"{theirs[3][:16]}…; the ledger holds {ours[0]} "
                                    f"v{ours[1]} at {ours[2]} hash {ours[3][:16]}…"))
    named: set[tuple[str, str | None]] = set()
    for row in rows:
        if row.event_id in confirmed or (row.workflow_id is None and row.payload.get("source")):
            continue  # a fact imported from the Convention's record: no workflow recorded it
        run = (row.workflow_id or "(none)", row.run_id)
        if run in gone:
            if run not in named:
                named.add(run)
                found.append(Difference(kind="no-history", workflow_id=run[0], run_id=run[1],
                                        detail=gone[run]))
            continue
        found.append(Difference(kind="unconfirmed", workflow_id=run[0],
                                run_id=row.run_id, event_id=row.event_id, position=row.position,
                                detail=f"the ledger holds {row.type} ({row.stream} "
                                f"v{row.version}), which no workflow history recorded"))
    return found


async def replay(histories: Sequence[WorkflowHistory], workflows: Sequence[type]
                 ) -> list[Difference]:
    """Replay each history with ``workflows`` (today's code); a failure is a difference."""
    async def each() -> AsyncIterator[WorkflowHistory]:
        for history in histories:
            yield history

    replayer = Replayer(workflows=workflows, data_converter=pydantic_data_converter)
    results = await replayer.replay_workflows(each(), raise_on_replay_failure=False)
    ids = {h.run_id: h.workflow_id for h in histories}
    return [Difference(kind="nondeterminism" if isinstance(error, NondeterminismError)
                       else "replay-failed", workflow_id=ids[run_id], run_id=run_id,
                       detail=_failure(error))
            for run_id, error in results.replay_failures.items()]


def _failure(error: Exception) -> str:
    """The replay failure in one line: Temporal core's own message where it wraps one (it
    names the patch or command that differs), else the error's first line."""
    text = str(error)
    core = re.search(r'message: "((?:[^"\\]|\\.)*)"', text)
    return (core.group(1) if core else text.splitlines()[0] if text else repr(error))[:500]


async def out_of_step(client: Client, ledger: Ledger, streams: Sequence[str]
                      ) -> list[Difference]:
    """Every stream whose workflow is missing, ended, failed, reset, behind or ahead of the
    ledger, or noted as needing attention (``recovery.survey``), with its repair. A running
    workflow no worker answers for is not judged: its version is unknown, not wrong."""
    held = [s for s in streams if ledger.version(s)]
    return [Difference(kind=s.problem, workflow_id=s.stream, detail=s.cause, repair=s.repair)
            for s in await survey(client, ledger, held)
            if s.problem is not None and s.problem != "unanswered"]


def cycle_years(ledger: Ledger) -> list[int]:
    """The years whose cycle the ledger holds."""
    return sorted(int(s.removeprefix("cycle-")) for s in ledger.streams("cycle-"))


async def cross_check(client: Client, ledger: Ledger, years: Sequence[int] | None,
                      workflows: Sequence[type]) -> CrossCheck:
    """Cross-check ``years`` (default: every year the ledger holds, and every coalition and
    silence procedure) — their cycles, and the coalitions and silence procedures with an event
    in them — and replay the histories with ``workflows``."""
    chosen = tuple(years) if years else tuple(cycle_years(ledger))
    processes = tuple(touching(ledger, years or ()))
    rows = [e for y in chosen for e in ledger.read_stream(cycle_id(y))] + [
        e for stream in processes for e in ledger.read_stream(stream)]
    histories, gone = await histories_of(client, rows, chosen, processes)
    recordings = [r for h in histories for r in recorded_in(h)]
    differences = [*compare(rows, recordings, gone), *await replay(histories, workflows)]
    # a stream whose record disagrees with its histories is the audit's finding, not a
    # repair: of those, only what the engine itself noted as needing attention is added
    disputed = {d.workflow_id for d in differences}
    differences += [d for d in await out_of_step(
        client, ledger, [cycle_id(y) for y in chosen] + list(processes))
        if d.workflow_id not in disputed or d.kind == "needs-attention"]
    return CrossCheck(years=chosen, processes=processes, rows=len(rows),
                      histories=len(histories),
                      recordings=len(recordings), differences=tuple(differences))
