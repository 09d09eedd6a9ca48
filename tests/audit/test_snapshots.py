"""Snapshots of every kind of process the five simulated years recorded — the cycles, the
country coalition and the silence procedures — read back as the state as of each of their
events, on both backends: each kind's state survives its canonical JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from audit.replay import fold, replay
from audit.snapshots import check_snapshots, state_as_of, take_snapshots
from audit.verification import verify_ledger
from domain.kinds import KINDS
from ledger import Ledger
from ledger.checkpoints import checkpoint_public_key
from tests.audit.conftest import World


def test_every_process_as_of_each_event_from_its_snapshot(world: World,
                                                          five_years_ledger: Ledger) -> None:
    ledger = five_years_ledger
    streams = [s for s in ledger.streams() if any(k.owns(s) for k in KINDS.values())]
    assert {next(k.name for k in KINDS.values() if k.owns(s)) for s in streams} == {
        "cycle", "coalition", "silence"}
    taken = take_snapshots(ledger, 1, now=datetime(2400, 1, 1, tzinfo=UTC))
    assert taken == sum(len(ledger.read_stream(s)) for s in streams)
    for stream in streams:
        recorded = ledger.read_stream(stream)
        for e in recorded:
            asof = state_as_of(ledger, stream, datetime.fromisoformat(e.recorded_at))
            held = [r for r in recorded if r.recorded_at <= e.recorded_at]
            assert (asof.snapshot, asof.folded) == (held[-1].version, 0)
            assert asof.state == fold(stream, ((r.position, r.version, r.payload)
                                               for r in held))
        assert asof.state == replay(ledger, stream).state
    assert check_snapshots(ledger) is None
    assert verify_ledger(ledger.engine, checkpoint_public_key(world.public_key)).intact
