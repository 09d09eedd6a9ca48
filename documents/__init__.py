"""The document store: work plans' attachments, reports, strategy documents and circulated
texts, kept content-addressed by SHA-256 — only the hash goes through a workflow and into the
ledger (ISU-3 compares hashes; the audit bundle carries the bytes and checks them).

A leaf of the house: it imports nothing of ours and reads no settings; the entry points wire
it (:func:`open_store` with the settings' values). Documents are judged by content
(:mod:`documents.sniffing`) and size before a byte is kept (:class:`DocumentRefused`).
"""

from __future__ import annotations

from pathlib import Path

from documents.errors import DocumentRefused, NotHeld, TooLarge
from documents.filesystem import FileStore
from documents.sniffing import ACCEPTED, ACCEPTED_NAMES, media_type
from documents.store import DEFAULT_MAX_BYTES, Store, Stored, admit, is_sha256

__all__ = ["ACCEPTED", "ACCEPTED_NAMES", "DEFAULT_MAX_BYTES", "DocumentRefused", "FileStore",
           "NotHeld", "Store", "Stored", "TooLarge", "admit", "is_sha256", "media_type",
           "open_store"]


def open_store(directory: Path, max_bytes: int = DEFAULT_MAX_BYTES, *,
               bucket: str | None = None, endpoint_url: str | None = None,
               region: str | None = None) -> Store:
    """The store in ``bucket`` (S3-compatible, at ``endpoint_url``) when one is named, else
    in ``directory``."""
    if bucket:
        from documents.s3 import S3Store  # noqa: PLC0415 - boto3 only for a bucket

        return S3Store(bucket, endpoint_url=endpoint_url, region=region, max_bytes=max_bytes)
    return FileStore(directory, max_bytes)
