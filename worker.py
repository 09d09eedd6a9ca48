"""The one place that wires the Temporal client, data converter, ledger, logging and worker.

``intersessional worker`` (:func:`command`) runs it against ``INTERSESSIONAL_TEMPORAL_ADDRESS``;
``intersessional dev`` (:func:`dev`) runs it beside the embedded server and the API, and
``intersessional demo`` beside the embedded server; tests and benchmarks build the same worker
with :func:`cycle_worker`. The CLI's command table names these two commands by module and
attribute, as a console script names its entry point: the CLI imports nothing of the worker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import structlog
from rich.console import Console
from rich.markup import escape
from temporalio.client import Client
from temporalio.worker import Worker

import runtime.health as worker_health
from activities.notices import NoticeActivities
from activities.recording import CycleActivities
from i18n import _
from ledger import Ledger, create_ledger_engine, upgrade
from ledger.group import GroupCommitLedger
from recovery.repair import recover
from runtime import observability
from runtime.metrics import metered_runtime
from runtime.observability import flush_traces, tracing_interceptors
from runtime.temporal import NO_TEMPORAL, connect, stop_on_signals
from settings import Settings, SettingsError, load, variable
from workflows.registered import WORKFLOWS

STOPPING = timedelta(seconds=30)


def open_ledger(settings: Settings) -> Ledger:
    """The ledger the settings point at, migrated to the current schema; its appends are
    committed in groups (the activities append from many threads at once)."""
    engine = create_ledger_engine(settings.effective_ledger_url)
    upgrade(engine)
    return GroupCommitLedger(engine)


def cycle_activities(ledger: Ledger, settings: Settings) -> list[Callable[..., Any]]:
    acts = CycleActivities(ledger, settings.effective_signing_key,
                           attestation_key=settings.effective_attestation_key,
                           default_profile=settings.profile)
    sending = NoticeActivities(ledger, settings)
    return [acts.record_event, acts.read_stream, acts.note_attention, acts.prepare_cycle,
            acts.read_registry, acts.read_record, acts.take_checkpoint, sending.start_notices,
            sending.plan_notices, sending.send_notice]


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
            healing = asyncio.create_task(recover_orphans(client, ledger, settings.task_queue))
            await stop.wait()
            healing.cancel()
            log.info("worker_stopping")
    ledger.engine.dispose()


async def recover_orphans(client: Client, ledger: Ledger, task_queue: str) -> None:
    """At start-up, start again from the ledger every stream whose workflow disagrees with
    it (``intersessional engine recover``): a worker that comes back after Temporal lost or
    rolled back its database, or after a run was terminated, heals what it finds."""
    log = structlog.get_logger("intersessional.worker")
    try:
        for repaired in await recover(client, ledger, task_queue):
            log.warning("stream_recovered", stream=repaired.stream, problem=repaired.problem,
                        cause=repaired.cause, action=repaired.action, after=repaired.after)
    except Exception as error:  # a failed recovery must not stop the worker
        log.error("recovery_failed", error=str(error), repair="intersessional engine recover")


async def main(settings: Settings | None = None) -> None:
    """``intersessional worker``: the settings checked, logs and tracing configured, served
    with its health endpoint until SIGINT or SIGTERM."""
    settings = settings or load()
    if settings.signing_key is not None and not settings.signing_key.is_file():
        raise SettingsError(_("wrong setting: {setting} names {path}, which is not a file "
                              "(make the key once with `intersessional db keygen --out PATH` "
                              "and give every worker the same file)").format(
                                  setting=variable("signing_key"), path=settings.signing_key))
    observability.configure(settings)
    client = await connect(settings, tracing_interceptors(settings, "intersessional-worker"),
                           metered_runtime(settings))
    try:
        await serve(client, settings, stop_on_signals(), health=True)
    finally:
        flush_traces()


def command() -> None:
    """Run a worker against INTERSESSIONAL_TEMPORAL_ADDRESS (logs on stderr: JSON, or text on
    a terminal), answering GET /health on INTERSESSIONAL_WORKER_HEALTH_HOST:PORT, until SIGINT
    or SIGTERM."""
    try:
        asyncio.run(main())
    except SettingsError as wrong:
        _say(str(wrong))
        raise SystemExit(2) from None
    except RuntimeError:  # the client could not connect: the address, never the transport's text
        _say(_(NO_TEMPORAL).format(address=load().temporal_address))
        raise SystemExit(3) from None  # cli.output.Exit.unreachable
    except OSError as error:
        _say(str(error))
        raise SystemExit(1) from None


def _say(sentence: str) -> None:
    Console(stderr=True, soft_wrap=True).print(f"[red]{escape(sentence)}[/red]")


async def _dev(settings: Settings) -> None:
    from api import serve as api_server  # noqa: PLC0415 - the API only where dev serves it
    from runtime.embedded import start_embedded  # noqa: PLC0415

    observability.configure(settings)
    env = await start_embedded(settings, runtime=metered_runtime(settings, dev=True))
    stop = stop_on_signals()
    Console().print(_("intersessional dev: Temporal at {temporal} (web UI {ui}), ledger "
                      "{ledger}, API and dashboard {api}/; Ctrl-C stops, starting again "
                      "resumes every open cycle").format(
                          temporal=settings.temporal_address,
                          ui=f"http://127.0.0.1:{settings.temporal_ui_port}",
                          ledger=settings.shown_ledger_url,
                          api=f"http://{settings.api_host}:{settings.api_port}"))
    try:
        await asyncio.gather(serve(env.client, settings, stop), api_server.run(settings, stop))
    finally:
        await env.shutdown()


def dev() -> None:
    """Start the embedded engine: Temporal's dev server (state in the data directory), the
    SQLite ledger there, a worker, and the HTTP API with the dashboard, until Ctrl-C."""
    try:
        asyncio.run(_dev(load()))
    except OSError as error:  # the worker's metrics port taken (INTERSESSIONAL_WORKER_METRICS_…)
        _say(str(error))
        raise SystemExit(1) from None


if __name__ == "__main__":
    asyncio.run(main())
