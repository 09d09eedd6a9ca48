"""A history year being judged: each event built and applied in turn, a refusal turned into
the ``HistoryRefusal`` that names the rule and the line of the fact it refuses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from domain.convention import Actor, Role
from domain.cycle import apply
from domain.errors import RuleViolation
from domain.events import CycleEvent
from domain.state import CycleState
from history.lines import HistoryRefusal

#: who records the facts of the Convention's record that the ISU keeps (ISU-1: for no State)
RECORD = Actor(name="the Convention's record", role=Role.ISU)


@dataclass(frozen=True)
class Fact:
    """An event to record, and the line of the file it comes from."""

    event: CycleEvent
    line: int | None


@dataclass(frozen=True)
class BuiltYear:
    """A year judged whole: its facts in order, the state they leave, its section's digest."""

    year: int
    facts: tuple[Fact, ...]
    state: CycleState
    digest: str


class Year:
    """The year being built: its state so far and the facts judged."""

    def __init__(self, year: int) -> None:
        self.year, self.state, self.facts = year, CycleState(), list[Fact]()

    def add(self, make: Callable[[int], CycleEvent], line: int | None,
            lines_of: Callable[[str], int | None] | None = None) -> None:
        """Build the next event (``make`` is given its index) and judge it; a refusal names
        ``line``, or the line ``lines_of`` finds for the refusal's message."""
        try:
            event = make(len(self.facts))
            self.state = apply(self.state, event)
        except RuleViolation as refused:
            found = lines_of(refused.message) if lines_of else None
            raise HistoryRefusal(refused.rule_id, refused.message, found or line,
                                 self.year) from None
        except (ValidationError, ValueError) as error:
            raise HistoryRefusal("HI-1", f"the fact cannot be recorded: {error}", line,
                                 self.year) from None
        self.facts.append(Fact(event, line))
