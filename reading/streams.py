"""Any process as the ledger records it: the streams of a kind, and each one's state folded
from its own events by the kind's rules (the same ``apply`` that judged each step). What the
dashboard, the API's reads, the CLI and the audit show comes from here, so an ended process
reads the same as a running one, with no engine needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from domain.errors import RuleViolation
from domain.kinds import COALITION, Kind, kind_of
from ledger import Ledger, StoredEvent
from ledger.attention import Attention, noted


class NotFoldable(Exception):  # noqa: N818 - named for what the record is, like ReplayRefused
    """A stream's recorded events no longer fold under the rules that recorded them: the
    ledger was altered (``audit verify`` says where), or written outside the engine."""


def numbered(ids: Iterable[str]) -> list[str]:
    """``ids`` in the order a person counts them: ``coalition-lao-2`` before
    ``coalition-lao-10`` (the ledger lists stream names as text)."""
    return sorted(ids, key=lambda name: [int(part) if part.isdigit() else part
                                         for part in re.split(r"(\d+)", name)])


def streams(ledger: Ledger, kind: Kind[Any], prefix: str = "") -> list[str]:
    """Every stream of ``kind`` the ledger records (under ``prefix``, if given), in order."""
    return numbered(ledger.streams(prefix or kind.prefix))


def fold(kind: Kind[Any], recorded: Iterable[StoredEvent]) -> Any:
    """The state after ``recorded``; ``NotFoldable`` if the rules refuse one of them."""
    try:
        return kind.fold(e.payload for e in recorded)
    except (RuleViolation, ValidationError) as error:
        raise NotFoldable(f"the recorded events do not fold under the rules ({error}); "
                          "`intersessional audit verify` says where the ledger was "
                          "altered.") from None


def state_of(ledger: Ledger, stream: str) -> Any:
    """The state of ``stream`` as recorded, or ``None`` if the ledger has no such stream."""
    recorded = ledger.read_stream(stream.lower())
    return fold(kind_of(stream.lower()), recorded) if recorded else None


def attention_of(ledger: Ledger, stream: str) -> Attention | None:
    """Why ``stream`` cannot move on its own and the repair, if its workflow noted so
    (``ledger.attention``); shown beside its state wherever it is read."""
    found = noted(ledger.engine, stream.lower())
    return found[0] if found else None


def progress_reports(ledger: Ledger, msp_year: int) -> list[tuple[str, Any, str]]:
    """The coalitions' progress reported into the MSP of ``msp_year``'s submission: (id, the
    coalition, the summary), in the order of the coalitions' ids."""
    found = []
    for cid in streams(ledger, COALITION):
        state = state_of(ledger, cid)
        found += [(cid, state, r.summary) for r in state.reports if r.msp_year == msp_year]
    return found
