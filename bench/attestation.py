"""What attesting a step costs, beside what recording it costs, measured in the same run
(``make bench-attestation``).

A benchmark, not a test: it asserts nothing about speed. Per step of a person, the engine now
signs one attestation (the API or the CLI), verifies its signature twice (the update's
validator, the ledger's gate), checks its binding three times (validator, handler, gate: a
SHA-256 of the canonical input each) and writes one more row beside the event. Each is timed
alone, ``--steps`` times, and set beside the reference: one durable append of the same event
without an attestation to a SQLite ledger set up as the engine sets it up (WAL, synchronous
FULL: the cost the step paid before). Alternating rounds: the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent), *(p for p in sys.path if Path(p or ".").resolve() != _BENCH)]

from activities.attested import Gate  # noqa: E402
from attesting import Signer, configure  # noqa: E402
from contracts import RecordEvent  # noqa: E402
from contracts.trust import TRUSTED  # noqa: E402
from domain.attestation import bound, canonical_input  # noqa: E402
from domain.commands import ApproveWorkplan  # noqa: E402
from domain.elections import plan_first_round  # noqa: E402
from domain.events import WorkplanApprovedByCommittee  # noqa: E402
from domain.state import CycleState  # noqa: E402
from ledger import Ledger, NewEvent, create_ledger_engine, upgrade  # noqa: E402
from scenarios import scripted  # noqa: E402

CHAIR = scripted.president(2027)  # who presides over the first year below
HASH = "ab" * 32
#: the members present (CC-5) as the chair records them: the committee of a first year, the
#: size a real approval carries (the President, thirteen coordinators, ICRC, UN and CMC)
_FIRST_YEAR = CycleState(year=2027, terms=plan_first_round(2026, scripted.FIRST_ROUND).terms,
                         presidencies=(scripted.first_presidency(2027, date(2027, 1, 1)),))
PRESENT = scripted.present(_FIRST_YEAR, date(2027, 1, 15))


def _timed(step: Callable[[int], object], n: int) -> float:
    """Microseconds per call of ``step(i)``, over ``n`` calls."""
    start = time.perf_counter()
    for i in range(n):
        step(i)
    return (time.perf_counter() - start) / n * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    n, rounds = parser.parse_args().steps, parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        key = Path(tmp) / "attestation-signing-key.pem"
        signer = configure(key) or Signer.of(key)
        gate = Gate(key)
        command = ApproveWorkplan(actor=CHAIR, content_hash=HASH, present=PRESENT)
        event = WorkplanApprovedByCommittee(year=2027, occurred_at=datetime.now(UTC),
                                            actor=CHAIR, content_hash=HASH, present=PRESENT)
        attested = signer.attest(command, stream="cycle-2027", step="approve_workplan",
                                 version=0)
        assert attested.attestation is not None
        figures: dict[str, list[float]] = {}
        for r in range(rounds):
            engine = create_ledger_engine(f"sqlite:///{tmp}/ledger-{r}.sqlite3")
            upgrade(engine)
            ledger = Ledger(engine)

            def append(i: int, with_attestation: bool, stream: str,
                       ledger: Ledger = ledger) -> None:
                kept = None
                if with_attestation:
                    offered = signer.attest(command, stream=stream, step="approve_workplan",
                                            version=i)
                    kept = gate.kept(RecordEvent(
                        stream=stream, expected_version=i, event_id=uuid.uuid4(),
                        event=event, attestation=offered.attestation,
                        input=canonical_input(offered)))
                ledger.append(stream, [NewEvent(
                    event_id=uuid.uuid4(), type=event.type, schema_version=1,
                    payload=event.model_dump(mode="json"), actor=CHAIR.name,
                    role=CHAIR.role.value, occurred_at=event.occurred_at, attestation=kept)],
                    i)

            rows = {
                "append (reference)": lambda i: append(i, False, "cycle-2027"),
                "append + sign + gate + row": lambda i: append(i, True, "cycle-2028"),
                "sign (API, CLI)": lambda i: signer.attest(
                    command, stream="cycle-2027", step="approve_workplan", version=0),
                "verify signature": lambda i: TRUSTED.verify(attested.attestation),
                "binding (SHA-256 of input)": lambda i: bound(
                    attested, stream="cycle-2027", step="approve_workplan", version=0),
            }
            for name, step in rows.items():
                figures.setdefault(name, []).append(_timed(step, n))
            engine.dispose()
    reference = statistics.median(figures["append (reference)"])
    sign = statistics.median(figures["sign (API, CLI)"])
    verify = statistics.median(figures["verify signature"])
    binding = statistics.median(figures["binding (SHA-256 of input)"])
    per_step = sign + 2 * verify + 3 * binding
    print(f"{n} steps x {rounds} rounds, median per call (µs), ratio to the reference append")
    for name, values in figures.items():
        value = statistics.median(values)
        print(f"  {name:30} {value:9.1f}  {value / reference:5.2f}x")
    print(f"  {'a step: sign + 2 verify + 3 binding':30} {per_step:9.1f}  "
          f"{per_step / reference:5.2f}x")


if __name__ == "__main__":
    main()
