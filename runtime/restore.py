"""``intersessional db restore``: a backup of :mod:`runtime.backup` put back, checked first.

Nothing is changed until everything is known to be right: the manifest is read, every copy's
SHA-256 matches it, and no process has either database open. Then each copy is staged beside
its database and renamed over it — Temporal's database first, the ledger second, so that even
a restore cut short leaves a Temporal no newer than the ledger, which heals. The databases
replaced are kept (renamed ``….replaced-<time>``, with their write-ahead logs): the ledger is
the record, and a restore never destroys one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from i18n import _
from runtime.backup import FORMAT, MANIFEST, BackupRefused, fsync, ledger_file, now, sha256
from settings import Settings

# Where SQLite's unix VFS keeps its locks (os_unix.c). Every connection to a WAL database holds
# a shared lock on the "dead-man switch" byte of its -shm file for as long as it is open, and a
# shared lock on the database file's SHARED range while it reads; an exclusive lock on either
# is refused while any other process has the database open.
DEAD_MAN_SWITCH = 128  # the byte of the -shm file (UNIX_SHM_DMS)
PENDING_BYTE = 0x40000000
SHARED_RANGE = (PENDING_BYTE + 2, 510)  # SHARED_FIRST, SHARED_SIZE
SIDE_FILES = ("-wal", "-shm")


def _locked(path: Path, start: int, length: int) -> bool:
    """Another process holds a POSIX lock on ``length`` bytes of ``path`` from ``start``.
    (A probe in a process holding the database itself would drop its own locks on close:
    restore opens neither database.)"""
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, length, start, os.SEEK_SET)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, length, start, os.SEEK_SET)
        return False
    finally:
        os.close(fd)


def in_use(database: Path) -> bool:
    """Some process — ``intersessional dev``, a worker, the API, the audit's embedded server,
    a ``sqlite3`` shell — has ``database`` open. Asked of the files themselves rather than of
    Temporal's port: a port says nothing of an engine started with other settings, nor of a
    worker or an API that holds the ledger open, and may answer for a Temporal that is not
    this one."""
    shm = database.with_name(database.name + "-shm")
    return _locked(shm, DEAD_MAN_SWITCH, 1) or _locked(database, *SHARED_RANGE)


def read_manifest(directory: Path) -> dict[str, Any]:
    """The manifest of the backup in ``directory``, each copy's hash checked."""
    if not directory.is_dir():
        raise BackupRefused(_("{directory} is not a directory holding a backup").format(
            directory=directory))
    try:
        manifest = json.loads((directory / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupRefused(_("{directory} holds no {manifest}: not a backup made by "
                              "`intersessional db backup` (or one cut short)").format(
                                  directory=directory, manifest=MANIFEST)) from None
    except (OSError, ValueError) as error:
        raise BackupRefused(_("{manifest} is unreadable: {error}").format(
            manifest=directory / MANIFEST, error=error)) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(
            manifest.get("ledger"), dict):
        raise BackupRefused(_("{manifest} is not a manifest of {format}").format(
            manifest=directory / MANIFEST, format=FORMAT))
    for copy in _copies(manifest):
        name = copy.get("file")
        if not isinstance(name, str) or not name or Path(name).name != name:
            raise BackupRefused(_("{manifest} names a copy outside the backup: {name!r}")
                                .format(manifest=directory / MANIFEST, name=name))
        path = directory / name
        if not path.is_file():
            raise BackupRefused(_("the copy {name} named by the manifest is missing from "
                                  "{directory}; nothing restored").format(
                                      name=name, directory=directory))
        if sha256(path) != copy.get("sha256"):
            raise BackupRefused(_("the copy {name} in {directory} does not match the SHA-256 "
                                  "its manifest gives: the backup was damaged or altered; "
                                  "nothing restored").format(name=name, directory=directory))
    return manifest


def _copies(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    temporal = manifest.get("temporal")
    return [c for c in (temporal, manifest["ledger"]) if isinstance(c, dict)]


def _stage(copy: Path, target: Path, expected: str) -> Path:
    """``copy`` written beside ``target`` (same file system, so the rename is atomic), synced
    and checked again."""
    staged = target.with_name(target.name + ".restoring")
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with copy.open("rb") as source, staged.open("wb") as out:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if digest.hexdigest() != expected:
        staged.unlink()
        raise BackupRefused(_("{copy} changed while it was restored; nothing restored").format(
            copy=copy))
    return staged


def _set_aside(database: Path, stamp: str) -> Path | None:
    """The database and its write-ahead log renamed together (a WAL belongs to its file)."""
    if not database.exists():
        return None
    kept = database.with_name(f"{database.name}.replaced-{stamp}")
    for suffix in SIDE_FILES:
        side = database.with_name(database.name + suffix)
        if side.exists():
            side.replace(kept.with_name(kept.name + suffix))
    database.replace(kept)
    return kept


def restore(settings: Settings, directory: Path) -> dict[str, Any]:
    """Put the backup in ``directory`` back; what was restored and what was set aside."""
    ledger = ledger_file(settings, "restore it")
    manifest = read_manifest(directory)
    temporal = settings.temporal_database
    for database in (temporal, ledger):
        if in_use(database):
            raise BackupRefused(_("the engine is running: {database} is open in another "
                                  "process (stop intersessional dev, the workers and the API "
                                  "first); nothing restored").format(database=database))
    # Temporal first, then the ledger (the module's docstring says why). A backup without
    # Temporal's database (none was there) leaves Temporal empty: one newer than the restored
    # ledger could never heal, an empty one is rebuilt from the ledger.
    pairs = [(temporal, manifest.get("temporal")), (ledger, manifest["ledger"])]
    staged: list[tuple[Path, Path | None]] = []
    try:
        for target, copy in pairs:
            if copy is not None:
                staged.append((target, _stage(directory / copy["file"], target, copy["sha256"])))
            else:
                staged.append((target, None))
    except OSError as error:
        for _target, path in staged:
            if path is not None:
                path.unlink(missing_ok=True)
        raise BackupRefused(_("cannot write beside {ledger}: {why}; nothing restored").format(
            ledger=ledger, why=error.strerror or error)) from None
    stamp = now().replace(":", "").replace("-", "")  # to the microsecond: never reused
    set_aside: dict[str, Path | None] = {}
    for target, path in staged:
        set_aside[target.name] = _set_aside(target, stamp)
        if path is not None:
            path.replace(target)
        fsync(target.parent)
    return {"manifest": manifest, "set_aside": {k: str(v) for k, v in set_aside.items() if v}}
