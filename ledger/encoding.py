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
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

FORMAT = "intersessional-ledger/1"
GENESIS = "0" * 64
SEPARATOR = "\x1f"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_sha256 = hashlib.sha256


def _not_json(value: object) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False), made
# once: json's C encoder itself, called without JSONEncoder.encode's Python around it, which
# built a new C encoder on every call (2.5 µs a payload of ~200 bytes; 1.5 µs so). No markers
# dict (``check_circular``): a shared one keeps the entries of an encoding that failed half-way,
# so a later payload could be refused as circular. A circular payload, which no JSON source
# can make, meets RecursionError instead of ValueError: refused, and nothing written, either way.
_CANONICAL = c_make_encoder(None, _not_json, encode_basestring_ascii, None, ":", ",", True,
                            False, False) if c_make_encoder is not None else None
_FALLBACK = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                             allow_nan=False)


def canonical_json(payload: Mapping[str, Any]) -> str:
    """Sorted keys, no insignificant whitespace, ASCII only; NaN and infinities refused."""
    if _CANONICAL is None:  # a Python without json's C accelerator
        return _FALLBACK.encode(payload)
    return "".join(_CANONICAL(payload, 0))


def canonical_time(moment: datetime) -> str:
    """A timezone-aware moment as UTC text with microseconds, e.g. 2025-06-02T09:00:00.000000Z."""
    if moment.tzinfo is None:
        raise ValueError(f"{moment.isoformat()} has no timezone; the ledger records UTC moments")
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)  # the common case, cheaper
    if utc.year < 1000:  # strftime's %Y does not pad these years to four digits; isoformat does
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    # the same text as strftime("%Y-%m-%dT%H:%M:%S.%fZ"), at about half its cost
    return utc.isoformat(timespec="microseconds")[:-6] + "Z"  # drop "+00:00"


def check_text(name: str, value: str) -> str:
    """Refuse a field the encoding could not keep unambiguous (control characters)."""
    if _CONTROL.search(value):
        raise ValueError(f"{name} contains a control character, which the ledger does not record")
    return value


def record_text(fields: tuple[str, ...], payload: str) -> str:
    """The canonical text of one event: format, the 14 header fields, then the payload."""
    return SEPARATOR.join((FORMAT, *fields, payload))


def event_hash(fields: tuple[str, ...], payload: str) -> str:
    """SHA-256 (hex) of :func:`record_text` (inlined: it runs once for every event written)."""
    return _sha256(SEPARATOR.join((FORMAT, *fields, payload)).encode()).hexdigest()
