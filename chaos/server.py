"""``python -m chaos.server``: the embedded Temporal server alone, as a process of its own.

It starts the server exactly as ``intersessional dev`` does (:func:`runtime.embedded.
start_embedded`, the same database file and SQLite settings), from the ``INTERSESSIONAL_``
settings in its environment, and stops it on SIGINT or SIGTERM; the chaos experiments kill
its process group (it and its ``temporal`` child) to crash both.
"""

from __future__ import annotations

import asyncio

from runtime.embedded import start_embedded
from runtime.temporal import stop_on_signals
from settings import load


async def main() -> None:
    settings = load()
    env = await start_embedded(settings, ui=False)
    stop = stop_on_signals()
    print(f"chaos server: Temporal at {settings.temporal_address}, database "
          f"{settings.temporal_database}", flush=True)
    try:
        await stop.wait()
    finally:
        await env.shutdown()


if __name__ == "__main__":
    asyncio.run(main())
