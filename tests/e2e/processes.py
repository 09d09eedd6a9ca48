"""What the coalition and silence command-line tests share: people registered with
``intersessional users add`` (their tokens read from its output) and independent commands run
side by side (a refusal is ``tests.e2e.conftest.refused``) — each
command is a process that spends about two seconds importing before it does anything."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tests.e2e.conftest import Dev

ADDED = re.compile(r"added person (\d+):.*\ntoken: (isx_[A-Za-z0-9_-]{43})")


@dataclass(frozen=True)
class Someone:
    name: str
    token: str


def together(dev: Dev, *commands: Sequence[str]) -> list[subprocess.CompletedProcess[str]]:
    """``intersessional <command>`` for each of ``commands`` at once; each must exit 0."""
    with ThreadPoolExecutor(max_workers=len(commands)) as pool:
        return list(pool.map(lambda args: dev.cli(*args), commands))


def register(dev: Dev, *people: tuple[str, str, str | None]) -> list[Someone]:
    """Each ``(name, role, State)`` added with ``users add``, with the token it printed."""
    found = []
    for (name, _, _), added in zip(people, together(dev, *(
            ["users", "add", name, "--role", role, *(["--state", state] if state else [])]
            for name, role, state in people)), strict=True):
        match = ADDED.search(added.stdout)
        assert match, added.stdout
        found.append(Someone(name=name, token=match[2]))
    return found


def by(someone: Someone, *args: str) -> list[str]:
    """A command taken with ``someone``'s token."""
    return [*args, "--token", someone.token]
