"""verify's fast path: the log checked in position ranges, one worker process per core.

Each event carries its predecessor's hash, so a range of the log can be checked on its own:
every row's hash against its record text, the links inside the range and gapless positions.
Each range returns, per stream, its first (version, prev_hash) and last (version, hash), and
the roots of the perfect Merkle subtrees its events fill (cut at each checkpoint's size); the
parent checks the links between ranges, pushes the subtrees onto one tree and compares each
signed root. The events themselves give every signed root, so the hashes stored with the
checkpoints are not read (where intact, they are these). This path only says "intact": at the
first anomaly it returns ``None`` and verify walks the log sequentially, naming the problem.
"""

from __future__ import annotations

import gc
import hashlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any

from ledger import readers
from ledger.encoding import GENESIS
from ledger.merkle import Frontier, subtrees

# a spawned worker imports this module: what it reads a SQLite ledger with is light (hashlib,
# sqlean.py); SQLAlchemy is imported where it reads through an engine (PostgreSQL, fallback)
if TYPE_CHECKING:
    from sqlalchemy import Engine

    from ledger.checkpoints import Checkpoint

#: events per range at most: more ranges than cores even out the workers' finishing times
#: (and give progress its steps); fewer, each pays its connection and query once
SEGMENT = 100_000


@dataclass
class Segment:
    """What one range reports: its events, per stream its first and last event, and the
    (height, root) of the Merkle subtrees its events fill up to the last checkpoint's size."""

    count: int
    first: dict[str, tuple[int, str]] = field(default_factory=dict)
    last: dict[str, tuple[int, str]] = field(default_factory=dict)
    subtrees: list[tuple[int, bytes]] = field(default_factory=list)


def possible(engine: Engine) -> bool:
    """Whether other processes can open this database (a file, or a server)."""
    if engine.dialect.name == "postgresql":
        return True
    return engine.url.database not in (None, "", ":memory:")


def _options(engine: Engine) -> tuple[str, dict[str, Any]]:
    """The URL (password included) and connect arguments a worker opens the ledger with; on
    PostgreSQL the parent's search_path, so a ledger in a schema of its own is the one read."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name != "postgresql":
        return url, {}
    with engine.connect() as conn:
        path = str(conn.exec_driver_sql("SHOW search_path").scalar_one())
    escaped = path.replace("\\", "\\\\").replace(" ", "\\ ")
    return url, {"connect_args": {"options": f"-csearch_path={escaped}"}}


@dataclass(frozen=True)
class Job:
    """One range for a worker: the events after ``start`` up to ``end`` (``None``: to the
    log's end), read with ``sql`` from the ledger at ``url``; ``grown``: the last checkpoint's
    size (the tree is needed that far); ``cuts``: the checkpoints' sizes inside the range;
    ``sqlite``: the file to read with sqlean.py where it loads (``readers.sqlite_file``)."""

    url: str
    options: dict[str, Any]
    sql: str
    start: int
    end: int | None
    grown: int = 0
    cuts: tuple[int, ...] = ()
    sqlite: str | None = None


def check(job: Job) -> Segment | None:
    """Check a range: hashes, links within it, gapless positions; hash its Merkle subtrees.
    ``None`` at the first anomaly."""
    start, end, grown = job.start, job.end, job.grown
    segment, expected = Segment(0), start + 1
    first, last, hashed = segment.first, segment.last, []
    sha256, fromhex = hashlib.sha256, bytes.fromhex
    params = (start,) if end is None else (start, end)
    engine = None
    if job.sqlite is not None and (module := readers.sqlean()) is not None:
        batches = readers.sqlean_batches(module, job.sqlite, job.sql, params, 20_000)
    else:
        from ledger.engine import create_ledger_engine, driver_batches  # noqa: PLC0415

        engine = create_ledger_engine(job.url, **job.options)
        batches = driver_batches(engine, job.sql, params, 20_000)
    try:
        for batch in batches:
            for position, stream, version, prev_hash, stored, record in batch:
                if position != expected:
                    return None
                digest = sha256(record).digest()  # bytes: verify.AFTER
                if digest != fromhex(stored):
                    return None
                previous = last.get(stream)
                if previous is None:
                    first[stream] = (version, prev_hash)
                elif version != previous[0] + 1 or prev_hash != previous[1]:
                    return None
                last[stream] = (version, stored)
                if position <= grown:  # its leaf in the Merkle tree (merkle.leaf_hash)
                    hashed.append(sha256(b"\x00" + digest).digest())
                expected += 1
    finally:
        batches.close()
        if engine is not None:
            engine.dispose()
    segment.count, at = expected - 1 - start, start
    for cut in (*job.cuts, start + len(hashed)):  # no subtree spans a checkpoint's size
        if at < cut <= start + len(hashed):
            segment.subtrees += subtrees(hashed[at - start:cut - start], at)
            at = cut
    return None if end is not None and expected - 1 != end else segment


def bounds(head: int, workers: int) -> list[tuple[int, int | None]]:
    """(after, up to) per range: as many as cores or more, the last one open-ended."""
    count = max(workers, -(-head // SEGMENT))
    cuts = [head * i // count for i in range(count)]
    return [(cut, following) for cut, following in zip(cuts, [*cuts[1:], None], strict=True)]


def parallel(engine: Engine, queries: tuple[str, str], checkpoints: list[Checkpoint], *,
             head: int, progress: Callable[[int], None] | None, workers: int,
             rebuilt: dict[int, bytes] | None = None) -> tuple[int, int] | None:
    """(events, streams) if the whole log is intact, else ``None``. ``queries``: verify's
    query after a position, and between two (the engine's placeholders). Into ``rebuilt``,
    given, the frontier of each checkpoint's tree, by tree size."""
    sizes = [cp.tree_size for cp in checkpoints]
    grown = max(sizes, default=0)
    url, options = _options(engine)
    sqlite, ranges = readers.sqlite_file(engine), bounds(head, workers)
    # fork starts a worker in milliseconds, without importing anything again; but a fork
    # copies the locks other threads hold (an API server, a Temporal worker), so a process
    # that runs threads spawns its workers instead
    method = "fork" if threading.active_count() == 1 else "spawn"
    # a forked worker's garbage collector would walk (and so copy, page by page) every object
    # of the parent's heap; frozen, they are left alone
    gc.freeze()
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context(method)) as pool:
            futures: dict[Future[Segment | None], int] = {}
            for index, (start, end) in enumerate(ranges):
                query = queries[0] if end is None else queries[1]
                cuts = tuple(s for s in sizes if start < s and (end is None or s < end))
                futures[pool.submit(check, Job(url, options, query, start, end, grown,
                                               cuts, sqlite))] = index
            results: list[Segment | None] = [None] * len(ranges)
            for future in as_completed(futures):
                result = future.result()
                if result is None:  # the ranges not yet begun are not read
                    pool.shutdown(wait=False, cancel_futures=True)
                    return None
                results[futures[future]] = result
                if progress is not None:
                    progress(result.count)
    finally:
        gc.unfreeze()
    return _stitch([r for r in results if r is not None], checkpoints, head,
                   {} if rebuilt is None else rebuilt)


def _stitch(segments: list[Segment], checkpoints: list[Checkpoint], head: int,
            rebuilt: dict[int, bytes]) -> tuple[int, int] | None:
    """The links between ranges, every checkpoint's Merkle root, and the head."""
    versions: dict[str, int] = {}
    hashes: dict[str, str] = {}
    for segment in segments:
        for stream, (version, prev_hash) in segment.first.items():
            if version != versions.get(stream, 0) + 1 or prev_hash != hashes.get(stream,
                                                                                 GENESIS):
                return None
        for stream, (version, stored) in segment.last.items():
            versions[stream], hashes[stream] = version, stored
    frontier, pending = Frontier(), sorted(checkpoints, key=lambda cp: cp.tree_size)
    for segment in segments:
        for height, node in segment.subtrees:
            frontier.push(node, height)
            if pending and frontier.size == pending[0].tree_size:  # its root where signed
                cp = pending.pop(0)
                if frontier.root().hex() != cp.root_hash:
                    return None
                rebuilt[cp.tree_size] = frontier.to_bytes()
    if pending:
        return None
    count = sum(segment.count for segment in segments)
    if max([head, *(cp.tree_size for cp in checkpoints)]) > count:
        return None
    return count, len(versions)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else \
        os.cpu_count() or 1
