"""Completing a year imported from an incomplete record (HI-2): a later file that names more
coordinators for a year the ledger holds as incomplete adds them, in one event
(``RecordCompleted``) appended to the year's stream; nothing recorded changes. The year is
rebuilt from the file and compared with the ledger: every recorded fact must be rebuilt the
same (the election may name more coordinators, never fewer); anything else differing is
refused (HI-1: a year is recorded once)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from domain.convention import State
from domain.cycle import apply
from domain.errors import RuleViolation
from domain.events import CoordinatorsElected, RecordCompleted
from domain.state import CycleState
from history.format import HistoryFile
from history.judging import RECORD, BuiltYear
from history.lines import HistoryRefusal, Lines
from ledger import StoredEvent

#: what a completion may change in the election's recorded form: its terms, standings,
#: reason and sources (the new file names more)
_ELECTION_GROWS = ("election", "standings", "incomplete", "source", "warnings")


def _seats(terms: Sequence[Any]) -> set[tuple[str, str]]:
    return {(t["state"], t["mandate"]) for t in terms}


def _same(recorded: dict[str, Any], rebuilt: dict[str, Any]) -> bool:
    if recorded["type"] != "CoordinatorsElected":
        return recorded == rebuilt
    trimmed = [{k: v for k, v in p.items() if k not in _ELECTION_GROWS}
               for p in (recorded, rebuilt)]
    return trimmed[0] == trimmed[1] and _seats(recorded["election"]["terms"]) <= _seats(
        rebuilt["election"]["terms"])


def completion(file: HistoryFile, i: int, stored: Sequence[StoredEvent], state: CycleState, *,
               built: BuiltYear, lines: Lines, registry: Mapping[str, State]
               ) -> RecordCompleted | None:
    """The event completing the recorded ``state`` from the year ``built`` anew from the
    file; ``None`` if the file names no one the record lacks; ``HistoryRefusal`` if the file
    records the year otherwise."""
    y = file.years[i]
    original = [s for s in stored if s.type != "RecordCompleted"]
    rebuilt = [f.event.model_dump(mode="json") for f in built.facts]
    if len(original) != len(rebuilt) or not all(
            _same(s.payload, r) for s, r in zip(original, rebuilt, strict=True)):
        raise HistoryRefusal("HI-1", f"the ledger already holds the {y.year} cycle, and this "
                             "file records it otherwise than by naming more coordinators; a "
                             "year is recorded once", lines.of(("years", i)), y.year)
    held = {(t.state, t.mandate) for t in state.terms if t.covers(y.year)}
    election = next(f.event for f in built.facts if isinstance(f.event, CoordinatorsElected))
    added = tuple(t for t in election.election.terms if (t.state, t.mandate) not in held)
    if not added:
        return None
    event = RecordCompleted(
        # from the day the election was recorded, as the coordinators recorded with it
        year=y.year, occurred_at=election.occurred_at, actor=RECORD, terms=added,
        standings=tuple(s for code, s in registry.items() if code in {t.state for t in added}),
        source=election.source)
    try:
        apply(state, event)
    except RuleViolation as refused:
        raise HistoryRefusal(refused.rule_id, refused.message,
                             lines.of(("years", i, "coordinators")), y.year) from None
    return event
