"""The child process of tests/ledger/test_group_crash.py: 16 threads append through a
GroupCommitLedger for ever, each printing a line per acknowledged append on stdout (``ack``
then ``position:event_id:hash`` per event), until the fault point (its variable set by the
test) SIGKILLs the process before a group's COMMIT.

Usage: ``python -m tests.ledger.group_child URL [SCHEMA]``.
"""

from __future__ import annotations

import sys
import threading
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from ledger import NewEvent, create_ledger_engine
from ledger.group import GroupCommitLedger

THREADS = 16


def event(stream: str, version: int, size: int, k: int) -> NewEvent:
    """Event ``k`` of an append of ``size`` events to ``stream`` at ``version``."""
    return NewEvent(event_id=uuid.uuid4(), type="WorkplanDrafted", schema_version=1,
                    payload={"append": f"{stream}@{version}", "size": size, "k": k},
                    actor="ISU Director", role="isu",
                    occurred_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=version),
                    workflow_id=stream, run_id="run-1")


def main() -> None:
    url, schema = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "")
    options: dict[str, Any] = ({"connect_args": {"options": f"-csearch_path={schema}"}}
                               if schema else {})
    ledger = GroupCommitLedger(create_ledger_engine(url, **options))
    printing = threading.Lock()

    def write(i: int) -> None:
        stream, version = f"crash-{i}", 0
        while True:
            size = 1 + version % 3  # batches of 1, 2 and 3 events: each all or nothing
            batch = [event(stream, version, size, k) for k in range(size)]
            receipts = ledger.append(stream, batch, version)
            line = " ".join(f"{r.position}:{r.event_id}:{r.hash}" for r in receipts)
            with printing:
                sys.stdout.write(f"ack {line}\n")
                sys.stdout.flush()
            version += size

    threads = [threading.Thread(target=write, args=(i,), daemon=True) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
