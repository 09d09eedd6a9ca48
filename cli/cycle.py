"""``intersessional cycle …``: open, read and schedule the annual cycles of a running engine.
A cycle is read from the ledger (``status``, ``timeline``), so it reads with the engine down.

Opening a cycle is a step like the others (``steps_cli``): taken by a person of the ISU,
authenticated by token; the Schedule (``cycle schedule``) opens cycles as the engine itself.
"""

from __future__ import annotations

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
    Exit,
    authenticate,
    connect_engine,
    console,
    fail,
    recorded_cycle,
    run,
)
from cli.output import emit
from i18n import N_, _

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
    from i18n.refusals import word
    from reading.streams import attention_of

    state = recorded_cycle(year)
    steps = CYCLE.pending(state)
    with ledger() as held:
        attention = attention_of(held, f"cycle-{year}")
    if as_json:
        emit({"year": year, "phase": state.phase.value,
              "pending": [s.model_dump(mode="json") for s in steps],
              "attention": attention.model_dump(mode="json") if attention else None,
              "state": state.model_dump(mode="json")})
        return
    if attention:
        console.print(_("[red]needs attention[/red]: {cause}; {repair}").format(
            cause=escape(attention.cause), repair=escape(attention.repair)))
    console.print(_("the {year} cycle: phase [bold]{phase}[/bold], {events} event(s) recorded, "
                    "work plan {status}").format(
                        year=year, phase=state.phase.value, events=state.event_count,
                        status=state.workplan_status.value if state.workplan_status
                        else _("not drafted")))
    table = Table(_("Step"), _("Who may take it"), _("Due"), _("Rule"), title=_("Open steps"))
    for s in steps:
        table.add_row(_(s.label), word(" or ".join(s.roles), "roles"), str(s.due or "—"),
                      s.rule_id)
    console.print(table)
    for missed in state.deadlines_missed:
        console.print(_("[yellow]deadline missed[/yellow]: {deadline}").format(
            deadline=missed.value))


@cycle.command("timeline")
def timeline(year: int = YEAR, as_json: bool = JSON) -> None:
    """The cycle's events, as the ledger holds them."""
    from cli.common import ledger
    from contracts import cycle_id
    from reading.timeline import timeline_table
    from settings import Settings

    settings = Settings()
    with ledger() as held:
        recorded = held.read_stream(cycle_id(year))
    if not recorded:
        raise fail(N_("the ledger at {url} holds no {year} cycle."), code=Exit.not_found,
                   url=settings.shown_ledger_url, year=year)
    if as_json:
        emit({"year": year, "events": [e.model_dump(mode="json") for e in recorded]})
        return
    console.print(timeline_table(recorded, _("The {year} cycle, from the ledger").format(
        year=year)))


def _month_day(on: str) -> tuple[int, int]:
    try:
        month, day = (int(part) for part in on.split("-"))
        date(2001, month, day)  # not a leap year: 02-29 would open cycles one year in four
    except ValueError:
        raise fail(N_("--on {on!r} is not a date every year has, as MM-DD (e.g. 09-07)."),
                   on=on) from None
    return month, day


@cycle.command("schedule")
def schedule(on: str = typer.Option(..., "--on", metavar="MM-DD", help="MM-DD, e.g. 09-07"),
             hour: int = typer.Option(9, "--hour", metavar="HOUR", min=0, max=23,
                                      help="hour, UTC"),
             as_json: bool = JSON) -> None:
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
        if as_json:
            emit({"schedule": SCHEDULE_ID, "month": month, "day": day, "hour": hour,
                  "task_queue": settings.task_queue})
            return
        from i18n.formats import format_date

        console.print(_("each year on {day} at {hour}:00 UTC the engine opens the next year's "
                        "cycle (schedule {schedule})").format(
                            day=format_date(date(2001, month, day), "dd MMMM"),
                            hour=f"{hour:02d}", schedule=SCHEDULE_ID))
    run(work())
