"""The document store's contract: content-addressed by SHA-256, written atomically, a second
``put`` of the same bytes a no-op (the first filename kept), nothing stored of a refused file.

Only the SHA-256 of a document goes through a workflow and into the ledger; its bytes stay
here. Every backend (``documents.filesystem``, ``documents.s3``) passes the same contract
tests (``tests/documents/test_store_contract.py``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from documents.errors import TooLarge
from documents.sniffing import media_type
from i18n import _

#: 20 MiB: the default of ``INTERSESSIONAL_DOCUMENT_MAX_BYTES``
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: the most characters of a filename kept (as ``domain.limits.NAME``)
FILENAME_CHARS = 200
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Stored:
    """A document the store holds: its SHA-256 (hex), size in bytes, media type by content,
    and the filename it was first given."""

    sha256: str
    size: int
    media_type: str
    filename: str


def is_sha256(text: str) -> bool:
    return bool(_SHA256.match(text))


def clean_filename(name: str, sha256: str) -> str:
    """The last part of ``name``, without control characters, at most 200 characters; the
    SHA-256 when nothing is left."""
    base = re.split(r"[\\/]", name or "")[-1].strip()
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C")
    return base[-FILENAME_CHARS:] or sha256


def size_in_words(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MiB ({size:,} bytes)"


def admit(data: bytes, filename: str, max_bytes: int) -> Stored:
    """What ``data`` would be stored as, or :class:`DocumentRefused` (too large: naming the
    limit; not a document: naming the accepted types)."""
    if len(data) > max_bytes:
        raise TooLarge(_("the file is {size}; a document may be at most {most}.").format(
            size=size_in_words(len(data)), most=size_in_words(max_bytes)))
    kind = media_type(data)
    sha256 = hashlib.sha256(data).hexdigest()
    return Stored(sha256, len(data), kind, clean_filename(filename, sha256))


class Store(Protocol):
    """A content-addressed document store."""

    max_bytes: int

    def put(self, data: bytes, filename: str) -> Stored:
        """Keep ``data`` (checked by :func:`admit`); the same bytes again change nothing."""
        ...

    def get(self, sha256: str) -> bytes:
        """The bytes of the document, or :class:`documents.NotHeld`."""
        ...

    def has(self, sha256: str) -> bool: ...

    def stat(self, sha256: str) -> Stored:
        """What the store knows of the document, or :class:`documents.NotHeld`."""
        ...

    def open(self, sha256: str) -> Iterator[bytes]:
        """The document's bytes in chunks (for streaming), or :class:`documents.NotHeld`."""
        ...

    def __iter__(self) -> Iterator[str]:
        """The SHA-256 of every document held."""
        ...
