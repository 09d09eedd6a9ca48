"""``GET /health`` of a worker process, for an orchestrator's health check.

200 when the worker polls its task queue, Temporal answers and the ledger can be read; 503 with
the reason otherwise, as ``application/problem+json``. Served by uvicorn on
``INTERSESSIONAL_WORKER_HEALTH_HOST:PORT`` beside the worker, on its event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from temporalio.client import Client
from temporalio.worker import Worker

from i18n import _
from ledger import Ledger
from runtime.http import EmbeddedServer, serve_until
from settings import Settings


def _unhealthy(detail: str) -> JSONResponse:
    return JSONResponse({"type": "about:blank", "title": "worker unhealthy", "status": 503,
                         "detail": detail}, status_code=503,
                        media_type="application/problem+json")


def health_app(worker: Worker, client: Client, ledger: Ledger, settings: Settings) -> Starlette:
    """The app answering ``GET /health`` for ``worker``."""

    async def health(_: Request) -> JSONResponse:
        if not worker.is_running or worker.is_shutdown:
            return _unhealthy("the worker is not polling its task queue")
        try:
            await asyncio.wait_for(client.service_client.check_health(), timeout=5)
        except Exception as error:
            return _unhealthy(f"Temporal at {settings.temporal_address} does not answer "
                              f"({type(error).__name__})")
        try:
            head = await run_in_threadpool(ledger.head)
        except Exception as error:
            return _unhealthy(f"the ledger cannot be read ({type(error).__name__})")
        body: dict[str, Any] = {"worker": "polling", "task_queue": settings.task_queue,
                                "identity": client.identity,
                                "temporal": settings.temporal_address, "ledger_head": head}
        return JSONResponse(body)

    return Starlette(routes=[Route("/health", health)])


@contextlib.asynccontextmanager
async def served(worker: Worker, client: Client, ledger: Ledger, settings: Settings,
                 enabled: bool) -> AsyncIterator[None]:
    """Serve the health endpoint while the block runs (nothing if not ``enabled``). A port
    already taken fails the start, as a wrong setting would."""
    if not enabled:
        yield
        return
    server = EmbeddedServer(uvicorn.Config(health_app(worker, client, ledger, settings),
                                   host=settings.worker_health_host,
                                   port=settings.worker_health_port, log_config=None,
                                   access_log=False, server_header=False, lifespan="off"))
    stop = asyncio.Event()
    task = asyncio.create_task(serve_until(server, stop))
    while not server.started:
        if task.done():
            raise OSError(_("the worker's health endpoint cannot listen on {host}:{port}")
                          .format(host=settings.worker_health_host,
                                  port=settings.worker_health_port))
        await asyncio.sleep(0.02)
    try:
        yield
    finally:
        stop.set()
        await task
