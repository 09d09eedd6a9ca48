"""A uvicorn server run beside other work on the running event loop — the API and dashboard in
``intersessional dev`` and ``api``, a worker's health endpoint — leaving SIGINT and SIGTERM to
whoever runs it."""

from __future__ import annotations

import asyncio
from collections.abc import Generator
from contextlib import contextmanager

import uvicorn


class EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves SIGINT and SIGTERM to whoever runs it."""

    @contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def serve_until(server: uvicorn.Server, stop: asyncio.Event) -> bool:
    """Serve until ``stop`` is set, then finish the requests in hand and return ``True``;
    ``False`` at once if the server cannot start (its port taken: uvicorn has logged why)."""

    async def stopper() -> None:
        await stop.wait()
        server.should_exit = True

    watcher = asyncio.create_task(stopper())
    try:
        await server.serve()
    except SystemExit:  # uvicorn exits when it cannot bind
        return False
    finally:
        watcher.cancel()
    return True
