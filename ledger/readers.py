"""How verify's worker processes read a SQLite ledger: through sqlean.py when it is installed.

sqlean.py is the standard library's ``sqlite3`` module built with its own SQLite (3.50): the
same query, the same rows, read in about four fifths of the CPU time of the Python and SQLite
this project runs on (``docs/BENCHMARKS.md``, "Reading with sqlean.py"). Only the reading
changes: every hash is still computed by ``hashlib`` in the verifier's own code, from the
record text the query formats (its SHA-256 SQL function, slower than OpenSSL's, is not used),
so what verify proves does not depend on which library read the rows. Without it (no wheel for
the platform, a failed import, or :data:`VARIABLE` set to ``sqlite3``) the workers read as the
rest of the ledger does.

Only the worker processes of :mod:`ledger.segments` read this way, each with its own
connection and no other to the same file: two SQLite libraries in one process would not see
each other's POSIX locks (sqlite.org, "How To Corrupt An SQLite Database File", 2.2.1).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Generator
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # a worker imports this module: nothing heavy
    from sqlalchemy import Engine

#: ``sqlite3``: the workers read with the standard library's module even where sqlean.py loads
#: (docs/OPERATIONS.md); an environment variable, so that spawned workers see it too
VARIABLE = "INTERSESSIONAL_VERIFY_READER"


def sqlean() -> ModuleType | None:
    """The sqlean.py module (its ``sqlite3`` API), or ``None`` if it cannot be loaded or
    :data:`VARIABLE` says ``sqlite3``."""
    if os.environ.get(VARIABLE) == "sqlite3":
        return None
    try:  # a binary wheel, optional: loaded on demand, in the workers only
        return importlib.import_module("sqlean")
    except ImportError:
        return None


def sqlite_file(engine: Engine) -> str | None:
    """The file a worker may read with sqlean.py: a SQLite ledger's, if its URL names nothing
    else (no query string) and it is a file."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.query or url.database in (None, "", ":memory:"):
        return None
    return str(url.database)


def description() -> str:
    """Which library the workers read a SQLite ledger with, e.g. ``sqlean.py (SQLite 3.50.4)``."""
    module = sqlean()
    if module is None:
        import sqlite3  # noqa: PLC0415

        return f"sqlite3 (SQLite {sqlite3.sqlite_version})"
    return f"sqlean.py (SQLite {module.sqlite_version})"


def sqlean_batches(module: ModuleType, path: str, sql: str, params: tuple[Any, ...],
                   size: int) -> Generator[list[tuple[Any, ...]]]:
    """Rows of ``sql`` (``?`` placeholders) from the SQLite file at ``path``, a batch at a time,
    in one statement (one read snapshot), as :func:`ledger.engine.driver_batches` gives them."""
    conn = module.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=30000")  # as every connection (SQLITE_PRAGMAS)
        cursor = conn.execute(sql, params)
        while batch := cursor.fetchmany(size):
            yield batch
    finally:
        conn.close()
