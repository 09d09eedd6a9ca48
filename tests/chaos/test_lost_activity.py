"""A worker SIGKILLed while it runs one of a year's activities: Temporal tries it again on
another worker once its heartbeat stops (``activities.beating``), not after its start-to-close
timeout. Real processes: Temporal's dev server, two ``intersessional worker`` processes, and
PostgreSQL, whose ``events`` table the test holds locked so that the year's first activity,
``prepare_cycle``, is caught running when the first worker is killed.

Seen in CI before the heartbeat: worker-kill chaos wedged cycle-2110 at its opening, its
workflow running with nothing failed in its history, waiting out the two minutes of a dead
worker's ``prepare_cycle``.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url
from temporalio.api.enums.v1 import PendingActivityState, TimeoutType
from temporalio.client import Client

from attesting import Signer
from chaos.faults import libpq, recreate
from chaos.processes import TASK_QUEUE, Engine
from contracts import PREPARE_CYCLE, cycle_id
from domain import commands as c
from domain.kinds import CYCLE
from scenarios.scripted import ISU, first_presidency
from stepping import client as stepping
from tests.backends import postgres_url
from tests.ports import free_port
from workflows.cycle import _PREPARING

YEAR = 2101


async def _running(client: Client, stream: str, activity: str, timeout: float = 30.0) -> None:
    """Until a worker has taken ``activity`` of ``stream``'s workflow and runs it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            described = await client.get_workflow_handle(stream).describe()
        except Exception:  # not started yet
            described = None
        if described is not None and any(
                a.activity_type.name == activity
                and a.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
                for a in described.raw_description.pending_activities):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"no worker took {activity} of {stream} within {timeout:.0f} s")


async def test_a_year_prepared_by_a_killed_worker_is_prepared_again_within_seconds(
        tmp_path: Path) -> None:
    url = make_url(postgres_url())
    ours = url.set(database=f"{url.database}_lost_activity").render_as_string(
        hide_password=False)
    await asyncio.to_thread(recreate, ours)
    engine = Engine(tmp_path / "engine", free_port, ledger_url=ours)
    stream = cycle_id(YEAR)
    try:
        await asyncio.to_thread(engine.server)
        client = await engine.client()
        first = await asyncio.to_thread(engine.worker)  # it migrates the ledger first
        signer = Signer.of(engine.settings.effective_attestation_key)
        opening = c.OpenCycle(year=YEAR, actor=ISU, carried_presidencies=(
            first_presidency(YEAR),))
        with psycopg.connect(libpq(ours)) as holding:
            holding.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
            beginning = asyncio.create_task(stepping.begin(client, CYCLE, opening, TASK_QUEUE,
                                                           signer=signer))
            await _running(client, stream, PREPARE_CYCLE)
            await asyncio.to_thread(first.kill)
            killed = time.monotonic()
            holding.rollback()
        await asyncio.to_thread(engine.worker)
        began, receipt = await asyncio.wait_for(beginning, _PREPARING.total_seconds())
        took = time.monotonic() - killed

        assert (began, receipt.version) == (stream, 1)
        # tried again because its heartbeat stopped, well before its start-to-close timeout
        attempts = [e.activity_task_started_event_attributes
                    async for e in client.get_workflow_handle(stream).fetch_history_events()
                    if e.HasField("activity_task_started_event_attributes")]
        assert attempts[0].attempt == 2, attempts
        timeout = attempts[0].last_failure.timeout_failure_info.timeout_type
        assert timeout == TimeoutType.TIMEOUT_TYPE_HEARTBEAT, attempts[0].last_failure
        assert took < _PREPARING.total_seconds() / 2, f"opened {took:.1f} s after the kill"
        recorded = await asyncio.to_thread(engine.ledger().read_stream, stream)
        assert [e.type for e in recorded] == ["CycleOpened"]
    finally:
        await asyncio.to_thread(engine.close)
