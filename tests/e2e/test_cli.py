"""`intersessional cycle …` reading and scheduling a running `intersessional dev`: each
command a process of its own, as a person at a terminal runs it."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
from datetime import UTC, datetime

from temporalio.client import ScheduleActionStartWorkflow, WorkflowExecutionStatus

from contracts import cycle_id
from ledger.records import StoredEvent
from tests.e2e.conftest import TASK_QUEUE, Dev

WAIT = 30.0  # seconds for the scheduled opening to reach the ledger
TOKEN = re.compile(r"isx_[A-Za-z0-9_-]{43}")


def said(result: subprocess.CompletedProcess[str]) -> list[str]:
    """The non-blank lines a command printed, on either stream."""
    return [line for line in (result.stdout + result.stderr).splitlines() if line.strip()]


def one_sentence(result: subprocess.CompletedProcess[str]) -> str:
    """The one line a command printed, no traceback."""
    lines = said(result)
    assert len(lines) == 1, lines
    assert "Traceback" not in lines[0]
    return lines[0]


async def test_the_cli_opens_and_reads_a_cycle_of_a_running_engine(running: Dev) -> None:
    await running.client()  # it is up
    running.ready()  # and its ledger migrated, before `users add` writes to it

    anonymous = running.cli("cycle", "open", "--year", "2027", exit_code=2)
    assert "--token" in one_sentence(anonymous)
    (token,) = TOKEN.findall(running.cli("users", "add", "Ines Moreau", "--role", "isu").stdout)
    opened = running.cli("cycle", "open", "--year", "2027", "--token", token)
    assert "cycle-2027" in opened.stdout
    assert "position 1" in opened.stdout
    assert "by Ines Moreau, isu" in opened.stdout
    again = running.cli("cycle", "open", "--year", "2027",  # opening an open year: nothing new
                        env={"INTERSESSIONAL_TOKEN": token})
    assert "position 1" in again.stdout

    status = running.cli("cycle", "status", "--year", "2027", "--json")
    report = json.loads(status.stdout)
    assert report["year"] == 2027
    assert report["phase"] == "election"
    assert report["state"]["event_count"] == 1
    steps = {s["step"]: s for s in report["pending"]}
    assert steps["elect_coordinators"]["roles"] == ["president"]
    assert "hold_meeting" not in steps

    timeline = running.cli("cycle", "timeline", "--year", "2027")
    assert "CycleOpened" in timeline.stdout
    recorded = running.stream(cycle_id(2027))
    assert [(e.type, e.actor, e.role) for e in recorded] == [("CycleOpened", "Ines Moreau",
                                                              "isu")]

    too_early = running.cli("cycle", "status", "--year", "1999", exit_code=2)
    assert "Traceback" not in too_early.stderr
    assert "--year" in too_early.stderr
    assert "2011" in too_early.stderr

    missing = running.cli("cycle", "status", "--year", "2030", exit_code=4)  # not found
    assert "2030" in one_sentence(missing)
    assert running.stream(cycle_id(2030)) == []  # asking opened nothing


async def test_the_schedule_opens_the_next_years_cycle(running: Dev) -> None:
    client = await running.client()

    bad = running.cli("cycle", "schedule", "--on", "02-30", exit_code=2)
    assert "02-30" in one_sentence(bad)

    running.cli("cycle", "schedule", "--on", "09-07")
    handle = client.get_schedule_handle("open-cycles")
    async with asyncio.timeout(WAIT):
        described = await handle.describe()
    (calendar,) = described.schedule.spec.calendars
    assert [(r.start, r.end) for r in calendar.month] == [(9, 9)]
    assert [(r.start, r.end) for r in calendar.day_of_month] == [(7, 7)]
    assert [(r.start, r.end) for r in calendar.hour] == [(9, 9)]
    action = described.schedule.action
    assert isinstance(action, ScheduleActionStartWorkflow)
    assert action.workflow == "OpenCycle"
    assert action.task_queue == TASK_QUEUE

    # the schedule opens the cycle of the year after the current one (UTC, as the engine's
    # clock): accept either side of a New Year falling during the test
    years = {datetime.now(UTC).year + 1}
    async with asyncio.timeout(WAIT):
        await handle.trigger()
    years.add(datetime.now(UTC).year + 1)

    deadline = time.monotonic() + WAIT
    opened: list[tuple[int, StoredEvent]] = []
    while not opened:
        assert time.monotonic() < deadline, (
            f"no scheduled CycleOpened for {sorted(years)} after {WAIT:.0f} s:\n"
            f"{running.output()}")
        assert running.process.poll() is None, running.output()
        opened = [(year, e) for year in years for e in running.stream(cycle_id(year))]
        await asyncio.sleep(0.1)
    ((year, event),) = opened
    assert (event.type, event.role, event.version) == ("CycleOpened", "engine", 1)
    assert "schedule" in event.actor
    async with asyncio.timeout(WAIT):  # RPCError NOT_FOUND if the workflow is missing
        workflow = await client.get_workflow_handle(cycle_id(year)).describe()
    assert workflow.workflow_type == "AnnualCycle"
    assert workflow.status is WorkflowExecutionStatus.RUNNING
    async with asyncio.timeout(WAIT):
        assert (await handle.describe()).info.num_actions == 1
