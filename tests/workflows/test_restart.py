"""The worker stopped and restarted mid-year loses nothing: the new worker rebuilds the cycle
from Temporal's history (replaying it) and goes on; the ledger holds each event once."""

from __future__ import annotations

from contracts import cycle_id
from domain.state import CycleState, WorkplanStatus
from ledger.records import Receipt
from scenarios.scripted import run_year
from tests.cycles import cycle_state
from tests.workflows.conftest import Engine
from workflows.cycle import AnnualCycleWorkflow


class _WorkerStoppedError(Exception):
    pass


async def test_a_worker_restarted_mid_year_loses_nothing(engine_parts: Engine) -> None:
    engine = engine_parts
    before: list[Receipt] = []

    async def until_meeting_held(name: str, receipt: Receipt, state: CycleState) -> None:
        before.append(receipt)
        if name == "hold_meeting":
            raise _WorkerStoppedError

    try:
        # a real server hands a stopped worker's sticky tasks back to the task queue after the
        # sticky timeout (tests/e2e restarts `intersessional dev` for real); the time-skipping
        # server never does, so this worker keeps no sticky cache
        async with engine.worker(max_cached_workflows=0):
            await run_year(engine.client, 2027, engine.task_queue, step=until_meeting_held)
    except _WorkerStoppedError:
        pass
    # no worker now: the cycle waits in Temporal, its state in its history alone
    assert [r.position for r in before] == [1, 2, 3, 4, 5]

    after: list[Receipt] = []

    async def collect(name: str, receipt: Receipt, state: CycleState) -> None:
        after.append(receipt)
        assert engine.folded(2027, upto=state.event_count) == state

    async with engine.worker():  # a new worker, with an empty workflow cache
        assert (await cycle_state(engine.client, 2027)).event_count == 5
        await run_year(engine.client, 2027, engine.task_queue, step=collect, resume=True)
        outcome = await engine.client.get_workflow_handle_for(
            AnnualCycleWorkflow.run, cycle_id(2027)).result()
    # opening again returned the first receipt; the script went on after the meeting
    assert after[0] == before[0]
    assert [r.position for r in after[1:]] == list(range(6, 14))
    assert outcome.workplan_status is WorkplanStatus.ADOPTED
    recorded = engine.ledger.read_stream(cycle_id(2027))
    assert [e.version for e in recorded] == list(range(1, 15))
    assert len({e.event_id for e in recorded}) == 14
    assert [e.hash for e in recorded[:5]] == [r.hash for r in before]
