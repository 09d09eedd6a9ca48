"""Ports for the servers the tests start: Temporal's servers, uvicorn, ``intersessional dev``,
a worker's health endpoint.

``runtime.embedded.free_port`` asks the kernel for a port of its ephemeral range and lets it
go again before the server binds it; meanwhile the kernel may give the same port to anyone
else who asks — and every ``temporal server start-dev`` asks for five (its HTTP, metrics and
internal ports). With pytest-xdist starting servers in several workers at once, that collides
now and then. The ports here lie below the ephemeral range, where the kernel hands out none of
its own accord; each xdist worker draws from a block of its own, in turn (a port comes round
again only after the whole block), and only a port nothing is bound to now.
"""

from __future__ import annotations

import functools
import os
import random
import socket
import threading
from dataclasses import dataclass, field
from pathlib import Path

FLOOR = 10_000  # above the fixed ports of services (5432, 7233, 8000, 8001, 8233 …)
#: Linux's default ephemeral range starts here when /proc does not say
EPHEMERAL = 32_768
_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")


def _ephemeral_floor() -> int:
    try:
        return int(_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return EPHEMERAL


def worker() -> tuple[int, int]:
    """This process's pytest-xdist worker: its index and the number of workers ((0, 1) when
    the suite runs in one process)."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(name.removeprefix("gw")), int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))


def _bindable(port: int) -> bool:
    """Nothing is bound to 127.0.0.1:``port``, nor waits there in TIME_WAIT (no
    SO_REUSEADDR: stricter than a server that will bind it)."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class _Block:
    start: int
    size: int
    # a random first port, so that two test runs at once on one machine start apart
    offset: int = field(init=False)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.offset = random.randrange(self.size)

    def take(self) -> int:
        with self.lock:
            for _ in range(self.size):
                port = self.start + self.offset
                self.offset = (self.offset + 1) % self.size
                if _bindable(port):
                    return port
        raise RuntimeError(f"no free port in {self.start}-{self.start + self.size - 1}")


@functools.cache
def _block() -> _Block:
    """This process's block, made on first use (once pytest-xdist has named the worker)."""
    index, count = worker()
    size = (_ephemeral_floor() - FLOOR) // max(count, 1)
    if size < 100:
        raise RuntimeError(f"the ephemeral ports start at {_ephemeral_floor()} ({_RANGE}): "
                           f"too few ports below it for {count} workers")
    return _Block(start=FLOOR + index * size, size=size)


def free_port() -> int:
    """A TCP port of this worker's block that nothing is bound to on 127.0.0.1 now, and that
    no other worker of this run is given."""
    return _block().take()
