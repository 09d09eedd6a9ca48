"""What closing a year costs the ledger, by its size (``make bench-checkpoint``; issue 23).

A benchmark, not a test: it asserts only that each checkpoint signs the root of the whole log.
Two ledgers (SQLite files as ``create_ledger_engine`` sets them up; ``--postgres URL``: two
fresh databases ``bench_checkpoint_<size>`` on that server, dropped afterwards) are grown by
batched appends of 1,000 events, with a checkpoint every 100,000 (as ``bench/audit.py`` grows
its ledger), one to 10,000 events, the other to ``--events`` (default 1,000,000; ``--quick``
200,000). Then, in :data:`ROUNDS` rounds alternating between the two (so the machine's slow
moments fall on both): one year of a cycle (:data:`YEAR` events appended one at a time, each
durable, as the worker records them) — the reference, measured in the same run — then
``take_checkpoint``, timed. Last, on each, the checkpoint as it was taken before migration
0010: the previous checkpoint's frontier removed, so its tree grows from the first event.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent), *(p for p in sys.path if Path(p or ".").resolve() != _BENCH)]

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from ledger import Ledger, NewEvent, create_ledger_engine, upgrade  # noqa: E402
from ledger.checkpoints import load_or_create_key, take_checkpoint  # noqa: E402
from ledger.merkle import Frontier, leaf_hash  # noqa: E402

#: a cycle's year as bench/cycle.py drives it: the opening, 12 steps, the close
YEAR, ROUNDS, BATCH, CHECKPOINT_EVERY = 14, 9, 1_000, 100_000
TEXT = "Prepare the intersessional meeting and support the coordinators. " * 5
START = datetime(2032, 1, 1, tzinfo=UTC)


def event(n: int) -> NewEvent:
    return NewEvent(event_id=uuid.uuid4(), type="BenchmarkRecorded", schema_version=1,
                    payload={"n": n, "year": 2032, "text": TEXT}, actor="ISU Director",
                    role="isu", occurred_at=START + timedelta(seconds=n))


def grow(ledger: Ledger, key: Ed25519PrivateKey, size: int) -> None:
    """Batched appends over 1,000 streams up to ``size`` events, a checkpoint every 100,000
    and at the end."""
    while (head := ledger.head()) < size:
        stream = f"bench-{(head // BATCH) % 1_000:04d}"
        batch = [event(head + i) for i in range(min(BATCH, size - head))]
        ledger.append(stream, batch, ledger.version(stream))
        if ledger.head() % CHECKPOINT_EVERY == 0 or ledger.head() == size:
            take_checkpoint(ledger.engine, key)


def a_year(ledger: Ledger, year: int) -> None:
    """A cycle's year: :data:`YEAR` single durable appends to a stream of its own."""
    for version in range(YEAR):
        ledger.append(f"cycle-{year}", [event(version)], version)


def timed(work: Callable[[], Any]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def whole_root(ledger: Ledger) -> str:
    """The root of every event, grown from the first: what each checkpoint must sign."""
    with ledger.engine.connect() as conn:
        hashes = conn.execute(text("SELECT hash FROM events ORDER BY position")).scalars()
        tree = Frontier()
        tree.extend([leaf_hash(bytes.fromhex(h)) for h in hashes])
    return tree.root().hex()


def full_read(ledger: Ledger, key: Ed25519PrivateKey, year: int) -> float:
    """A year appended, then the checkpoint as before migration 0010 (the previous one's
    frontier removed: the tree grows from the first event); checked against the log's root."""
    a_year(ledger, year)
    with ledger.engine.begin() as conn:
        conn.execute(text("UPDATE checkpoints SET frontier = NULL WHERE tree_size = "
                          "(SELECT max(tree_size) FROM checkpoints)"))
    seconds = timed(lambda: take_checkpoint(ledger.engine, key))
    with ledger.engine.connect() as conn:
        signed = conn.execute(text("SELECT root_hash FROM checkpoints ORDER BY tree_size DESC "
                                   "LIMIT 1")).scalar_one()
    assert signed == whole_root(ledger), "a checkpoint did not sign the root of the log"
    return seconds


@contextmanager
def postgres_database(url: str, name: str) -> Iterator[str]:
    """A fresh database ``name`` on the server of ``url``, dropped afterwards (bench/audit.py
    makes its own with it too)."""
    server = make_url(url).set(drivername="postgresql+psycopg", database="postgres")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="200,000 events")
    parser.add_argument("--postgres", metavar="URL", help="the ledgers on this PostgreSQL server")
    args = parser.parse_args()
    sizes = [10_000, 200_000 if args.quick else args.events]
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"take_checkpoint by the ledger's size ({backend}), "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; medians of {ROUNDS} rounds alternating "
          f"between the ledgers; reference: a year of a cycle ({YEAR} single durable appends), "
          "same run", flush=True)
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-cp-")))
        key, ledgers = load_or_create_key(tmp / "key.pem"), {}
        for size in sizes:
            url = (stack.enter_context(postgres_database(args.postgres, f"bench_checkpoint_{size}"))
                   if args.postgres else f"sqlite:///{tmp / f'ledger-{size}.sqlite3'}")
            engine = create_ledger_engine(url)
            stack.callback(engine.dispose)
            upgrade(engine)
            ledgers[size] = Ledger(engine)
            began = time.perf_counter()
            grow(ledgers[size], key, size)
            print(f"  {size:,} events grown in {time.perf_counter() - began:.0f} s", flush=True)
        years: dict[int, list[float]] = {size: [] for size in sizes}
        checkpoints: dict[int, list[float]] = {size: [] for size in sizes}
        year = iter(range(2100, 3000))
        for _ in range(ROUNDS):
            for size, ledger in ledgers.items():
                years[size].append(timed(lambda: a_year(ledger, next(year))))  # noqa: B023
                checkpoints[size].append(timed(
                    lambda: take_checkpoint(ledger.engine, key)))  # noqa: B023
        print(f"\n{'events':>10} {'a year appended':>16} {'take_checkpoint':>16} {'ratio':>7} "
              f"{'from the 1st event':>19}")
        for size, ledger in ledgers.items():
            appended, checkpoint = statistics.median(years[size]), \
                statistics.median(checkpoints[size])
            full = full_read(ledger, key, next(year))
            print(f"{size:>10,} {appended * 1e3:>13.1f} ms {checkpoint * 1e3:>13.1f} ms "
                  f"{checkpoint / appended:>6.2f}x {full * 1e3:>16.1f} ms", flush=True)
        small, large = (statistics.median(checkpoints[size]) for size in sizes)
        print(f"\ntake_checkpoint at {sizes[1]:,} events / at {sizes[0]:,}: {large / small:.2f}x")


if __name__ == "__main__":
    main()
