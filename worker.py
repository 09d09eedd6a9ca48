"""The one place that wires the Temporal client, data converter, ledger, logging and worker.

``intersessional worker`` runs it against ``INTERSESSIONAL_TEMPORAL_ADDRESS``;
``intersessional dev`` and ``intersessional demo`` run it beside the embedded server; tests and
benchmarks build the same worker with :func:`cycle_worker`.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TextIO

import structlog
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from activities.recording import CycleActivities
from ledger import Ledger, create_ledger_engine, upgrade
from settings import Settings
from workflows.coalition import CoalitionWorkflow
from workflows.cycle import AnnualCycleWorkflow
from workflows.opener import OpenCycleWorkflow
from workflows.silence import SilenceProcedureWorkflow

WORKFLOWS = (AnnualCycleWorkflow, OpenCycleWorkflow, CoalitionWorkflow, SilenceProcedureWorkflow)


def configure_logging(stream: TextIO = sys.stderr, level: int = logging.INFO) -> None:
    """structlog, one JSON object per line, with the bound workflow id, run id and event id."""
    structlog.configure(
        processors=[structlog.contextvars.merge_contextvars, structlog.processors.add_log_level,
                    structlog.processors.TimeStamper(fmt="iso", utc=True),
                    structlog.processors.JSONRenderer()],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(stream), cache_logger_on_first_use=False)


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


async def connect(settings: Settings) -> Client:
    return await Client.connect(settings.temporal_address,
                                namespace=settings.temporal_namespace,
                                data_converter=pydantic_data_converter)


async def serve(client: Client, settings: Settings, stop: asyncio.Event) -> None:
    """Run the worker until ``stop`` is set, then finish what is in hand and return."""
    ledger = open_ledger(settings)
    log = structlog.get_logger("intersessional.worker")
    with ThreadPoolExecutor(max_workers=settings.activity_threads) as executor:
        worker = cycle_worker(client, settings.task_queue, cycle_activities(ledger, settings),
                              executor, settings.activity_threads)
        async with worker:
            log.info("worker_started", task_queue=settings.task_queue,
                     temporal=settings.temporal_address, ledger=settings.effective_ledger_url)
            await stop.wait()
            log.info("worker_stopping")
    ledger.engine.dispose()


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, so that either stops the worker cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    return stop


async def main(settings: Settings | None = None) -> None:
    settings = settings or Settings()
    configure_logging()
    await serve(await connect(settings), settings, stop_on_signals())


if __name__ == "__main__":
    asyncio.run(main())
