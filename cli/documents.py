"""What ``intersessional coalition …`` and ``intersessional silence …`` take besides a step's
plain fields: a document named by its reference and the SHA-256 of a file (or of a digest
given) — never its text — and a deadline (a moment, or a duration from now).

A document given by ``--file`` is also kept in the document store, so that it can be
downloaded by its hash (a file the store does not take is said so, and its hash recorded as
before); ``--attach`` files of a work plan must be taken by the store (:func:`attached`).
``intersessional documents upload|get`` are in :mod:`cli.documents_cli`."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cli.common import fail
from i18n import N_, _

if TYPE_CHECKING:
    from domain.attachments import Attachment

DOCUMENT = typer.Option(None, "--file", dir_okay=False, metavar="FILE",
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
        raise fail(N_("{path} cannot be read: {why}."), path=path, why=error.strerror) from None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise fail(N_("{path} cannot be read: {why}."), path=path, why=error.strerror) from None


def attached(paths: list[Path]) -> list[Attachment]:
    """Each file kept in the document store, as an attachment; a file the store refuses is
    one line naming it and why, exit 2, nothing recorded."""
    from documents import DocumentRefused
    from domain.attachments import Attachment
    from runtime.documents import document_store
    from settings import Settings

    store, found = document_store(Settings()), []
    for path in paths:
        try:
            stored = store.put(_read(path), path.name)
        except DocumentRefused as error:
            raise fail(_("{path}: {why} Nothing was stored or recorded.").format(
                path=path, why=error)) from None
        found.append(Attachment.model_validate(vars(stored)))
    return found


def kept(path: Path) -> str:
    """The SHA-256 of the file at ``path``, kept in the document store if it takes it (if
    not, said on stderr: the hash is recorded all the same, as before the store)."""
    from documents import DocumentRefused
    from runtime.documents import document_store
    from settings import Settings

    data = _read(path)
    try:
        return document_store(Settings()).put(data, path.name).sha256
    except DocumentRefused as error:
        typer.echo(_("{path} is not kept in the document store ({why}); its SHA-256 is "
                     "recorded all the same.").format(path=path, why=error), err=True)
    return hashlib.sha256(data).hexdigest()


def document(reference: str, file: Path | None, sha256: str | None) -> dict[str, str]:
    """A document's reference and SHA-256: of ``file`` (kept in the document store), or
    ``sha256`` as given; one of them."""
    if (file is None) == (sha256 is None):
        raise fail(N_("name the document's content by --file (its SHA-256 is computed) or by "
                      "--sha256, one of the two."))
    return {"reference": reference,
            "sha256": kept(file) if file is not None else (sha256 or "").strip().lower()}


def deadline(at: str | None, within: str | None) -> datetime:
    """The moment given by ``--deadline`` (UTC if it names no zone) or ``--in`` from now."""
    if (at is None) == (within is None):
        raise fail(N_("give the deadline by --deadline (a moment) or by --in (a duration "
                      "from now), one of the two."))
    if within is not None:
        text = within.strip().lower()
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise fail(N_("--in {within!r} is not a duration; write it as 7d, 36h, 90m, 30s "
                          "or 1d12h."), within=within)
        span = timedelta(**{_UNITS[u]: int(n) for n, u in parts})
        return datetime.now(UTC) + span
    try:
        moment = datetime.fromisoformat((at or "").strip())
    except ValueError:
        raise fail(N_("--deadline {at!r} is not an ISO date and time, such as "
                      "2027-03-01T17:00:00+01:00."), at=at) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
