"""Serve the API and dashboard with uvicorn on ``settings.api_host:api_port``.

``serve(settings)`` runs until SIGINT or SIGTERM (``intersessional api``,
``python -m api.serve``), then exits 0; :func:`run` serves beside other work on the running
event loop until ``stop`` is set, leaving the signals to the caller (``intersessional dev``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Generator
from contextlib import contextmanager

import uvicorn

from api.app import create_app
from settings import Settings
from worker import stop_on_signals

log = logging.getLogger("intersessional.api")


def config(settings: Settings) -> uvicorn.Config:
    return uvicorn.Config(create_app(settings), host=settings.api_host, port=settings.api_port,
                          proxy_headers=False, server_header=False, log_config=None)


class _Embedded(uvicorn.Server):
    """A uvicorn server that leaves SIGINT and SIGTERM to whoever runs it."""

    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def run(settings: Settings, stop: asyncio.Event) -> bool:
    """Serve until ``stop`` is set, then finish the requests in hand and return ``True``; if
    the server cannot start (its port taken), say so and return ``False`` at once, leaving the
    caller running."""
    server = _Embedded(config(settings))

    async def stopper() -> None:
        await stop.wait()
        server.should_exit = True

    watcher = asyncio.create_task(stopper())
    try:
        await server.serve()
    except SystemExit:  # uvicorn could not start: it has logged why
        log.error("the API and dashboard are not served: nothing listens on %s:%s",
                  settings.api_host, settings.api_port)
        return False
    finally:
        watcher.cancel()
    return True


def serve(settings: Settings | None = None) -> None:
    """Serve until SIGINT or SIGTERM, then exit 0; exit 1 if the server cannot start."""
    async def main() -> bool:
        return await run(settings or Settings(), stop_on_signals())

    if not asyncio.run(main()):
        raise SystemExit(1)


if __name__ == "__main__":
    serve()
