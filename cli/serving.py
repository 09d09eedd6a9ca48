"""``intersessional demo`` and ``api``: a scripted year on the embedded engine, and the HTTP
API with the dashboard. Each loads what it runs only when it runs."""

from __future__ import annotations

import asyncio

from rich.console import Console

console = Console()


def demo() -> None:
    """Run one whole year on the embedded engine (free ports, data in <data dir>/demo) with
    scripted people, print the timeline from the ledger and the ledger's verification, and
    leave the next year's work plan for you to approve."""
    from scenarios import demo as durable_demo

    wide = Console(width=max(console.width, 120))  # the timeline's table needs the room
    asyncio.run(durable_demo.run(wide))


def api() -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json) and the dashboard on
    INTERSESSIONAL_API_HOST:INTERSESSIONAL_API_PORT against a running engine, until Ctrl-C."""
    from api import serve
    from runtime.observability import configure
    from settings import load

    settings = load()
    configure(settings)
    serve.serve(settings)
