"""``intersessional db backup`` and ``restore``: the embedded engine's two SQLite databases —
the ledger and the embedded Temporal server's own — copied consistently, with a manifest.

Each copy is taken with SQLite's online backup API in one step, i.e. inside one read
transaction of the source: a consistent snapshot, taken while ``intersessional dev`` runs (in
WAL mode a reader never blocks the writer). The two snapshots are taken one after the other,
so the pair is not one instant; the order makes it a pair the engine can heal (see
:func:`back_up`). The manifest (``manifest.json``, written last: a directory without one is
no backup) says when, the ledger's head position and last hash, and each copy's SHA-256.

A PostgreSQL ledger is backed up with ``pg_dump`` (docs/OPERATIONS.md): this refuses it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from i18n import _
from settings import Settings

MANIFEST = "manifest.json"
FORMAT = "intersessional-backup/1"
GUIDANCE = "docs/OPERATIONS.md, *Backup and restore*"


class BackupRefused(Exception):  # noqa: N818 - a refusal, said in one sentence
    """The backup or restore cannot be done as asked; nothing was changed."""


def ledger_file(settings: Settings, doing: str) -> Path:
    """The SQLite ledger's file; a PostgreSQL ledger refused with where the guidance is
    (``doing``: "back it up" or "restore it")."""
    from sqlalchemy.engine import make_url  # noqa: PLC0415 - the URL parser only

    url = make_url(settings.effective_ledger_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        said = _("the ledger is on {backend}, not SQLite: back it up with pg_dump, and "
                 "Temporal's database with Temporal's own tools ({guidance})") \
            if doing == "back it up" else _(
            "the ledger is on {backend}, not SQLite: restore it with pg_restore, and "
            "Temporal's database with Temporal's own tools ({guidance})")
        raise BackupRefused(said.format(backend=url.get_backend_name(), guidance=GUIDANCE))
    return Path(url.database)


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def fsync(path: Path) -> None:
    """Flush ``path`` (a file or a directory: a rename is durable once its directory is)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _snapshot(source: Path, copy: Path) -> dict[str, Any]:
    """``source`` copied to ``copy`` in one backup step; the ledger's head and last hash read
    from the copy itself, so the manifest describes exactly what was copied."""
    # mode=rw: never create a database that is not there; read-write so that the last
    # connection to close removes the -wal and -shm it may have made (a read-only one leaves them)
    try:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
        dst = sqlite3.connect(copy)
    except sqlite3.Error as error:
        raise BackupRefused(_("cannot open {source} or {copy}: {error}").format(
            source=source, copy=copy, error=error)) from None
    try:
        src.backup(dst)  # pages=-1: every page in one step, i.e. one consistent snapshot
        head: dict[str, Any] = {}
        tables = {row[0] for row in dst.execute("SELECT name FROM sqlite_master")}
        if "ledger_head" in tables:
            position = int(dst.execute("SELECT position FROM ledger_head").fetchone()[0])
            last = dst.execute("SELECT hash FROM events WHERE position = ?", (position,)
                               ).fetchone()
            head = {"head_position": position, "last_hash": last[0] if last else None}
    except sqlite3.Error as error:
        raise BackupRefused(_("cannot copy {source} to {copy}: {error}").format(
            source=source, copy=copy, error=error)) from None
    finally:
        dst.close()
        src.close()
    if copy.with_name(copy.name + "-wal").exists():  # the hash would not cover it
        raise BackupRefused(_("SQLite left a write-ahead log beside {copy}; try again").format(
            copy=copy))
    fsync(copy)
    return {"file": copy.name, "source": str(source), "copied_at": now(), **head,
            "bytes": copy.stat().st_size, "sha256": sha256(copy)}


def _prepare(directory: Path) -> bool:
    """``directory`` ready for a backup (a new or empty directory); whether it was made."""
    if directory.exists() and not directory.is_dir():
        raise BackupRefused(_("{directory} is a file: a backup goes into a new or empty "
                              "directory").format(directory=directory))
    if directory.is_dir():
        if any(directory.iterdir()):
            raise BackupRefused(_("{directory} is not empty: a backup goes into a new or "
                                  "empty directory, so that it never mixes with another")
                                .format(directory=directory))
        return False
    try:
        directory.mkdir(parents=True)
    except OSError as error:
        raise BackupRefused(_("cannot make {directory}: {why}").format(
            directory=directory, why=error.strerror)) from None
    return True


def back_up(settings: Settings, directory: Path) -> dict[str, Any]:
    """Copy Temporal's database, then the ledger, into ``directory``; the manifest written."""
    ledger = ledger_file(settings, "back it up")
    if not ledger.is_file():
        raise BackupRefused(_("no ledger at {ledger}: nothing to back up").format(ledger=ledger))
    temporal = settings.temporal_database
    made = _prepare(directory)
    written: list[Path] = []
    try:
        manifest: dict[str, Any] = {"format": FORMAT, "taken_at": now(), "temporal": None}
        # Temporal's database FIRST, the ledger second. Every step reaches Temporal's history
        # only after its event is in the ledger, so a ledger copied later holds everything
        # the Temporal copy does, and perhaps more. That pair heals: a workflow behind the
        # ledger reads the events it lacks from it (`intersessional engine recover`). The
        # other order could give a Temporal copy holding steps the ledger copy lacks, which
        # nothing can heal — the ledger is the authority and is never rewritten.
        if temporal.is_file():
            written.append(directory / temporal.name)
            manifest["temporal"] = _snapshot(temporal, written[-1])
        written.append(directory / "ledger.sqlite3")
        manifest["ledger"] = _snapshot(ledger, written[-1])
        if "head_position" not in manifest["ledger"]:
            raise BackupRefused(_("{ledger} is not a ledger (no ledger_head table): run "
                                  "`intersessional db upgrade` first").format(ledger=ledger))
        staged = directory / (MANIFEST + ".partial")
        written.append(staged)
        staged.write_text(json.dumps(manifest, indent=2) + "\n")
        fsync(staged)
        staged.replace(directory / MANIFEST)
        fsync(directory)
    except BaseException as error:
        for path in written:  # nothing half-made is left behind
            path.unlink(missing_ok=True)
        if made:
            directory.rmdir()
        if isinstance(error, OSError):  # a full disk, say
            raise BackupRefused(_("cannot write the backup in {directory}: {why}").format(
                directory=directory, why=error.strerror or error)) from None
        raise
    return manifest
