"""What every experiment shares: its options, its engine, and the frame that times it, turns
a :class:`~chaos.processes.ExperimentError` into a reason, and kills whatever it started."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from chaos.checks import Figures
from chaos.driver import Until
from chaos.processes import Engine, ExperimentError


@dataclass(frozen=True)
class Options:
    """How big an experiment is and where it runs. ``kills`` ``None``: the experiment's own
    default; ``timeout``: seconds for the years to complete once driving starts."""

    directory: Path
    port: Callable[[], int]
    years: int | None = None
    kills: int | None = None
    timeout: float = 300.0
    seed: int | None = None
    #: seconds without a new event after which the years count as wedged (``None``: the
    #: whole timeout)
    stall: float | None = None
    #: seconds between two faults, drawn uniformly (``None``: the experiment's own)
    interval: tuple[float, float] | None = None
    postgres_url: str = "postgresql://postgres@127.0.0.1:5432/chaos_pg"

    def until(self) -> Until:
        return Until.after(self.timeout, self.stall)

    def years_or(self, default: int) -> int:
        return self.years if self.years is not None else default

    def kills_or(self, default: int | None) -> int | None:
        return self.kills if self.kills is not None else default

    def interval_or(self, low: float, high: float) -> tuple[float, float]:
        return self.interval or (low, high)


@contextlib.asynccontextmanager
async def framed(figures: Figures, options: Options, ledger_url: str | None = None
                 ) -> AsyncIterator[Engine]:
    """An engine of the experiment's own (a directory named after it); on the way out the
    figures get their seconds, a :class:`ExperimentError` its reason, every process is killed and
    every task the experiment left running is cancelled."""
    engine = Engine(options.directory / figures.name, options.port, ledger_url=ledger_url)
    started = time.monotonic()
    tasks = asyncio.all_tasks()
    try:
        yield engine
    except ExperimentError as failed:
        figures.problems.append(str(failed))
    finally:
        for task in asyncio.all_tasks() - tasks:
            task.cancel()
        await asyncio.to_thread(engine.close)
        figures.seconds = time.monotonic() - started


def first_line(text: str) -> str:
    """The line that says what happened: the last one, or the first inside Rich's error box
    (``No such command 'engine'.``)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    boxed = [line.strip("│ ") for line in lines if line.startswith("│")]
    return (boxed or lines or ["(no output)"])[-1 if not boxed else 0][:300]


def recover(engine: Engine, figures: Figures) -> bool:
    """``intersessional engine recover``, as an operator runs it after a fault; a failure
    (today: the command does not exist) is one of the experiment's problems."""
    ran = engine.cli("engine", "recover")
    if ran.returncode != 0:
        figures.problems.append(f"intersessional engine recover exited {ran.returncode}: "
                                f"{first_line(ran.stdout + ran.stderr)}")
        return False
    figures.notes.append(f"engine recover: {first_line(ran.stdout)}")
    return True
