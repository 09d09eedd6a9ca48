"""Snapshots (issue 23): a stream's folded state every N events and at each year's close.

A snapshot plus the events after it is the fold of the whole stream, for any legal history
(hypothesis); ``audit verify`` refuses, by name, a snapshot that disagrees with its events; and
the maintenance command that takes them keeps what is stored.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from audit.replay import fold as replay_fold
from audit.snapshots import check_snapshots, decode, encode, state_as_of, take_snapshots
from audit.verification import verify_ledger
from domain.cycle import apply, fold
from domain.events import CycleEvent
from domain.kinds import CYCLE
from domain.state import CycleState
from ledger import Ledger, NewEvent, StoredEvent, create_ledger_engine
from ledger.engine import upgrade
from ledger.problems import ProblemKind
from ledger.schema import metadata, snapshots
from ledger.snapshots import Snapshot
from tests.ledger.conftest import execute, new_event
from tests.ledger.test_cli import CLI, _run
from tests.unit.test_cycle import legal_histories

_streams = itertools.count(1)
FAR = datetime(2400, 1, 1, tzinfo=UTC)  # "now", past every year recorded: each has closed


def record(engine: Engine, history: list[CycleEvent], gaps: list[int]) -> tuple[str, Ledger]:
    """``history`` appended one event at a time to a stream of its own, the ledger's clock
    moving ``gaps`` hours (cycled) between them, so that years begin and close."""
    stream, hours = f"cycle-p{next(_streams)}", itertools.cycle(gaps or [1])
    moment = [datetime(2030, 1, 1, tzinfo=UTC)]

    def clock() -> datetime:
        moment[0] += timedelta(hours=next(hours))
        return moment[0]

    ledger = Ledger(engine, clock=clock)
    for version, event in enumerate(history):
        ledger.append(stream, [NewEvent(event_id=uuid.uuid4(), type=event.type,
                                        schema_version=1, payload=event.model_dump(mode="json"),
                                        actor="ISU Director", role="isu",
                                        occurred_at=event.occurred_at)], version)
    return stream, ledger


@settings(max_examples=150, deadline=None)
@given(legal_histories(), st.data())
def test_a_snapshot_and_its_tail_fold_to_the_whole_history(events: list[CycleEvent],
                                                           data: st.DataObject) -> None:
    """Stored as canonical JSON and read back, the state after any prefix, with the rest of
    the events folded onto it, is the fold of them all."""
    cut = data.draw(st.integers(0, len(events)))
    stored = Snapshot(stream="cycle-x", version=max(cut, 1), position=1, hash="0" * 64,
                      recorded_at="", format=1, state=encode(fold(events[:cut])))
    state = decode(CYCLE, stored)
    for event in events[cut:]:
        state = apply(state, event)
    assert state == fold(events)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(history=legal_histories(), gaps=st.lists(st.integers(1, 24 * 200), max_size=6),
       every=st.integers(1, 12))
def test_state_as_of_any_moment_is_the_fold_up_to_it(engine: Engine, history: list[CycleEvent],
                                                     gaps: list[int], every: int) -> None:
    """Recorded in a real ledger (both backends), snapshotted every ``every`` events and at
    each year's close: the state as of every event's moment, and before the first, is the
    fold of the events recorded by then; every snapshot agrees with its events."""
    stream, ledger = record(engine, history, gaps)
    take_snapshots(ledger, every, now=FAR)
    recorded = ledger.read_stream(stream)
    taken = {s.version for s in _snapshots(engine, stream)}
    for e in recorded:
        assert (e.version in taken) == (e.version % every == 0 or _closes_year(recorded, e))
    assert check_snapshots(ledger) is None
    for e in recorded:
        asof = state_as_of(ledger, stream, datetime.fromisoformat(e.recorded_at))
        held = [r for r in recorded if r.recorded_at <= e.recorded_at]
        assert asof.state == _fold(held)
        assert asof.version == held[-1].version
        assert asof.folded == asof.version - asof.snapshot
    if recorded:
        before = datetime.fromisoformat(recorded[0].recorded_at) - timedelta(microseconds=1)
        assert state_as_of(ledger, stream, before).state == CycleState()


def _fold(recorded: list[StoredEvent]) -> CycleState:
    """The whole fold from the start, as replay makes it: what snapshot + tail must equal."""
    if not recorded:
        return CycleState()
    state: CycleState = replay_fold(recorded[0].stream,
                                    ((e.position, e.version, e.payload) for e in recorded))
    return state


def _closes_year(recorded: list[StoredEvent], e: StoredEvent) -> bool:
    after = [r for r in recorded if r.version == e.version + 1]
    return (after[0].recorded_at[:4] if after else "2400") > e.recorded_at[:4]


def _snapshots(engine: Engine, stream: str) -> list[Snapshot]:
    with engine.connect() as conn:
        rows = conn.execute(select(snapshots.c.stream, snapshots.c.version,
                                   snapshots.c.position, snapshots.c.hash,
                                   snapshots.c.recorded_at, snapshots.c.format,
                                   snapshots.c.state).where(snapshots.c.stream == stream))
        return [Snapshot(*row) for row in rows]


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(snapshots)).scalar_one())


@pytest.fixture
def snapshotted(engine: Engine) -> tuple[Ledger, str]:
    history = [e for e in _a_history() if e is not None]
    stream, ledger = record(engine, history, [24 * 100])
    assert take_snapshots(ledger, 2, now=FAR) > 2
    return ledger, stream


def _a_history() -> list[CycleEvent]:
    """A legal history of the cycle, the first hypothesis would find of ten events or more."""
    return find(legal_histories(), lambda events: len(events) >= 10)


@pytest.mark.parametrize("change", ["state", "format", "hash"])
def test_verify_refuses_a_snapshot_that_disagrees_by_name(snapshotted: tuple[Ledger, str],
                                                          change: str) -> None:
    """A snapshot whose state is not the fold (or in a format no code reads, or bound to no
    event of its stream) fails ``audit verify`` naming it; deleted, the ledger verifies and
    the state as of its moment is folded from the snapshot before it."""
    ledger, stream = snapshotted
    engine = ledger.engine
    assert verify_ledger(engine, None).intact
    victim = _snapshots(engine, stream)[1]
    other = _snapshots(engine, stream)[0]
    value = {"state": other.state, "format": 2, "hash": "f" * 64}[change]
    execute(engine, f"UPDATE snapshots SET {change} = :value WHERE stream = :stream "
                    "AND version = :version", value=value, stream=stream,
            version=victim.version)
    result = verify_ledger(engine, None)
    assert not result.intact
    assert result.problem is not None
    assert result.problem.kind is ProblemKind.SNAPSHOT
    assert (result.problem.stream, result.problem.version) == (stream, victim.version)
    assert "snapshot" in result.sentence()
    execute(engine, "DELETE FROM snapshots WHERE stream = :stream AND version = :version",
            stream=stream, version=victim.version)
    assert verify_ledger(engine, None).intact
    moment = datetime.fromisoformat(victim.recorded_at)
    asof = state_as_of(ledger, stream, moment)  # from the snapshot before it, and two events
    assert (asof.snapshot, asof.version) == (other.version, victim.version)
    assert asof.state == _fold(ledger.read_stream(stream)[:victim.version])


def test_taking_again_keeps_what_is_stored_and_leaves_other_streams(engine: Engine) -> None:
    """A second run takes nothing; events recorded since are snapshotted from the newest one
    on; a stream of no kind of process is never snapshotted."""
    ledger = Ledger(engine)
    ledger.append("bench-0001", [new_event(n) for n in range(5)], 0)
    history = _a_history()
    stream, ledger = record(engine, history[:4], [1])
    assert take_snapshots(ledger, 2, now=FAR) == 2  # versions 2 and 4 (4: its year closed)
    assert take_snapshots(ledger, 2, now=FAR) == 0
    for version, event in enumerate(history[4:8], start=4):
        ledger.append(stream, [NewEvent(event_id=uuid.uuid4(), type=event.type,
                                        schema_version=1, payload=event.model_dump(mode="json"),
                                        actor="ISU Director", role="isu",
                                        occurred_at=event.occurred_at)], version)
    assert take_snapshots(ledger, 2, now=FAR) == 2  # versions 6 and 8
    assert [s.version for s in _snapshots(engine, stream)] == [2, 4, 6, 8]
    assert _snapshots(engine, "bench-0001") == []
    assert _count(engine) == 4
    assert check_snapshots(ledger) is None


def test_snapshots_stop_before_an_event_the_rules_refuse(engine: Engine) -> None:
    """An event written outside the engine that does not fold ends its stream's snapshots
    before it; the command does not fail, and what it stored verifies."""
    history = _a_history()
    stream, ledger = record(engine, history[:3], [1])
    ledger.append(stream, [new_event(0)], 3)  # a payload no cycle event has
    assert take_snapshots(ledger, 1, now=FAR) == 3
    assert [s.version for s in _snapshots(engine, stream)] == [1, 2, 3]
    assert check_snapshots(ledger) is None


def test_schema_py_describes_what_migration_0009_creates(engine: Engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in differences if "snapshots" in repr(d)] == []


def test_the_command_takes_them_refuses_a_bad_every_and_audit_verify_names_one(
        tmp_path: Path) -> None:
    """`db snapshot` as an operator runs it; `--every 0` is one sentence, exit 2, nothing
    stored, and the next run works; a snapshot changed behind its back makes `audit verify`
    exit 1 naming it."""
    engine = create_ledger_engine(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    upgrade(engine)
    stream, _ = record(engine, _a_history()[:6], [1])
    refused = _run([*CLI, "db", "snapshot", "--every", "0"], tmp_path)
    assert refused.returncode == 2
    assert "--every" in refused.stderr
    assert _count(engine) == 0
    done = _run([*CLI, "db", "snapshot", "--every", "2"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "snapshot(s) taken" in done.stdout
    assert [s.version for s in _snapshots(engine, stream)][:3] == [2, 4, 6]
    assert _run([*CLI, "audit", "verify"], tmp_path).returncode == 0
    execute(engine, "UPDATE snapshots SET state = '{}' WHERE version = 4")
    verified = _run([*CLI, "audit", "verify"], tmp_path)
    assert verified.returncode == 1
    assert "snapshot at position" in verified.stdout
    assert f"stream {stream}, version 4" in verified.stdout
    engine.dispose()
