"""Whole yearly cycles under load, against a no-op recording in the same run (``make
bench-cycle``; ``--quick`` for a smoke run). Fails only on a wrong result (a cycle not closed
with its work plan adopted, a ledger that does not verify), never on a missed target.

Each round drives N cycles (default 50) concurrently with ``scripted.run_year`` on a fresh
embedded dev server and SQLite ledger, to their close and the next year's opening, timing
every update from sending to its receipt. The reference rounds run a worker whose
``record_event``, ``take_checkpoint`` and ``plan_notices`` touch no database (``prepare_cycle``
stays real: it reads an empty stream on both sides; ``start_notices`` too: it plans each
event's notices on both sides and, no one being registered, starts no ``Notices`` workflow).
The kinds alternate ABBA, so slow spells hit both.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

# `python bench/cycle.py` puts bench/ first on sys.path, where bench/ledger.py would shadow the
# ledger package; put the project root there instead.
_BENCH = Path(__file__).resolve().parent
sys.path[:] = [str(_BENCH.parent), *(p for p in sys.path if Path(p or ".").resolve() != _BENCH)]

from temporalio import activity  # noqa: E402
from temporalio.client import Client  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402

from activities.notices import NoticeActivities  # noqa: E402
from activities.recording import CycleActivities  # noqa: E402
from contracts import CheckpointTaken, RecordEvent, TakeCheckpoint, cycle_id  # noqa: E402
from contracts.notices import PLAN_NOTICES, NoticesPlanned, PlanNotices  # noqa: E402
from domain.kinds import CYCLE  # noqa: E402
from domain.state import WorkplanStatus  # noqa: E402
from ledger.checkpoints import load_public_key  # noqa: E402
from ledger.encoding import canonical_time  # noqa: E402
from ledger.records import Receipt  # noqa: E402
from ledger.verify import verify  # noqa: E402
from runtime.embedded import free_port, start_embedded  # noqa: E402
from runtime.observability import configure_logging  # noqa: E402
from scenarios import scripted  # noqa: E402
from settings import Settings  # noqa: E402
from worker import cycle_activities, cycle_worker, open_ledger  # noqa: E402
from workflows.cycle import AnnualCycleWorkflow  # noqa: E402

FIRST_YEAR = 2101  # far enough ahead that no deadline of any cycle has passed
# Driven years are 3 apart (2101, 2104, ...). Closing cycle Y opens Y+1 by itself: with Y+1
# driven too, two openers would race for one workflow. And opening Y reads the stream of Y-1:
# were Y-1 an auto-opened year, Y would carry in its terms whenever Y-2 happened to close
# first, and the year's shape would depend on timing. With a gap of 3 neither can happen.
SPACING = 3
APPROVE = "approve_workplan"
Timings = dict[str, list[float]]


class NoRecording:
    """The reference's ``record_event``, ``take_checkpoint`` and ``plan_notices``: plausible
    results (version ``expected_version + 1``, positions from an in-memory counter, a zero
    hash, no notice to send), no database."""

    def __init__(self) -> None:
        self.lock, self.position = threading.Lock(), 0  # activities run on several threads

    @activity.defn(name="record_event")
    def record_event(self, request: RecordEvent) -> Receipt:
        with self.lock:
            self.position += 1
            position = self.position
        return Receipt(event_id=request.event_id, stream=request.stream,
                       version=request.expected_version + 1, position=position,
                       hash="0" * 64, recorded_at=canonical_time(datetime.now(UTC)))

    @activity.defn(name="take_checkpoint")
    def take_checkpoint(self, request: TakeCheckpoint) -> CheckpointTaken:
        return CheckpointTaken(tree_size=self.position, root_hash="0" * 64, key_id="none")

    @activity.defn(name=PLAN_NOTICES)
    def plan_notices(self, request: PlanNotices) -> NoticesPlanned:
        return NoticesPlanned()  # the bench registers no people: the recorded side's is empty


@contextmanager
def timed_updates(timings: Timings) -> Iterator[None]:
    """Time every update ``scripted.run_year`` sends, from sending to its receipt, by step.
    run_year looks ``take_step``/``open_cycle`` up in its module at each call, so wrapping them
    there times the round trip alone (not the state query that follows) with the script as is."""
    take, open_ = scripted.take_step, scripted.open_cycle

    def timed(call: Callable[..., Awaitable[Receipt]], step: Callable[[Any], str]
              ) -> Callable[..., Awaitable[Receipt]]:
        async def timed_call(client: Client, *args: Any) -> Receipt:
            started = time.perf_counter()
            receipt = await call(client, *args)
            timings.setdefault(step(args), []).append(time.perf_counter() - started)
            return receipt
        return timed_call

    scripted.take_step = timed(take, lambda args: CYCLE.step_of(args[1]))
    scripted.open_cycle = timed(open_, lambda _: "open_cycle")
    try:
        yield
    finally:
        scripted.take_step, scripted.open_cycle = take, open_


async def drive(client: Client, year: int, queue: str, think: float) -> int:
    """One year from opening to close, then until the year it opened has recorded its own
    opening (so no work of a round spills into the next); the events the year recorded.
    With ``think`` > 0 its people pause after each step, exponentially with that mean (seeded
    by the year, so both kinds of round see the same pauses)."""
    pauses = random.Random(year)

    async def pause(_: str, __: Receipt, ___: object) -> None:
        if think > 0:
            await asyncio.sleep(pauses.expovariate(1 / think))

    await scripted.run_year(client, year, queue, step=pause)
    outcome = await client.get_workflow_handle_for(AnnualCycleWorkflow.run,
                                                   cycle_id(year)).result()
    if outcome.workplan_status is not WorkplanStatus.ADOPTED:
        raise SystemExit(f"the {year} cycle closed with its work plan {outcome.workplan_status}")
    await client.get_workflow_handle(outcome.next_cycle).execute_update(
        AnnualCycleWorkflow.wait_opened)
    return outcome.events


def problems_logged(directory: Path) -> str:
    """Retried activities and errors in the worker's log, the dev server's warnings (the SDK's
    own warnings go to stderr)."""
    entries = [json.loads(line) for line in (directory / "worker.log").read_text().splitlines()]
    server = (directory / "server.log").read_text()
    return (f"activities: {sum(e.get('attempt', 1) > 1 for e in entries)} retried, "
            f"{sum(e.get('level') == 'error' for e in entries)} errors; server: "
            f"{server.count('Slow gRPC call')} calls > 5 s, {server.count('level=ERROR')} errors")


@contextmanager
def server_output(path: Path) -> Iterator[None]:
    """The dev server inherits this process's stdout and stderr: point both at ``path`` while
    it starts, so its banner and warnings land in the round's directory, to be counted."""
    sys.stdout.flush()
    saved = os.dup(1), os.dup(2)
    with open(path, "w") as log:
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
    try:
        yield
    finally:
        for fd, copy in enumerate(saved, start=1):
            os.dup2(copy, fd)
            os.close(copy)


async def embedded(directory: Path) -> tuple[Settings, WorkflowEnvironment]:
    """A fresh embedded dev server keeping its data (and the SQLite ledger's, by the settings
    returned) in ``directory``, made here, its output in ``server.log`` there."""
    directory.mkdir()
    settings = Settings(data_dir=directory, temporal_address=f"127.0.0.1:{free_port()}",
                        ledger_url=None, signing_key=None)
    with server_output(directory / "server.log"):
        return settings, await start_embedded(settings, ui=False)


def server_pid() -> int:
    """The dev server: the child process of this one named ``temporal`` (Linux /proc)."""
    for children in Path("/proc/self/task").glob("*/children"):
        for pid in children.read_text().split():
            if Path(f"/proc/{pid}/comm").read_text().strip() == "temporal":
                return int(pid)
    raise RuntimeError("the dev server process was not found")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used by process ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Kind:
    """What the rounds of one kind (recorded or reference) add up to."""

    seconds: float = 0.0
    cpu: list[float] = field(default_factory=lambda: [0.0, 0.0])  # this process, dev server
    timings: Timings = field(default_factory=dict)

    def add(self, seconds: float, cpu: tuple[float, float], timings: Timings) -> None:
        self.seconds += seconds
        self.cpu = [a + b for a, b in zip(self.cpu, cpu, strict=True)]
        for name, values in timings.items():
            self.timings.setdefault(name, []).extend(values)

    @property
    def every(self) -> list[float]:
        return [s for values in self.timings.values() for s in values]


async def run_round(kind: str, years: list[int], directory: Path, total: Kind,
                    think: float) -> None:
    """One round on a fresh dev server and ledger: every cycle, concurrently."""
    settings, env = await embedded(directory)
    server, ledger, timings = server_pid(), open_ledger(settings), Timings()
    acts: list[Callable[..., Any]] = cycle_activities(ledger, settings)
    if kind == "reference":
        none, real = NoRecording(), CycleActivities(ledger, settings.effective_signing_key)
        # a cycle reads its (empty) stream as it begins, with the ledger or without; the
        # events that open a step plan their notices on both sides (issue 21)
        acts = [none.record_event, real.read_stream, real.prepare_cycle, none.take_checkpoint,
                NoticeActivities(ledger, settings).start_notices, none.plan_notices]
    queue = f"bench-{kind}"
    try:
        with (open(directory / "worker.log", "w") as log, timed_updates(timings),
              ThreadPoolExecutor(settings.activity_threads) as executor):
            configure_logging(log)
            async with cycle_worker(env.client, queue, acts, executor, settings.activity_threads):
                started, cpu = time.perf_counter(), (time.process_time(), cpu_seconds(server))
                counts = await asyncio.gather(*(drive(env.client, y, queue, think)
                                                for y in years))
                seconds = time.perf_counter() - started
                cpu = (time.process_time() - cpu[0], cpu_seconds(server) - cpu[1])
            configure_logging()
        if kind == "recorded":
            report = verify(ledger.engine, load_public_key(settings.effective_signing_key))
            expected = sum(counts) + len(years)  # and each next year's opening
            if not report.intact or report.events != expected or report.checkpoints < 1:
                raise SystemExit(f"the ledger does not verify: {report} ({expected} expected)")
    finally:
        await env.shutdown()
        ledger.engine.dispose()
    total.add(seconds, cpu, timings)
    steps = sum(len(v) for v in timings.values())
    print(f"  {directory.name:<7} {kind:<9} {len(years)} cycles, {steps} steps in {seconds:5.1f} s "
          f"({steps / seconds:4.1f} steps/s), {APPROVE} p99 {ms(pct(timings[APPROVE], 99))}; "
          f"CPU per step: this process {ms(cpu[0] / steps)}, dev server {ms(cpu[1] / steps)}; "
          f"{problems_logged(directory)}", flush=True)


def pct(values: list[float], p: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def p50_p99(values: list[float]) -> str:
    return f"{ms(pct(values, 50))} / {ms(pct(values, 99))}"


def summary(n: int, ours: Kind, ref: Kind, think: float) -> None:
    ratio, p99 = ours.seconds / ref.seconds, pct(ours.timings[APPROVE], 99)
    steps = len(ours.every)  # the same number on both sides
    paced = f", people pausing {think:g} s on average" if think else ", no pauses"
    print(f"\n== Summary: {n} concurrent cycles{paced}. Reference: the same workflows and script, "
          "record_event, take_checkpoint and plan_notices no-ops (no database), prepare_cycle "
          "and start_notices real ==")
    print("| figure | recorded | reference, same run | target | met |\n|---|---|---|---|---|")
    print(f"| person-steps/s of wall time | {steps / ours.seconds:.1f} | "
          f"{steps / ref.seconds:.1f} | | |")
    print(f"| wall time, recorded / reference | {ours.seconds:.1f} s | {ref.seconds:.1f} s | "
          f"**{ratio:.2f}x**, ≤ 1.25x | {'yes' if ratio <= 1.25 else '**no**'} |")
    print(f"| {APPROVE} p50 / p99 | {p50_p99(ours.timings[APPROVE])} | "
          f"{p50_p99(ref.timings[APPROVE])} | p99 ≤ 250 ms at 50 cycles | "
          f"{'yes' if p99 <= 0.25 else '**no**'}{'' if n == 50 else f' (at {n})'} |")
    print(f"| all steps p50 / p99 | {p50_p99(ours.every)} | {p50_p99(ref.every)} | | |")
    print("| CPU per step: this process (worker and script) / dev server | "
          + " | ".join(f"{ms(k.cpu[0] / steps)} / {ms(k.cpu[1] / steps)}" for k in (ours, ref))
          + " | | |")
    print("\nper step, p50 / p99: recorded | reference")
    for name, values in ours.timings.items():
        print(f"  {name:<29} {p50_p99(values):>19} | {p50_p99(ref.timings[name]):>19}   "
              f"({len(values)} each)")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=50, help="concurrent cycles per round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each kind")
    parser.add_argument("--quick", action="store_true", help="5 cycles, 1 round each")
    parser.add_argument("--think", type=float, default=0.0, metavar="SECONDS",
                        help="people's mean pause after each step (default 0: each takes the "
                        "next step the moment the last is acknowledged, the engine saturated)")
    args = parser.parse_args()
    n, rounds = (5, 1) if args.quick else (args.cycles, args.rounds)
    years = [FIRST_YEAR + SPACING * i for i in range(n)]
    pace = (f"people pause {args.think:g} s on average after each step" if args.think
            else "no pauses (closed loop)")
    print(f"cycle benchmark: {n} concurrent cycles ({years[0]}..{years[-1]}, every {SPACING}), "
          f"{rounds} round(s) each of recorded and reference, ABBA; "
          f"{pace}; "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; Python {platform.python_version()}, "
          f"{os.cpu_count()} cores", flush=True)
    kinds = {"recorded": Kind(), "reference": Kind()}
    with tempfile.TemporaryDirectory(prefix="cycle-bench-") as tmp:
        # untimed: imports, the sandbox's first validation and pydantic's schemas
        await run_round("recorded", years[:3], Path(tmp) / "warm-up", Kind(), 0.0)
        for i in range(2 * rounds):
            kind = ("recorded", "reference")[(i + i // 2) % 2]  # ABBA ABBA ...
            await run_round(kind, years, Path(tmp) / f"round-{i}", kinds[kind], args.think)
    summary(n, kinds["recorded"], kinds["reference"], args.think)


if __name__ == "__main__":
    asyncio.run(main())
