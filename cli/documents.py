"""What ``intersessional coalition …`` and ``intersessional silence …`` take besides a step's
plain fields: a document named by its reference and the SHA-256 of a file (or of a digest
given) — never its text — and a deadline (a moment, or a duration from now)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer

from cli.common import fail

DOCUMENT = typer.Option(None, "--file", dir_okay=False, metavar="PATH",
                        help="the document itself: its SHA-256 is recorded, never its text")
SHA256 = typer.Option(None, "--sha256", metavar="HEX",
                      help="the document's SHA-256, instead of --file")
DEADLINE = typer.Option(None, "--deadline", metavar="ISO-DATETIME",
                        help="when silence ends (UTC unless the time names its zone)")
WITHIN = typer.Option(None, "--in", metavar="DURATION",
                      help="when silence ends, from now: 7d, 36h, 90m, 30s, 1d12h")
_DURATION = re.compile(r"(\d+)([wdhms])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def digest(path: Path) -> str:
    """The SHA-256 of the bytes of the file at ``path``, in lower-case hex."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise fail(f"{path} cannot be read: {error.strerror}.") from None


def document(reference: str, file: Path | None, sha256: str | None) -> dict[str, str]:
    """A document's reference and SHA-256: of ``file``, or ``sha256`` as given; one of them."""
    if (file is None) == (sha256 is None):
        raise fail("name the document's content by --file (its SHA-256 is computed) or by "
                   "--sha256, one of the two.")
    return {"reference": reference,
            "sha256": digest(file) if file is not None else (sha256 or "").strip().lower()}


def deadline(at: str | None, within: str | None) -> datetime:
    """The moment given by ``--deadline`` (UTC if it names no zone) or ``--in`` from now."""
    if (at is None) == (within is None):
        raise fail("give the deadline by --deadline (a moment) or by --in (a duration from "
                   "now), one of the two.")
    if within is not None:
        text = within.strip().lower()
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise fail(f"--in {within!r} is not a duration; write it as 7d, 36h, 90m, 30s or "
                       "1d12h.")
        span = timedelta(**{_UNITS[u]: int(n) for n, u in parts})
        return datetime.now(UTC) + span
    try:
        moment = datetime.fromisoformat((at or "").strip())
    except ValueError:
        raise fail(f"--deadline {at!r} is not an ISO date and time, such as "
                   "2027-03-01T17:00:00+01:00.") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
