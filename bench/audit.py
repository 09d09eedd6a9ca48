"""The audit's benchmark, with its references measured in the same run (``make bench-audit``).

A benchmark, not a test: it asserts nothing about speed; it prints each figure beside its
reference and its target. The machine is shared and noisy: compare the ratios of one run.

The ledger (SQLite, as ``create_ledger_engine`` sets it up): five simulated years through the
real engine on the time-skipping server (``simulation.five_years``, with their workflow
histories), then ``--events`` more events (default 1,000,000) in 1,000 streams of a
cycle-sized payload, appended in batches of 1,000, with a signed checkpoint every 100,000.

1. ``audit verify`` (``audit.verification.verify_ledger``, signatures checked): events/s;
   against the floor of reading the same record texts with plain ``sqlite3`` and hashing each
   (no chain, no checkpoint).
2. ``audit export`` of every stream: seconds (no target).
3. ``audit verify-bundle`` (``audit.offline.verify_bundle``): events/s; against the floor of
   reading ``events.log`` out of the same zip and hashing each line.
4. ``audit replay --year 2029 --as-of`` over that ledger: seconds, of which checking the year's
   events against the signed checkpoints' leaves (all 1,000,000) is most.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import sqlite3
import sys
import tempfile
import time
import uuid
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent), *(p for p in sys.path if Path(p or ".").resolve() != _BENCH)]

from cryptography.hazmat.primitives import serialization  # noqa: E402
from temporalio.client import WorkflowHistory  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402

from audit.bundle import export_bundle  # noqa: E402
from audit.offline import verify_bundle  # noqa: E402
from audit.replay import replay  # noqa: E402
from audit.verification import verify_ledger  # noqa: E402
from ledger import Ledger, NewEvent  # noqa: E402
from ledger.checkpoints import load_or_create_key, take_checkpoint  # noqa: E402
from ledger.verify import RECORDS  # noqa: E402
from runtime.embedded import installed_binary  # noqa: E402
from scenarios.simulation import five_years  # noqa: E402
from settings import Settings  # noqa: E402
from worker import cycle_activities, cycle_worker, open_ledger  # noqa: E402

TARGET_RATE, TARGET_REPLAY = 300_000, 10.0
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


def floor_bundle(path: Path) -> float:
    """Events/s of reading events.log out of the bundle and hashing each line."""
    began, sha256, count = time.perf_counter(), hashlib.sha256, 0
    with zipfile.ZipFile(path) as archive, archive.open("events.log") as lines:
        for line in lines:
            sha256(line).digest()
            count += 1
    return count / (time.perf_counter() - began)


def timed(work):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    result = work()
    return result, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 events")
    args = parser.parse_args()
    events = 50_000 if args.quick else args.events
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        settings = Settings(data_dir=Path(tmp))
        histories = asyncio.run(simulate(settings))
        ledger = open_ledger(settings)
        _, seconds = timed(lambda: grow(ledger, settings, events))
        total = ledger.head()
        print(f"ledger: {total:,} events (five years + {events:,}), grown in {seconds:.0f} s")
        public = load_or_create_key(settings.effective_signing_key).public_key()
        verified, verify_s = timed(lambda: verify_ledger(ledger.engine, public))
        assert verified.intact, verified.sentence()
        floor = floor_database(Path(tmp) / "ledger.sqlite3")
        pem = public.public_bytes(serialization.Encoding.PEM,
                                  serialization.PublicFormat.SubjectPublicKeyInfo)
        streams = ledger.streams()
        bundle = Path(tmp) / "bundle.zip"
        _, export_s = timed(lambda: export_bundle(ledger.engine, pem, histories, 2027, 2031,
                                                  bundle, streams=streams))
        report, bundle_s = timed(lambda: verify_bundle(bundle))
        assert report.problem is None, report.problem
        bundle_floor = floor_bundle(bundle)
        moment = datetime.fromisoformat(ledger.read_stream("cycle-2029")[5].recorded_at)
        replayed, replay_s = timed(lambda: replay(ledger, "cycle-2029", moment, public))
        assert len(replayed.events) >= 6
        rows = [
            ("audit verify", total / verify_s, floor, TARGET_RATE),
            ("audit verify-bundle", total / bundle_s, bundle_floor, TARGET_RATE),
        ]
        print(f"\n{'figure':<22}{'events/s':>12}{'floor, same run':>18}{'ratio':>8}  target")
        for name, rate, reference, target in rows:
            met = "met" if rate >= target else "MISSED"
            print(f"{name:<22}{rate:>12,.0f}{reference:>18,.0f}{rate / reference:>8.2f}  "
                  f"{target:,}/s {met}")
        print(f"audit export: {export_s:.1f} s for {total:,} events "
              f"({bundle.stat().st_size / 1e6:.0f} MB)")
        print(f"audit replay --year 2029 --as-of: {replay_s:.2f} s over {total:,} events "
              f"(target {TARGET_REPLAY:.0f} s: {'met' if replay_s < TARGET_REPLAY else 'MISSED'})")
        ledger.engine.dispose()


if __name__ == "__main__":
    main()
