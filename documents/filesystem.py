"""The filesystem backend, the default: ``<root>/ab/cdef…`` (the SHA-256 split after two
characters, so that no directory holds more than a fraction of the documents), and beside
each document ``….json``, its media type and first filename.

A document is written to a temporary file in its directory, flushed to disk (fsync) and
renamed into place, then the directory is synced: a reader sees the whole document or none,
and a power cut leaves no half of one under its name. The data file is the commit point: its
description is written first, so a document held always has one (or is described anew).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from documents.errors import NotHeld
from documents.sniffing import media_type
from documents.store import CHUNK, DEFAULT_MAX_BYTES, Stored, admit, is_sha256


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)


class FileStore:
    """Documents under ``root``, each at most ``max_bytes``."""

    def __init__(self, root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.root, self.max_bytes = Path(root), max_bytes

    def _path(self, sha256: str) -> Path:
        if not is_sha256(sha256):
            raise NotHeld(sha256)
        return self.root / sha256[:2] / sha256[2:]

    def put(self, data: bytes, filename: str) -> Stored:
        stored = admit(data, filename, self.max_bytes)
        path = self._path(stored.sha256)
        if path.is_file():
            return self.stat(stored.sha256)
        description = {"media_type": stored.media_type, "filename": stored.filename}
        _write_atomically(path.with_name(path.name + ".json"), json.dumps(description).encode())
        _write_atomically(path, data)
        return stored

    def has(self, sha256: str) -> bool:
        return is_sha256(sha256) and self._path(sha256).is_file()

    def get(self, sha256: str) -> bytes:
        try:
            return self._path(sha256).read_bytes()
        except FileNotFoundError:
            raise NotHeld(sha256) from None

    def stat(self, sha256: str) -> Stored:
        path = self._path(sha256)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise NotHeld(sha256) from None
        try:
            described = json.loads(path.with_name(path.name + ".json").read_bytes())
            return Stored(sha256, size, str(described["media_type"]), str(described["filename"]))
        except (OSError, ValueError, KeyError, TypeError):  # described anew from the bytes
            return Stored(sha256, size, media_type(self.get(sha256)), sha256)

    def open(self, sha256: str) -> Iterator[bytes]:
        try:
            source = self._path(sha256).open("rb")
        except FileNotFoundError:
            raise NotHeld(sha256) from None
        return _chunks(source)

    def __iter__(self) -> Iterator[str]:
        for path in sorted(self.root.glob("??/*")):
            if not path.name.endswith(".json") and not path.name.startswith("."):
                yield path.parent.name + path.name


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    with source:
        while chunk := source.read(CHUNK):
            yield chunk
