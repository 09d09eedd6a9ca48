"""Which streams some years of the ledger concern, for ``audit export``, ``audit cross-check``
and ``audit report``.

A span of years holds each year's cycle by its name (``cycle-2027``). Every other kind of
process (``domain.kinds``: a country coalition, a silence procedure, …) runs across years as it
needs, so a span holds those of its streams with an event that occurred in it (the
Convention's time, ``occurred_at``), whole.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from domain.kinds import CYCLE, KINDS, Kind, kind_of
from ledger import Ledger, StoredEvent
from reading.streams import streams


def year_of(e: StoredEvent) -> int:
    """The year the event occurred in (the Convention's time: ``occurred_at``, UTC)."""
    return int(e.occurred_at[:4])


def process_kinds() -> list[Kind[Any]]:
    """Every kind but the annual cycle: those whose streams a span holds by their events."""
    return [kind for kind in KINDS.values() if kind is not CYCLE]


def is_process(stream: str) -> bool:
    """Whether ``stream`` is the stream of one of :func:`process_kinds`."""
    try:
        return kind_of(stream) is not CYCLE
    except KeyError:
        return False


def process_streams(ledger: Ledger) -> list[str]:
    """Every stream of :func:`process_kinds` the ledger holds, kind by kind, in order."""
    return [stream for kind in process_kinds() for stream in streams(ledger, kind)]


def touching(ledger: Ledger, years: Collection[int]) -> list[str]:
    """The process streams with an event that occurred in one of ``years``; every one of
    them for no years at all (``()``)."""
    chosen = set(years)
    return [s for s in process_streams(ledger)
            if not chosen or any(year_of(e) in chosen for e in ledger.read_stream(s))]
