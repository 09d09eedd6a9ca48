"""Group commit's crash safety, with a real process: a child appending from 16 threads is
SIGKILLed after a group's rows are written and before its COMMIT (the test hook
``ledger.group.FAULT_VARIABLE``). Every append it acknowledged is in the ledger as acknowledged,
none of the killed group's events is, every append is all or nothing, positions are gapless and
``verify`` finds the ledger intact; the next append goes on from there."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import Engine

from ledger import Ledger
from ledger.group import FAULT_VARIABLE
from ledger.verify import verify
from tests.ledger.conftest import new_event

ROOT = Path(__file__).resolve().parents[2]
GROUPS_BEFORE_THE_KILL = 30


def test_a_kill_before_commit_loses_no_acknowledged_event(engine: Engine) -> None:
    schema = ""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            schema = str(conn.exec_driver_sql("SELECT current_schema()").scalar_one())
    url = engine.url.render_as_string(hide_password=False)
    env = {**os.environ, FAULT_VARIABLE: str(GROUPS_BEFORE_THE_KILL)}
    child = subprocess.run([sys.executable, "-m", "tests.ledger.group_child", url, schema],
                           cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
                           check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    acked = [tuple(item.split(":")) for line in child.stdout.splitlines()
             if line.startswith("ack ") for item in line.split()[1:]]
    [doomed] = [line.split() for line in child.stderr.splitlines() if line.startswith("doomed")]
    doomed_head, doomed_ids = int(doomed[1]), set(doomed[2:])
    assert len(acked) >= GROUPS_BEFORE_THE_KILL
    assert len(doomed_ids) >= 2

    ledger = Ledger(engine)
    stored = ledger.read_after(0, limit=1_000_000)
    head = ledger.head()
    assert [e.position for e in stored] == list(range(1, head + 1))  # gapless
    held = {str(e.event_id): (str(e.position), e.hash) for e in stored}
    for position, event_id, digest in acked:  # every acknowledged event, as acknowledged
        assert held.get(event_id) == (position, digest)
    assert not doomed_ids & held.keys()  # written, never committed: none of it survives
    assert doomed_head > head
    appends = Counter(e.payload["append"] for e in stored)
    sizes = {e.payload["append"]: e.payload["size"] for e in stored}
    assert all(appends[name] == sizes[name] for name in appends)  # all or nothing
    for stream in {e.stream for e in stored}:
        versions = [e.version for e in ledger.read_stream(stream)]
        assert versions == list(range(1, len(versions) + 1))
    report = verify(engine)
    assert report.intact
    assert report.events == head
    after = ledger.append("cycle-2025", [new_event(0)], expected_version=0)
    assert after[0].position == head + 1
