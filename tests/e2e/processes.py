"""What the coalition and silence command-line tests share: people registered with
``intersessional users add`` (their tokens read from its output) and independent commands run
side by side (a refusal is ``tests.e2e.conftest.refused``) — each
command is a process that spends about two seconds importing before it does anything."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from domain.committee import Presidency
from domain.elections import Term
from tests.e2e.conftest import Dev
from tests.request_files import write_request

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


def hold_office(dev: Dev, folder: Path, presiding: str, terms: Sequence[Term]) -> None:
    """The ISU opens next year's cycle — the first the engine keeps — with what it carries in:
    ``presiding``'s presidency, in office since a month ago, and ``terms``. A coalition's and
    a silence procedure's steps are judged on that record (``domain.authority``)."""
    [isu] = register(dev, ("Isa Unit", "isu", None))
    today = datetime.now(UTC).date()
    since = today - timedelta(days=30)
    presidency = Presidency(state=presiding, meeting=f"Meeting of States Parties of "
                            f"{since.year}", designated_on=since - timedelta(days=365),
                            presides_from=since)
    opening = write_request(folder / "opening.json", {
        "carried_presidencies": [presidency.model_dump(mode="json")],
        "carried_terms": [t.model_dump(mode="json") for t in terms]})
    dev.cli(*by(isu, "cycle", "open", "--year", str(today.year + 1), "--file", str(opening)))
    # the deadlines already past as it opens are recorded as missed at once: let them be, so
    # that a test's "nothing recorded" compares the ledger after them
    head, settled = dev.head(), time.monotonic() + 30
    while time.monotonic() < settled:
        time.sleep(1.0)
        if dev.head() == head:
            return
        head = dev.head()
