"""``audit cross-check``: the ledger against Temporal's own workflow histories, both ways.

Two independent records of one year: the ledger's rows, and the histories in which the cycle's
workflow — or the coalition's, or the silence procedure's, for the streams of those with an
event in the year (``Coalition``, ``SilenceProcedure``; each stream's name is its workflow's
id) — recorded each of them (the ``record_event`` activity's result, with event id, stream,
version, position and hash). Every recording a history completed must have exactly its row,
and every row must have its recording; a difference means one record was changed, or an event
entered the ledger other than through the engine. Then the histories are replayed with today's
workflow code (``temporalio.worker.Replayer``): a change made without ``workflow.patched``
shows up as non-determinism before it can break a running cycle.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Sequence
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

Kind = Literal["unconfirmed", "unrecorded", "mismatch", "no-history", "nondeterminism",
               "replay-failed"]


class Difference(BaseModel):
    """One disagreement between the ledger and a history, or a history that does not replay."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    workflow_id: str
    run_id: str | None = None
    event_id: UUID | None = None
    position: int | None = None
    detail: str

    def __str__(self) -> str:
        where = self.workflow_id + (f" (run {self.run_id})" if self.run_id else "")
        at = f", ledger position {self.position}" if self.position is not None else ""
        return f"{self.kind} in {where}{at}: {self.detail}"


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
                       ) -> tuple[list[WorkflowHistory], list[Difference]]:
    """The histories of every run of the years' cycles, of the ``processes`` (coalitions' and
    silence procedures' ids) and of the workflows the rows name; a run the rows name whose
    history Temporal no longer gives is a ``no-history`` difference."""
    named = {(e.workflow_id, e.run_id) for e in rows if e.workflow_id is not None}
    ids = sorted({cycle_id(y) for y in years} | set(processes)
                 | {workflow_id for workflow_id, _ in named})
    histories, why = await fetch_histories(client, ids)
    held = {(h.workflow_id, h.run_id) for h in histories}
    missing = [Difference(kind="no-history", workflow_id=workflow_id, run_id=run_id,
                          detail=why.get(workflow_id, "Temporal holds no history of this run "
                                         "(its retention may have ended)"))
               for workflow_id, run_id in sorted(named, key=str) if (workflow_id, run_id)
               not in held]
    return histories, missing


def compare(rows: Sequence[StoredEvent], recordings: Sequence[Recorded],
            missing_runs: Collection[tuple[str | None, str | None]] = ()) -> list[Difference]:
    """Every recording (``audit.histories.recorded_in``) against its row (by event id), and
    every row against its recording."""
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
    for row in rows:
        if row.event_id in confirmed or (row.workflow_id, row.run_id) in missing_runs:
            continue
        found.append(Difference(kind="unconfirmed", workflow_id=row.workflow_id or "(none)",
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
                       detail=str(error).splitlines()[0][:300])
            for run_id, error in results.replay_failures.items()]


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
    histories, missing = await histories_of(client, rows, chosen, processes)
    gone = {(d.workflow_id, d.run_id) for d in missing}
    recordings = [r for h in histories for r in recorded_in(h)]
    differences = [*missing, *compare(rows, recordings, gone),
                   *await replay(histories, workflows)]
    return CrossCheck(years=chosen, processes=processes, rows=len(rows),
                      histories=len(histories),
                      recordings=len(recordings), differences=tuple(differences))
