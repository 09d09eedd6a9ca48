"""Serve the API and dashboard with uvicorn on ``settings.api_host:api_port``.

``serve(settings)`` runs until SIGINT or SIGTERM (``intersessional api``,
``python -m api.serve``), then exits 0; :func:`run` serves beside other work on the running
event loop until ``stop`` is set, leaving the signals to the caller (``intersessional dev``).
"""

from __future__ import annotations

import asyncio
import logging

import uvicorn

from api.app import create_app
from runtime.http import EmbeddedServer, serve_until
from runtime.temporal import stop_on_signals
from settings import Settings

log = logging.getLogger("intersessional.api")


def config(settings: Settings) -> uvicorn.Config:
    return uvicorn.Config(create_app(settings), host=settings.api_host, port=settings.api_port,
                          proxy_headers=True, forwarded_allow_ips=settings.trusted_proxies,
                          server_header=False, log_config=None)


async def run(settings: Settings, stop: asyncio.Event) -> bool:
    """Serve until ``stop`` is set, then finish the requests in hand and return ``True``; if
    the server cannot start (its port taken), say so and return ``False`` at once, leaving the
    caller running."""
    if await serve_until(EmbeddedServer(config(settings)), stop):
        return True
    log.error("the API and dashboard are not served: nothing listens on %s:%s",
              settings.api_host, settings.api_port)
    return False


def serve(settings: Settings | None = None) -> None:
    """Serve until SIGINT or SIGTERM, then exit 0; exit 1 if the server cannot start."""
    async def main() -> bool:
        return await run(settings or Settings(), stop_on_signals())

    if not asyncio.run(main()):
        raise SystemExit(1)


if __name__ == "__main__":
    serve()
