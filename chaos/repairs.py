"""The experiments an operator repairs with ``intersessional engine recover``: Temporal's
database put back to an older copy, and cycles reset or terminated with Temporal's own CLI.
The people of each year pause at a step (a gate) while the fault is made, so the fault always
falls mid-year, then carry on; the years must complete after the repair."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import time
from pathlib import Path

from chaos.checks import Figures, audit_cross_check, conclude
from chaos.diagnosis import status
from chaos.driver import Link, Until, Year, drive_all, driven
from chaos.experiment import Options, first_line, framed, recover
from chaos.processes import Engine, ExperimentError
from contracts import cycle_id

GATE_WAIT = 120.0  # seconds for every year to reach its gate


async def at_gate(ys: list[Year], step: str, until: Until) -> None:
    """Until every year of ``ys`` waits before ``step`` (:class:`ExperimentError` past
    ``until``)."""
    while not all(y.waiting_at == step for y in ys):
        if until.passed:
            behind = [y.year for y in ys if y.waiting_at != step]
            raise ExperimentError(f"years {behind} did not reach {step} in time: "
                         + "; ".join(y.last_error for y in ys if y.last_error)[:300])
        await asyncio.sleep(0.1)


def backup(database: Path, copy: Path) -> None:
    """A consistent copy of Temporal's SQLite database while the server writes it (SQLite's
    online backup API, as ``sqlite3 .backup`` makes it)."""
    source = sqlite3.connect(database)
    target = sqlite3.connect(copy)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def put_back(copy: Path, database: Path) -> None:
    """``database`` replaced by ``copy`` (its WAL and shared memory removed with it)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(copy, database)


def cut_short(until: Until, options: Options) -> None:
    """Without a repair, wait a while to measure the wedge (or see the years heal by
    themselves), not the whole timeout."""
    until.at = min(until.at, time.monotonic() + min(30, options.timeout / 4))


async def temporal_rollback(options: Options) -> Figures:
    """8 concurrent years. Mid-run Temporal's database is copied; the years go on to the
    committee's approval, where they pause; everything is stopped, the older copy put back,
    Temporal started again, a worker started, ``intersessional engine recover`` run, and the
    years carry on to their close."""
    gate = asyncio.Event()
    ys = driven(options.years_or(8), {"approve_workplan": gate})
    figures = Figures("temporal-rollback", len(ys))
    before_gate = len(ys) * 10  # the events each year records before the approval
    async with framed(figures, options) as engine:
        server = await asyncio.to_thread(engine.server)
        link = Link(await engine.client())
        worker = await asyncio.to_thread(engine.worker)
        until = options.until()
        driving = asyncio.create_task(drive_all(engine, link, ys, until))
        while (not driving.done()
               and await asyncio.to_thread(engine.ledger().head) < before_gate * 2 // 5):
            await asyncio.sleep(0.05)
        copy = engine.directory / "temporal-copy.sqlite3"
        await asyncio.to_thread(backup, engine.settings.temporal_database, copy)
        copied_at = await asyncio.to_thread(engine.ledger().head)
        await at_gate(ys, "approve_workplan", Until.after(GATE_WAIT))
        figures.notes.append(f"Temporal's database copied at ledger head {copied_at}, put "
                             f"back at {await asyncio.to_thread(engine.ledger().head)}")
        await asyncio.to_thread(worker.kill)
        await asyncio.to_thread(server.stop)
        put_back(copy, engine.settings.temporal_database)
        figures.kills += 1
        await asyncio.to_thread(engine.server)
        link.client = await engine.client()
        # as docs/OPERATIONS.md says: a worker (which heals what it finds as it starts),
        # then `engine recover`, which repairs what is left and says all agrees
        await asyncio.to_thread(engine.worker)
        if not await asyncio.to_thread(recover, engine, figures):
            cut_short(until, options)
        gate.set()
        await driving
        await conclude(figures, engine, link.client, ys)
    return figures


async def fault(engine: Engine, y: Year, how: str) -> None:
    """``temporal workflow reset`` (to the first workflow task) or ``terminate`` the year's
    cycle with Temporal's own CLI."""
    workflow = cycle_id(y.year)
    args = (["workflow", "reset", "--workflow-id", workflow, "--type", "FirstWorkflowTask"]
            if how == "reset" else ["workflow", "terminate", "--workflow-id", workflow])
    ran = await asyncio.to_thread(engine.temporal, *args, "--reason", f"chaos: {how}")
    if ran.returncode != 0:
        raise ExperimentError(f"temporal {' '.join(args[:2])} {workflow} exited {ran.returncode}: "
                     f"{first_line(ran.stdout + ran.stderr)}")


async def reset_terminate(options: Options) -> Figures:
    """6 concurrent years, all pausing before the meeting is held. Half of them (at least
    two) are reset or terminated (alternately) with Temporal's CLI; ``audit cross-check`` must
    name each of those and no other; then ``intersessional engine recover``, and every year
    carries on to its close."""
    gate = asyncio.Event()
    ys = driven(options.years_or(6), {"hold_meeting": gate})
    faulted = {y.year: ("reset", "terminate")[i % 2]
               for i, y in enumerate(ys[:max(2, len(ys) // 2)])}
    figures = Figures("reset-terminate", len(ys))
    async with framed(figures, options) as engine:
        await asyncio.to_thread(engine.server)
        link = Link(await engine.client())
        await asyncio.to_thread(engine.worker)
        until = options.until()
        driving = asyncio.create_task(drive_all(engine, link, ys, until))
        await at_gate(ys, "hold_meeting", Until.after(GATE_WAIT))
        for y in ys:
            if y.year in faulted:
                await fault(engine, y, faulted[y.year])
                figures.kills += 1
        await asyncio.sleep(2)  # a reset run fails (or not) on its first workflow task
        figures.notes.append("after the faults: " + ", ".join(
            [f"{year} {how}: {await status(link.client, year)}"
             for year, how in faulted.items()]))
        await asyncio.to_thread(named_before_repair, engine, figures, faulted)
        if not await asyncio.to_thread(recover, engine, figures):
            cut_short(until, options)
        gate.set()
        await driving
        await conclude(figures, engine, link.client, ys)
    return figures


def named_before_repair(engine: Engine, figures: Figures, faulted: dict[int, str]) -> None:
    """``audit cross-check`` before the repair names every faulted cycle (a reset one unless
    it has healed by itself), and no other."""
    agrees, said = audit_cross_check(engine)
    named = {y for y in faulted if any(f" {cycle_id(y)}:" in line for line in said)}
    figures.notes.append(f"cross-check before the repair: {'clean' if agrees else 'differs'}, "
                         f"named {len(named)} of {len(faulted)} faulted cycles")
    # a run reset to its first workflow task reads its stream as it begins again and goes
    # on by itself: nothing is left to name, which is no failure
    figures.notes += [f"{cycle_id(y)} healed by itself after its reset" for y, how in
                      faulted.items() if y not in named and how == "reset"]
    figures.problems += [f"cross-check before the repair did not name {cycle_id(y)} ({how})"
                         for y, how in faulted.items() if y not in named and how != "reset"]
    others = {line for line in said
              if not any(f" {cycle_id(y)}:" in line for y in faulted)}
    figures.problems += [f"cross-check before the repair named a cycle with no fault: {line}"
                         for line in sorted(others)[:5]]
