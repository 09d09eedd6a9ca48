"""``intersessional cycle …``: open, read and schedule the annual cycles of a running engine.
A cycle is read from the ledger (``status``, ``timeline``), so it reads with the engine down.

Opening a cycle is a step like the others (``steps_cli``): taken by a person of the ISU,
authenticated by token; the Schedule (``cycle schedule``) opens cycles as the engine itself.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from cli import taking
from cli.common import (
    FILE,
    JSON,
    TOKEN,
    YEAR,
    authenticate,
    connect_engine,
    console,
    recorded_cycle,
    run,
)

cycle = typer.Typer(no_args_is_help=True, help="The annual cycles of a running engine.")
SCHEDULE_ID = "open-cycles"


@cycle.command("open")
def open_cycle(year: int = YEAR, file: Path | None = FILE, token: str | None = TOKEN,
               as_json: bool = JSON) -> None:
    """Open the year's cycle (ISU, by token); opening an open year again changes nothing. A
    file may give its calendar, mandates and what it carries over (carried_presidencies, …)."""
    from domain.kinds import CYCLE
    from stepping import STEPS

    person = authenticate(token)
    step = STEPS[CYCLE.name][CYCLE.begins]
    opening = (taking.file_request(step, file, year=year) if file
               else taking.request(step, {"year": year}, "--year"))
    taking.begin(step, person, opening, as_json=as_json)


@cycle.command("status")
def status(year: int = YEAR, as_json: bool = JSON) -> None:
    """The cycle's phase, the steps open now (who may take them, by when) and its state, as
    the ledger records them."""
    from rich.markup import escape

    from cli.common import ledger
    from domain.kinds import CYCLE
    from reading.streams import attention_of

    state = recorded_cycle(year)
    steps = CYCLE.pending(state)
    with ledger() as held:
        attention = attention_of(held, f"cycle-{year}")
    if as_json:
        print(json.dumps({"year": year, "phase": state.phase.value,
                          "pending": [s.model_dump(mode="json") for s in steps],
                          "attention": attention.model_dump(mode="json") if attention else None,
                          "state": state.model_dump(mode="json")}, indent=2))
        return
    if attention:
        console.print(f"[red]needs attention[/red]: {escape(attention.cause)}; "
                      f"{escape(attention.repair)}")
    console.print(f"the {year} cycle: phase [bold]{state.phase.value}[/bold], "
                  f"{state.event_count} event(s) recorded, work plan "
                  f"{state.workplan_status.value if state.workplan_status else 'not drafted'}")
    table = Table("Step", "Who may take it", "Due", "Rule", title="Open steps")
    for s in steps:
        table.add_row(s.label, " or ".join(s.roles), str(s.due or "—"), s.rule_id)
    console.print(table)
    for missed in state.deadlines_missed:
        console.print(f"[yellow]deadline missed[/yellow]: {missed.value}")


@cycle.command("timeline")
def timeline(year: int = YEAR) -> None:
    """The cycle's events, as the ledger holds them."""
    from contracts import cycle_id
    from ledger import Ledger, create_ledger_engine
    from reading.timeline import timeline_table
    from settings import Settings

    settings = Settings()
    recorded = Ledger(create_ledger_engine(settings.effective_ledger_url)).read_stream(
        cycle_id(year))
    if not recorded:
        console.print(f"the ledger at {settings.shown_ledger_url} holds no {year} cycle")
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
    from temporalio.client import (
        Schedule,
        ScheduleActionStartWorkflow,
        ScheduleAlreadyRunningError,
        ScheduleCalendarSpec,
        ScheduleRange,
        ScheduleSpec,
        ScheduleUpdate,
    )

    from settings import Settings
    from workflows.models import ScheduledOpening
    from workflows.opener import OpenCycleWorkflow

    month, day = _month_day(on)

    async def work() -> None:
        settings = Settings()
        client = await connect_engine(settings)
        plan = Schedule(
            action=ScheduleActionStartWorkflow(OpenCycleWorkflow.run, ScheduledOpening(
                committee_weeks=settings.committee_weeks, reminder_days=settings.reminder_days),
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
    run(work())
