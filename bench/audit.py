"""The audit's benchmark, with its references measured in the same run (``make bench-audit``).

A benchmark, not a test: it asserts nothing about speed; it prints each figure beside its
reference and its target. The machine is shared and noisy: compare the ratios of one run.

The ledger (SQLite, as ``create_ledger_engine`` sets it up): five simulated years through the
real engine on the time-skipping server (``simulation.five_years``, with their workflow
histories), then ``--events`` more events (default 1,000,000) in 1,000 streams of a
cycle-sized payload, appended in batches of 1,000, with a signed checkpoint every 100,000.

1. ``audit verify`` (``audit.verification.verify_ledger``, signatures checked; from 200,000
   events on, ranges of the log in one worker process per core, ``ledger.segments``), run in
   a process of its own as the command runs (its workers forked): events/s;
   against the floor of reading the same record texts with plain ``sqlite3`` (or psycopg's
   server-side cursor) and hashing each on one core (no chain, no checkpoint); beside it the
   same verify in one process (``workers=1``), and on SQLite the same parallel verify with its
   workers reading through the standard library's ``sqlite3`` instead of sqlean.py
   (``ledger.readers``).

``--postgres URL``: the ledger in a fresh database on that server (``bench_audit``, or
``<database>_bench_audit`` for a URL naming a database other than ``postgres``: created and
dropped), instead of SQLite.
2. ``audit export`` of every stream: seconds (no target).
3. ``audit verify-bundle`` (``audit.offline.verify_bundle``): events/s; against the floor of
   reading ``events.log`` out of the same zip and hashing each line.
4. ``audit replay --year 2029 --as-of`` over that ledger: seconds; against the floor of
   reading the year's events up to the moment through the (stream, version) index and folding
   them (no check). ``bench/asof.py`` takes it apart (issue 23).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent), *(p for p in sys.path if Path(p or ".").resolve() != _BENCH)]

from cryptography.hazmat.primitives import serialization  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from temporalio.client import WorkflowHistory  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402

from audit.bundle import export_bundle  # noqa: E402
from audit.offline import verify_bundle  # noqa: E402
from audit.replay import fold, replay  # noqa: E402
from bench.checkpoint import postgres_database as fresh_database  # noqa: E402
from ledger import Ledger, NewEvent, readers  # noqa: E402
from ledger.checkpoints import load_or_create_key, take_checkpoint  # noqa: E402
from ledger.engine import create_ledger_engine, driver_batches  # noqa: E402
from ledger.verify import RECORDS  # noqa: E402
from runtime.embedded import installed_binary  # noqa: E402
from scenarios.simulation import five_years  # noqa: E402
from settings import Settings  # noqa: E402
from worker import cycle_activities, cycle_worker, open_ledger  # noqa: E402

TARGET_RATE, TARGET_REPLAY = 300_000, 1.0  # issue 23: state as of any date <= 1 s
TARGET_VERIFY, TARGET_VERIFY_POSTGRES = 500_000, 250_000
STREAMS, BATCH, CHECKPOINT_EVERY = 1_000, 1_000, 100_000


async def simulate(settings: Settings) -> list[WorkflowHistory]:
    """Five years through the real engine; their workflow histories."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=str(installed_binary("temporal-test-server")))
    ledger, queue = open_ledger(settings), "bench-audit"

    async def wait_until(moment: datetime) -> None:
        await env.sleep(moment - await env.get_current_time())

    try:
        with ThreadPoolExecutor(max_workers=4) as executor:
            async with cycle_worker(env.client, queue, cycle_activities(ledger, settings),
                                    executor, 4):
                years = await five_years(env.client, queue, wait_until)
        return [await env.client.get_workflow_handle(f"cycle-{y}").fetch_history()
                for y in years]
    finally:
        ledger.engine.dispose()
        await env.shutdown()


def grow(ledger: Ledger, settings: Settings, events: int) -> None:
    """``events`` more events over :data:`STREAMS` streams, a checkpoint every 100,000."""
    key = load_or_create_key(settings.effective_signing_key)
    text = "Prepare the intersessional meeting and support the coordinators. " * 5
    start, versions = datetime(2032, 1, 1, tzinfo=UTC), [0] * STREAMS
    for done in range(0, events, BATCH):
        stream = (done // BATCH) % STREAMS
        batch = [NewEvent(event_id=uuid.uuid4(), type="BenchmarkRecorded", schema_version=1,
                          payload={"n": done + i, "year": 2032, "text": text},
                          actor="ISU Director", role="isu",
                          occurred_at=start + timedelta(seconds=done + i))
                 for i in range(min(BATCH, events - done))]
        ledger.append(f"bench-{stream:04d}", batch, versions[stream])
        versions[stream] += len(batch)
        if (done + len(batch)) % CHECKPOINT_EVERY == 0 or done + len(batch) == events:
            take_checkpoint(ledger.engine, key)


def floor_database(path: Path) -> float:
    """Events/s of reading the record texts with plain sqlite3 (verify's query) and hashing
    each: no chain, no checkpoint, no Python beyond the loop."""
    began, sha256, count = time.perf_counter(), hashlib.sha256, 0
    with sqlite3.connect(path) as conn:  # verify's own query: the record text, formatted
        for *_, record in conn.execute(RECORDS["?"], (0,)):
            sha256(record.encode()).digest()
            count += 1
    return count / (time.perf_counter() - began)


def floor_postgres(url: str) -> float:
    """The same through psycopg's server-side cursor (``driver_batches``, as verify reads)."""
    engine = create_ledger_engine(url)
    began, sha256, count = time.perf_counter(), hashlib.sha256, 0
    for batch in driver_batches(engine, RECORDS["%s"], (0,), 20_000):
        for *_, record in batch:
            sha256(record.encode()).digest()
            count += 1
    engine.dispose()
    return count / (time.perf_counter() - began)


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """A fresh database on the server of ``url`` (``bench_audit``, or ``<its database>_bench_audit``
    so that runs against two databases of one server do not drop each other's), dropped
    afterwards."""
    named = make_url(url).database
    fresh = "bench_audit" if named in (None, "", "postgres") else f"{named}_bench_audit"
    with fresh_database(url, fresh) as made:
        yield made


def floor_bundle(path: Path) -> float:
    """Events/s of reading events.log out of the bundle and hashing each line."""
    began, sha256, count = time.perf_counter(), hashlib.sha256, 0
    with zipfile.ZipFile(path) as archive, archive.open("events.log") as lines:
        for line in lines:
            sha256(line).digest()
            count += 1
    return count / (time.perf_counter() - began)


# verify in a process of its own, as `audit verify` runs: this one holds threads (the group
# commit's, left by the simulation), beside which verify would spawn its workers, and a spawned
# worker imports __main__ again — this benchmark, Temporal and all
_FRESH = """
import json, sys, time
from pathlib import Path
from audit.verification import verify_ledger
from ledger.checkpoints import load_or_create_key
from ledger.engine import create_ledger_engine
from ledger.verify import verify
url, key, workers = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
engine, public = create_ledger_engine(url), load_or_create_key(key).public_key()
began = time.perf_counter()
report = verify(engine, public, workers=workers) if workers else verify_ledger(engine, public)
seconds = time.perf_counter() - began
print(json.dumps({"seconds": seconds, "intact": report.intact, "events": report.events}))
"""


def fresh_verify(ledger: Ledger, key: Path, workers: int = 0, reader: str | None = None
                 ) -> float:
    """Seconds of ``verify_ledger`` (``workers=0``) or of ``verify`` with that many workers,
    in a new process (``python -c``: forked workers); ``reader``: ``ledger.readers.VARIABLE``."""
    url = ledger.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, **({readers.VARIABLE: reader} if reader else {})}
    done = subprocess.run([sys.executable, "-c", _FRESH, url, str(key), str(workers)],
                          env=env, capture_output=True, text=True, check=True,
                          cwd=_BENCH.parent)
    result = json.loads(done.stdout.splitlines()[-1])
    assert result["intact"], result
    assert result["events"] == ledger.head(), result
    return float(result["seconds"])


def timed(work):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    result = work()
    return result, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 events")
    parser.add_argument("--postgres", metavar="URL", help="the ledger on this PostgreSQL server")
    args = parser.parse_args()
    events = 50_000 if args.quick else args.events
    with ExitStack() as stack:
        url = stack.enter_context(postgres_database(args.postgres)) if args.postgres else None
        run(Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-audit-"))),
            url, events)


def run(tmp: Path, url: str | None, events: int) -> None:
    """The whole benchmark, its ledger on ``url`` (SQLite under ``tmp`` if ``None``)."""
    settings = Settings(data_dir=tmp, ledger_url=url)
    histories = asyncio.run(simulate(settings))
    ledger = open_ledger(settings)
    _, seconds = timed(lambda: grow(ledger, settings, events))
    total = ledger.head()
    print(f"ledger ({'PostgreSQL' if url else 'SQLite'}): {total:,} events (five years + "
          f"{events:,}), grown in {seconds:.0f} s")
    public = load_or_create_key(settings.effective_signing_key).public_key()
    key = settings.effective_signing_key
    verify_s, alone_s = fresh_verify(ledger, key), fresh_verify(ledger, key, workers=1)
    stdlib_s = None if url else fresh_verify(ledger, key, reader="sqlite3")
    floor = floor_postgres(url) if url else floor_database(tmp / "ledger.sqlite3")
    pem = public.public_bytes(serialization.Encoding.PEM,
                              serialization.PublicFormat.SubjectPublicKeyInfo)
    streams = ledger.streams()
    bundle = tmp / "bundle.zip"
    _, export_s = timed(lambda: export_bundle(ledger.engine, pem, histories, 2027, 2031,
                                              bundle, streams=streams))
    report, bundle_s = timed(lambda: verify_bundle(bundle))
    assert report.problem is None, report.problem
    bundle_floor = floor_bundle(bundle)
    moment = datetime.fromisoformat(ledger.read_stream("cycle-2029")[5].recorded_at)
    replayed, replay_s = timed(lambda: replay(ledger, "cycle-2029", moment, public))
    assert len(replayed.events) >= 6
    at = replayed.as_of or ""
    floor_state, floor_s = timed(lambda: fold("cycle-2029", (
        (e.position, e.version, e.payload) for e in ledger.read_stream_as_of("cycle-2029", at))))
    assert floor_state == replayed.state
    # issue 23: verify >= 500,000 events/s on SQLite with both cores, >= 250,000 on PostgreSQL
    target = TARGET_VERIFY_POSTGRES if url else TARGET_VERIFY
    rows = [
        ("audit verify", total / verify_s, floor, target),
        ("verify, one process", total / alone_s, floor, target),
        *([] if stdlib_s is None else [("verify, stdlib sqlite3", total / stdlib_s, floor,
                                        target)]),
        ("audit verify-bundle", total / bundle_s, bundle_floor, TARGET_RATE),
    ]
    reader = "psycopg (binary)" if url else readers.description()
    print(f"\nverify in a process of its own, its workers forked, reading with {reader}")
    print(f"{'figure':<22}{'events/s':>12}{'floor, same run':>18}{'ratio':>8}  target")
    for name, rate, reference, target in rows:
        met = "met" if rate >= target else "MISSED"
        print(f"{name:<22}{rate:>12,.0f}{reference:>18,.0f}{rate / reference:>8.2f}  "
              f"{target:,}/s {met}")
    print(f"audit export: {export_s:.1f} s for {total:,} events "
          f"({bundle.stat().st_size / 1e6:.0f} MB)")
    print(f"audit replay --year 2029 --as-of: {replay_s:.3f} s over {total:,} events; floor "
          f"(its events through the index, folded, unchecked) {floor_s:.4f} s (target "
          f"{TARGET_REPLAY:.0f} s: {'met' if replay_s <= TARGET_REPLAY else 'MISSED'})")
    ledger.engine.dispose()


if __name__ == "__main__":
    main()
