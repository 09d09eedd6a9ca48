"""``intersessional cycle …``: open, read and schedule the annual cycles of a running engine."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from datetime import date
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleCalendarSpec,
    ScheduleRange,
    ScheduleSpec,
    ScheduleUpdate,
)
from temporalio.service import RPCError, RPCStatusCode

from activities.models import cycle_id
from domain.commands import OpenCycle
from domain.convention import Actor, Role
from domain.errors import RuleViolation
from ledger import Ledger, create_ledger_engine
from settings import Settings
from timeline import timeline_table
from worker import connect
from workflows import client as cycles
from workflows.models import ScheduledOpening
from workflows.opener import OpenCycleWorkflow

cycle = typer.Typer(no_args_is_help=True, help="The annual cycles of a running engine.")
console = Console(soft_wrap=True)
SCHEDULE_ID = "open-cycles"
YEAR = typer.Option(..., "--year", min=2011, max=2999, help="the cycle's year")


def _run(work: Coroutine[Any, Any, None]) -> None:
    """Run ``work``; a refusal or an unreachable engine is one sentence and exit 2."""
    try:
        asyncio.run(work)
    except RuleViolation as refusal:
        console.print(f"[red]refused[/red] {refusal}")
        raise typer.Exit(2) from None
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:  # the engine answered: no such cycle
            console.print(f"[red]this engine has no such cycle[/red] ({error.message}); "
                          "`intersessional cycle open --year …` opens one.")
        else:
            console.print(f"[red]the engine could not be asked[/red]: {error}")
        raise typer.Exit(2) from None


async def _client(settings: Settings) -> Client:
    try:
        return await connect(settings)
    except RuntimeError as error:
        console.print(f"[red]no Temporal server at {settings.temporal_address}[/red] ({error}); "
                      "start one with `intersessional dev`.")
        raise typer.Exit(2) from None


@cycle.command("open")
def open_cycle(year: int = YEAR, name: str = typer.Option("ISU", "--as", help="who opens it")
               ) -> None:
    """Open the year's cycle (ISU); opening an open year again changes nothing."""
    async def work() -> None:
        settings = Settings()
        command = OpenCycle(year=year, actor=Actor(name=name, role=Role.ISU))
        receipt = await cycles.open_cycle(await _client(settings), command, settings.task_queue)
        console.print(f"the {year} cycle is open ({cycle_id(year)}): CycleOpened at ledger "
                      f"position {receipt.position}")
    _run(work())


@cycle.command("status")
def status(year: int = YEAR, as_json: bool = typer.Option(False, "--json")) -> None:
    """The cycle's phase, the steps open now (who may take them, by when) and its state."""
    async def work() -> None:
        client = await _client(Settings())
        state, steps = await cycles.cycle_state(client, year), await cycles.pending(client, year)
        if as_json:
            print(json.dumps({"year": year, "phase": state.phase.value,
                              "pending": [s.model_dump(mode="json") for s in steps],
                              "state": state.model_dump(mode="json")}, indent=2))
            return
        console.print(f"the {year} cycle: phase [bold]{state.phase.value}[/bold], "
                      f"{state.event_count} event(s) recorded, work plan "
                      f"{state.workplan_status.value if state.workplan_status else 'not drafted'}")
        table = Table("Step", "Who may take it", "Due", "Rule", title="Open steps")
        for s in steps:
            table.add_row(s.label, " or ".join(s.roles), str(s.due or "—"), s.rule_id)
        console.print(table)
        for missed in state.deadlines_missed:
            console.print(f"[yellow]deadline missed[/yellow]: {missed.value}")
    _run(work())


@cycle.command("timeline")
def timeline(year: int = YEAR) -> None:
    """The cycle's events, as the ledger holds them."""
    settings = Settings()
    recorded = Ledger(create_ledger_engine(settings.effective_ledger_url)).read_stream(
        cycle_id(year))
    if not recorded:
        console.print(f"the ledger at {settings.effective_ledger_url} holds no {year} cycle")
        raise typer.Exit(1)
    console.print(timeline_table(recorded, f"The {year} cycle, from the ledger"))


def _month_day(on: str) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in on.split("-"))
        date(2001, month, day)  # not a leap year: 02-29 would open cycles one year in four
    except ValueError:
        console.print(f"[red]--on {on!r}[/red] is not a date every year has, as MM-DD "
                      "(e.g. 09-07)")
        raise typer.Exit(2) from None
    return month, day


@cycle.command("schedule")
def schedule(on: str = typer.Option(..., "--on", help="MM-DD, e.g. 09-07"),
             hour: int = typer.Option(9, "--hour", min=0, max=23, help="hour, UTC")) -> None:
    """Register a Temporal Schedule that opens each year's cycle on this date (the cycle of the
    following year, as the MSP of September Y−1 opens cycle Y); again, it moves the date."""
    month, day = _month_day(on)

    async def work() -> None:
        settings = Settings()
        client = await _client(settings)
        plan = Schedule(
            action=ScheduleActionStartWorkflow(OpenCycleWorkflow.run, ScheduledOpening(),
                                               id="open-cycle", task_queue=settings.task_queue),
            spec=ScheduleSpec(calendars=[ScheduleCalendarSpec(
                month=[ScheduleRange(month)], day_of_month=[ScheduleRange(day)],
                hour=[ScheduleRange(hour)], comment="open the next annual cycle")]))
        try:
            await client.create_schedule(SCHEDULE_ID, plan)
        except ScheduleAlreadyRunningError:
            await client.get_schedule_handle(SCHEDULE_ID).update(
                lambda _: ScheduleUpdate(schedule=plan))
        console.print(f"each year on {date(2001, month, day):%d %B} at {hour:02d}:00 UTC the "
                      f"engine opens the next year's cycle (schedule {SCHEDULE_ID})")
    _run(work())
