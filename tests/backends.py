"""The ledger's two backends for tests: SQLite in a temporary directory, or PostgreSQL in a
schema of its own, dropped afterwards.

PostgreSQL comes from ``INTERSESSIONAL_TEST_POSTGRES_URL`` (default: the local server, database
``test``). Each pytest-xdist worker works in a database of its own on that server (``test_gw0``,
``test_gw1`` …; ``test`` itself when the suite runs in one process), created if missing (a fresh
server has none) and kept for the next run; what a test makes in it, the test drops.
Without a reachable server the PostgreSQL cases skip with the reason — unless
``INTERSESSIONAL_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), under which a missing server fails.
"""

from __future__ import annotations

import functools
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

from ledger import create_ledger_engine, upgrade
from ledger.engine import MIGRATIONS, unreachable, writing
from tests.absent import absent

POSTGRES_URL = os.environ.get("INTERSESSIONAL_TEST_POSTGRES_URL",
                              "postgresql://postgres@127.0.0.1:5432/test")
#: where CREATE DATABASE is said: the server's own database, there even on a fresh server
MAINTENANCE = "postgres"


def server_url(database: str = MAINTENANCE) -> URL:
    """The server of :data:`POSTGRES_URL`, its ``database`` named, through psycopg 3."""
    return make_url(POSTGRES_URL).set(drivername="postgresql+psycopg", database=database)


def worker_database(name: str) -> str:
    """``name`` for this pytest-xdist worker: ``name_gw0`` … (``name`` outside xdist)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"{name}_{worker}" if worker else name


def create_database(name: str) -> None:
    """CREATE DATABASE ``name`` unless it exists (another run creating it at the same moment
    is no failure)."""
    admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                            {"name": name}).first():
                return
            try:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            except DBAPIError:
                if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                    {"name": name}).first():
                    raise
    finally:
        admin.dispose()


#: seconds a worker keeps trying to reach PostgreSQL before it calls it absent: on a loaded
#: machine a connection can take longer than the probe's 3 s, or meet a server whose
#: connections are briefly all taken by other workers' processes
PATIENCE = 60.0


@functools.cache
def _worker_url() -> tuple[str | None, str]:
    """(why PostgreSQL cannot be used, or ``None``; the URL of this worker's database), decided
    once per worker.

    A failure is tried again for :data:`PATIENCE` seconds before it counts: one slow
    connection or failed CREATE DATABASE under load, decided at once for the whole worker (as
    it was), would make every PostgreSQL test on that worker err. Nothing listening
    (connection refused) counts at once."""
    configured = make_url(POSTGRES_URL)
    database = worker_database(configured.database or "test")
    url = configured.set(database=database).render_as_string(hide_password=False)
    deadline = time.monotonic() + PATIENCE
    while (why := _reach(configured, database)) is not None:
        if time.monotonic() >= deadline or "Connection refused" in why:
            break
        time.sleep(2)
    return why, url


def _reach(configured: URL, database: str) -> str | None:
    """Why this worker's database cannot be used now (in one sentence), or ``None``."""
    why = unreachable(configured.set(database=MAINTENANCE).render_as_string(hide_password=False))
    if why is None:
        try:
            create_database(database)
        except DBAPIError as error:
            first = str(error.orig).splitlines()[0] if error.orig else type(error).__name__
            why = f"{POSTGRES_URL}: database {database} cannot be created ({first})"
    return why


def client_tools() -> None:
    """Skip the test with the reason when PostgreSQL's pg_dump and pg_restore are not
    installed — or fail it, under ``INTERSESSIONAL_REQUIRE_POSTGRES=1`` (.ci/run installs
    them: missing there is a failure)."""
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        absent("pg_dump and pg_restore are not installed (apt-get install postgresql-client)",
               "POSTGRES")


def postgres_url() -> str:
    """The URL of this worker's own database, created if missing. Skips the test with the
    reason when no PostgreSQL answers — or fails it, under
    ``INTERSESSIONAL_REQUIRE_POSTGRES=1``."""
    why, url = _worker_url()
    if why:
        absent(f"PostgreSQL at {why}", "POSTGRES")
    return url


@contextmanager
def ledger_database(backend: str, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty ledger database on ``backend`` ("sqlite" or "postgresql")."""
    if backend == "sqlite":
        eng = create_ledger_engine(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
        upgrade(eng)
        yield eng
        eng.dispose()
        return
    url = postgres_url()
    schema = f"ledger_test_{uuid.uuid4().hex[:12]}"
    admin = create_ledger_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = create_ledger_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        upgrade(eng)
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def alembic(engine: Engine, step: str, revision: str) -> None:
    """Run the ledger's Alembic ``step`` (``upgrade``, ``downgrade``) to ``revision`` on
    ``engine``, as ``intersessional db upgrade`` does."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with writing(engine) as connection:
        config.attributes["connection"] = connection
        getattr(command, step)(config, revision)
