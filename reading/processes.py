"""Coalitions and silence procedures as the ledger records them: their ids, and each one's
state folded from its own stream by the domain's rules (the same ``apply`` that judged each
step). What the dashboard, the API's reads and the audit show comes from here, so a closed
coalition reads the same as a running one, with no engine needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from pydantic import ValidationError

from domain import coalition, silence
from domain.coalition_events import COALITION_EVENT
from domain.coalition_state import CoalitionState
from domain.errors import RuleViolation
from domain.silence import SilenceState
from domain.silence_events import SILENCE_EVENT
from ledger import Ledger, StoredEvent

COALITIONS, SILENCE = "coalition-", "silence-"
T = TypeVar("T")


class NotFoldable(Exception):  # noqa: N818 - named for what the record is, like ReplayRefused
    """A stream's recorded events no longer fold under the rules that recorded them: the
    ledger was altered (``audit verify`` says where), or written outside the engine."""


def _folded(stream: str, fold: Callable[[], T]) -> T:
    try:
        return fold()
    except (RuleViolation, ValidationError) as error:
        raise NotFoldable(f"the recorded events of {stream} do not fold under the rules "
                          f"({error}); `intersessional audit verify` says where the ledger "
                          "was altered.") from None


def numbered(ids: Iterable[str]) -> list[str]:
    """``ids`` in the order a person counts them: ``coalition-lao-2`` before
    ``coalition-lao-10`` (the ledger lists stream names as text)."""
    return sorted(ids, key=lambda name: [int(part) if part.isdigit() else part
                                         for part in re.split(r"(\d+)", name)])


def coalition_ids(ledger: Ledger) -> list[str]:
    """Every coalition the ledger records, ``coalition-lao-1`` …, in order."""
    return numbered(ledger.streams(COALITIONS))


def silence_ids(ledger: Ledger) -> list[str]:
    """Every silence procedure the ledger records, ``silence-2026-1`` …, in order."""
    return numbered(ledger.streams(SILENCE))


def fold_coalition(recorded: list[StoredEvent]) -> CoalitionState:
    """The coalition after its recorded events; ``RuleViolation`` if one is refused."""
    return coalition.fold(COALITION_EVENT.validate_python(e.payload) for e in recorded)


def fold_silence(recorded: list[StoredEvent]) -> SilenceState:
    return silence.fold(SILENCE_EVENT.validate_python(e.payload) for e in recorded)


def coalition_of(ledger: Ledger, coalition_id: str) -> CoalitionState | None:
    """The coalition ``coalition_id`` as recorded, or ``None`` if the ledger has no such."""
    recorded = ledger.read_stream(coalition_id.lower())
    return _folded(coalition_id, lambda: fold_coalition(recorded)) if recorded else None


def silence_of(ledger: Ledger, procedure: str) -> SilenceState | None:
    recorded = ledger.read_stream(procedure.lower())
    return _folded(procedure, lambda: fold_silence(recorded)) if recorded else None


def progress_reports(ledger: Ledger, msp_year: int) -> list[tuple[str, CoalitionState, str]]:
    """The coalitions' progress reported into the MSP of ``msp_year``'s submission: (id, the
    coalition, the summary), in the order of the coalitions' ids."""
    found = []
    for cid in coalition_ids(ledger):
        state = coalition_of(ledger, cid)
        assert state is not None  # listed, so recorded
        found += [(cid, state, r.summary) for r in state.reports if r.msp_year == msp_year]
    return found
