"""The canonical, versioned encoding of a recorded event, and its hash (``docs/LEDGER.md``).

Format 1: the fields below, in this order, as UTF-8 text joined by the unit separator U+001F,
hashed with SHA-256 (lower-case hex). No field may contain a character below U+0020, so the
join is unambiguous; the payload is canonical JSON (sorted keys, no spaces, ASCII only, which
escapes every control character), and comes last.

    intersessional-ledger/1, position, event_id, stream, version, type, schema_version, actor,
    role, occurred_at, recorded_at, workflow_id, run_id, causation_id, prev_hash, payload

Absent optional fields (workflow_id, run_id, causation_id) are empty strings. Times are UTC,
``YYYY-MM-DDTHH:MM:SS.ffffffZ``. The first event of a stream has ``prev_hash`` = 64 zeros.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

FORMAT = "intersessional-ledger/1"
GENESIS = "0" * 64
SEPARATOR = "\x1f"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def canonical_json(payload: Mapping[str, Any]) -> str:
    """Sorted keys, no insignificant whitespace, ASCII only; NaN and infinities refused."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False)


def canonical_time(moment: datetime) -> str:
    """A timezone-aware moment as UTC text with microseconds, e.g. 2025-06-02T09:00:00.000000Z."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no timezone; the ledger records UTC moments")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def check_text(name: str, value: str) -> str:
    """Refuse a field the encoding could not keep unambiguous (control characters)."""
    if _CONTROL.search(value):
        raise ValueError(f"{name} contains a control character, which the ledger does not record")
    return value


def record_text(fields: tuple[str, ...], payload: str) -> str:
    """The canonical text of one event: format, the 14 header fields, then the payload."""
    return SEPARATOR.join((FORMAT, *fields, payload))


def event_hash(fields: tuple[str, ...], payload: str) -> str:
    """SHA-256 (hex) of :func:`record_text`."""
    return hashlib.sha256(record_text(fields, payload).encode("utf-8")).hexdigest()
