"""State as of a date over a large ledger, and where ``audit replay --as-of`` spends its time
(issue 23). A benchmark, not a test: it fails only on a wrong result.

The ledger of ``bench/audit.py`` (five simulated years through the real engine, then
``--events`` more in 1,000 streams, a signed checkpoint every 100,000), on SQLite and, given
``--postgres URL`` (a database of its own, emptied first), on PostgreSQL. Then, timed:

1. ``audit replay`` of the 2029 cycle as of its sixth event, and its parts: reading the
   checkpoints, their signatures, the stream read, its checkpoints' segments proven
   (``ledger.vouching``), its check; and replay's check of the last stream of the log, against
   the Merkle tree grown from the first leaf as replay proved it before stored frontiers.
2. The floor of today's "state as of a date" (``bench/ledger.py``): ``Ledger.read_as_of`` of
   the whole log prefix up to the moment, counted per stream.
3. One stream as of the moment through the (stream, version) index, no snapshot
   (``Ledger.read_stream_as_of`` + fold), for the 2029 cycle and for a 1,000-event stream.
4. ``intersessional db snapshot`` (``audit.snapshots.take_snapshots``) over the whole ledger,
   then the 2029 cycle as of the moment from its snapshot (``state_as_of``), checked against
   the full fold.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent), *(p for p in sys.path if Path(p or ".").resolve() != _BENCH)]

from sqlalchemy import create_engine, text  # noqa: E402

from audit.replay import check_stream, checked, fold, replay  # noqa: E402
from audit.snapshots import check_snapshots, state_as_of, take_snapshots  # noqa: E402
from bench.audit import grow, simulate  # noqa: E402
from ledger.checkpoints import all_checkpoints, load_or_create_key  # noqa: E402
from ledger.encoding import canonical_time  # noqa: E402
from ledger.verify import signature_problem, witness  # noqa: E402
from ledger.vouching import vouched  # noqa: E402
from settings import Settings  # noqa: E402
from worker import open_ledger  # noqa: E402


def timed(work):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    result = work()
    return result, time.perf_counter() - began


def best(work, runs: int = 3):  # type: ignore[no-untyped-def]
    results = [timed(work) for _ in range(runs)]
    return results[-1][0], min(s for _, s in results)


def measure(settings: Settings, events: int, label: str) -> None:
    asyncio.run(simulate(settings))
    ledger = open_ledger(settings)
    _, grow_s = timed(lambda: grow(ledger, settings, events))
    total = ledger.head()
    print(f"\n== {label}: {total:,} events, grown in {grow_s:.0f} s")
    public = load_or_create_key(settings.effective_signing_key).public_key()
    stream = "cycle-2029"
    moment = datetime.fromisoformat(ledger.read_stream(stream)[5].recorded_at)
    at = canonical_time(moment)
    replayed, replay_s = best(lambda: replay(ledger, stream, moment, public))
    cps, cps_s = best(lambda: all_checkpoints(ledger.engine))
    _, sig_s = best(lambda: signature_problem(cps, public))
    recorded, read_s = best(lambda: ledger.read_stream(stream))
    signed, vouched_s = best(lambda: vouched(cps, [e.position for e in recorded]))
    _, check_s = best(lambda: check_stream(recorded, signed))
    print(f"audit replay --year 2029 --as-of: {replay_s:.3f} s ({len(replayed.events)} events "
          f"folded); of which: checkpoints read {cps_s:.3f} s, signatures {sig_s:.3f} s, "
          f"stream read {read_s:.4f} s, its checkpoints' segments proven {vouched_s:.3f} s, "
          f"stream checked {check_s:.4f} s")
    # a stream near the end of the log: its segment proven from the previous checkpoint's
    # frontier (ledger.vouching), against the tree grown from the first leaf up to the
    # checkpoint that covers it (witness, as replay proved it before)
    last_stream = ledger.streams("bench-")[-1]
    late = ledger.read_stream(last_stream)
    _, late_s = best(lambda: checked(ledger, late, public))
    reach = next(i + 1 for i, cp in enumerate(cps) if cp.tree_size >= late[-1].position)
    (_, proven), before_s = best(lambda: witness(cps[:reach]))
    print(f"replay's check of {last_stream} ({len(late):,} events, positions "
          f"{late[0].position:,}–{late[-1].position:,}) against the checkpoints: "
          f"{late_s:.3f} s; before (the Merkle tree from the first leaf to {proven.size:,}): "
          f"{before_s:.3f} s")
    counted, prefix_s = timed(lambda: Counter(e.stream for e in ledger.read_as_of(moment)))
    print(f"floor, read_as_of (whole prefix) counted per stream: {prefix_s:.2f} s "
          f"({sum(counted.values()):,} events)")
    tail, index_s = best(lambda: fold(stream, ((e.position, e.version, e.payload)
                                               for e in ledger.read_stream_as_of(stream, at))))
    assert tail == replayed.state
    late = ledger.read_stream(last_stream)[-1].recorded_at
    bench_rows, bench_s = best(lambda: ledger.read_stream_as_of(last_stream, late))
    everything, all_s = timed(lambda: Counter(e.stream for e in ledger.read_as_of(
        datetime.fromisoformat(late))))
    print(f"floor at the moment of {last_stream}'s last event: read_as_of counted per stream "
          f"{all_s:.2f} s ({sum(everything.values()):,} events)")
    print(f"one stream through its index: {stream} {index_s * 1000:.1f} ms; {last_stream} "
          f"({len(bench_rows):,} events) {bench_s * 1000:.1f} ms")
    taken, snap_s = timed(lambda: take_snapshots(ledger, every=5))
    again, again_s = timed(lambda: take_snapshots(ledger, every=5))
    asof, asof_s = best(lambda: state_as_of(ledger, stream, moment))
    assert asof.state == replayed.state, asof
    assert asof.snapshot > 0, asof
    problem, check_all_s = timed(lambda: check_snapshots(ledger))
    assert problem is None, problem
    print(f"db snapshot (every 5 events): {taken} taken in {snap_s:.2f} s, then {again} in "
          f"{again_s:.2f} s; state as of the moment from the snapshot of version "
          f"{asof.snapshot} + {asof.folded} event(s): {asof_s * 1000:.1f} ms; every snapshot "
          f"checked in {check_all_s:.2f} s")
    ledger.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="a PostgreSQL database URL of its own (emptied)")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory(prefix="bench-asof-") as tmp:
            measure(Settings(data_dir=Path(tmp)), args.events, "SQLite")
    if args.postgres:
        engine = create_engine(args.postgres)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
        with tempfile.TemporaryDirectory(prefix="bench-asof-") as tmp:
            measure(Settings(data_dir=Path(tmp), ledger_url=args.postgres), args.events,
                    "PostgreSQL")


if __name__ == "__main__":
    main()
