"""What a kind of process contributes to the Review Conference's report: a :class:`Section`,
which :func:`audit.review.gather` asks of every kind in ``domain.kinds``. A section says which of
a stream's events the report reads, and makes the kind's facts from the streams so read; the
walk, the parsing, the judging and the order are the gathering's, the same for every kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from audit.replay import NotFolded, fold
from audit.years import year_of
from domain.convention import State
from i18n import _
from ledger import StoredEvent


class ReportError(Exception):
    """The report cannot be made; the message is one sentence for the person who asked."""


class NoCycle(ReportError):  # noqa: N818 - a ReportError of one kind, named for it
    """A year of the report has no recorded cycle (the CLI's exit 4, not found)."""


def refused(position: int, stream: str, version: int, why: str) -> ReportError:
    """The report refused for an event it cannot read: where it is, and why."""
    return ReportError(_("the event at position {position} ({stream}, version {version}) "
                         "{why}.").format(position=position, stream=stream, version=version,
                                          why=why))


@dataclass(frozen=True)
class Years:
    """The years a report covers (``first`` … ``last``), and the registry a State no recorded
    step judged is looked up in."""

    first: int
    last: int
    registry: Mapping[str, State]

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and self.first <= year <= self.last


@dataclass(frozen=True)
class Read:
    """A stream as the report reads it: the events its section chose, in version order, each
    as stored and as parsed by its kind; how many later ones were left out."""

    stream: str
    events: tuple[tuple[StoredEvent, Any], ...]
    later: int

    def judged(self) -> Any:
        """The state after the events, each applied by its kind's rules (the ones that
        accepted it); a ``ReportError`` naming the first they refuse."""
        try:
            return fold(self.stream, ((s.position, s.version, e) for s, e in self.events))
        except NotFolded as refusal:
            raise refused(refusal.position, refusal.stream, refusal.version,
                          f"is refused by the rules: {refusal.why}") from None


#: a section's facts, in the order of their streams, and the States they record (alpha-3 code
#: -> name)
Made = tuple[tuple[Any, ...], Mapping[str, str]]


@dataclass(frozen=True)
class Section:
    """One kind's part of the report. ``field``: the ``ReviewFacts`` field its facts fill;
    ``reads``: which of a stream's events (all of them, in version order) the report reads —
    none, and the stream is not the years'; ``make``: the facts of the streams so read;
    ``summary``: a state of the kind in one sentence (``audit replay``'s line)."""

    field: str
    reads: Callable[[str, Sequence[StoredEvent], Years], Sequence[StoredEvent]]
    make: Callable[[Sequence[Read], Years], Made]
    summary: Callable[[Any], str]


def up_to(recorded: Sequence[StoredEvent], years: Years) -> list[StoredEvent]:
    """The events that occurred by the end of the years' last (a process as it stood then)."""
    return [e for e in recorded if year_of(e) <= years.last]
