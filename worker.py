"""The one place that wires the Temporal client, data converter, ledger, logging and worker.

``intersessional worker`` runs it against ``INTERSESSIONAL_TEMPORAL_ADDRESS``;
``intersessional dev`` and ``intersessional demo`` run it beside the embedded server; tests and
benchmarks build the same worker with :func:`cycle_worker`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import structlog
from temporalio.client import Client
from temporalio.worker import Worker

import runtime.health as worker_health
from activities.recording import CycleActivities
from ledger import Ledger, create_ledger_engine, upgrade
from runtime import observability
from runtime.observability import flush_traces, tracing_interceptors
from runtime.temporal import connect, stop_on_signals
from settings import Settings, SettingsError, load, variable
from workflows.registered import WORKFLOWS

STOPPING = timedelta(seconds=30)


def open_ledger(settings: Settings) -> Ledger:
    """The ledger the settings point at, migrated to the current schema."""
    engine = create_ledger_engine(settings.effective_ledger_url)
    upgrade(engine)
    return Ledger(engine)


def cycle_activities(ledger: Ledger, settings: Settings) -> list[Callable[..., Any]]:
    acts = CycleActivities(ledger, settings.effective_signing_key)
    return [acts.record_event, acts.prepare_cycle, acts.read_registry, acts.take_checkpoint]


def cycle_worker(client: Client, task_queue: str, activities: Sequence[Callable[..., Any]],
                 executor: ThreadPoolExecutor, threads: int, **options: Any) -> Worker:
    """A worker for the cycle workflows and ``activities`` on ``task_queue``; ``executor``
    runs the synchronous activities on ``threads`` threads; ``options`` go to ``Worker``."""
    return Worker(client, task_queue=task_queue, workflows=list(WORKFLOWS),
                  activities=list(activities), activity_executor=executor,
                  max_concurrent_activities=threads, **options)


async def serve(client: Client, settings: Settings, stop: asyncio.Event, *,
                health: bool = False) -> None:
    """Run the worker until ``stop`` is set, then finish what is in hand and return; with
    ``health``, answer ``GET /health`` on the settings' worker health port meanwhile."""
    ledger = open_ledger(settings)
    log = structlog.get_logger("intersessional.worker")
    with ThreadPoolExecutor(max_workers=settings.activity_threads) as executor:
        worker = cycle_worker(client, settings.task_queue, cycle_activities(ledger, settings),
                              executor, settings.activity_threads,
                              # a stopping worker lets the activities in hand finish (within
                              # compose's stop_grace_period) before Temporal retries them
                              graceful_shutdown_timeout=STOPPING)
        async with worker, worker_health.served(
                worker, client, ledger, settings, health and settings.worker_health_port > 0):
            log.info("worker_started", task_queue=settings.task_queue,
                     temporal=settings.temporal_address, ledger=settings.shown_ledger_url,
                     identity=client.identity)
            await stop.wait()
            log.info("worker_stopping")
    ledger.engine.dispose()


async def main(settings: Settings | None = None) -> None:
    """``intersessional worker``: the settings checked, logs and tracing configured, served
    with its health endpoint until SIGINT or SIGTERM."""
    settings = settings or load()
    if settings.signing_key is not None and not settings.signing_key.is_file():
        raise SettingsError(f"wrong setting: {variable('signing_key')} names "
                            f"{settings.signing_key}, which is not a file (make the key once "
                            "with `intersessional db keygen --out PATH` and give every worker "
                            "the same file)")
    observability.configure(settings)
    client = await connect(settings, tracing_interceptors(settings, "intersessional-worker"))
    try:
        await serve(client, settings, stop_on_signals(), health=True)
    finally:
        flush_traces()


if __name__ == "__main__":
    asyncio.run(main())
