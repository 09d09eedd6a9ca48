"""Temporal's own CLI against a running year — `temporal workflow terminate` and `reset` — and
the repair from the ledger: `audit cross-check` names the problem with its repair, `engine
recover` starts the year again from the record, cross-check is clean afterwards and the year
goes on. Real processes: `intersessional dev`, the `temporal` binary, the `intersessional` CLI.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from contracts import cycle_id
from domain import commands as c
from domain.convention import shipped_registry
from scenarios.scripted import ISU, election, first_presidency, meeting, presidency, president
from tests.cycles import cycle_state, open_cycle, take_step
from tests.e2e.conftest import TASK_QUEUE, Dev

TEMPORAL = Path(sys.executable).parent / "temporal"
STEP = 30.0


def temporal(dev: Dev, *args: str) -> None:
    subprocess.run([str(TEMPORAL), *args, "--address", dev.address, "--namespace", "default"],
                   check=True, capture_output=True, timeout=30)


async def _elected(dev: Dev, year: int) -> None:
    client = await dev.client()
    async with asyncio.timeout(STEP):
        await open_cycle(client, c.OpenCycle(year=year, actor=ISU, carried_presidencies=(
            first_presidency(year),)), TASK_QUEUE)
        state = await cycle_state(client, year)
        await take_step(client, year, c.ElectCoordinators(
            actor=president(year), election=election(year, state, shipped_registry())))


def _cross_check(dev: Dev, exit_code: int) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(dev.cli("audit", "cross-check", "--json",
                                                  exit_code=exit_code).stdout)
    return found


async def test_a_terminated_year_is_named_recovered_and_goes_on(running: Dev) -> None:
    dev, year = running, 2041
    dev.ready()
    await _elected(dev, year)
    temporal(dev, "workflow", "terminate", "--workflow-id", cycle_id(year),
             "--reason", "an operator's slip")
    before = _cross_check(dev, exit_code=1)
    [named] = before["differences"]
    assert named["kind"] == "terminated"
    assert named["workflow_id"] == cycle_id(year)
    assert named["repair"] == "intersessional engine recover"
    planned = json.loads(dev.cli("engine", "recover", "--dry-run", "--json").stdout)
    assert [s["stream"] for s in planned["streams"]] == [cycle_id(year)]
    head = dev.head()
    assert dev.head() == head  # a dry run repairs nothing, records nothing
    done = json.loads(dev.cli("engine", "recover", "--json").stdout)
    assert [(s["stream"], s["problem"], s["healed"]) for s in done["streams"]] == [
        (cycle_id(year), "terminated", True)]
    assert _cross_check(dev, exit_code=0)["agrees"] is True
    assert "every stream agrees" in dev.cli("engine", "recover").stdout
    client = await dev.client()
    state = await cycle_state(client, year)
    assert state.event_count == 2
    cal = state.calendar
    assert cal is not None
    async with asyncio.timeout(STEP):
        receipt = await take_step(client, year, c.DesignatePresident(
            actor=president(year), presidency=presidency(year, cal.opening_msp,
                                                         cal.closing_msp)))
    assert receipt.version == 3
    assert [e.version for e in dev.stream(cycle_id(year))] == [1, 2, 3]


async def test_a_year_reset_to_its_first_task_resumes_from_the_ledger(running: Dev) -> None:
    dev, year = running, 2043
    dev.ready()
    await _elected(dev, year)
    temporal(dev, "workflow", "reset", "--workflow-id", cycle_id(year),
             "--type", "FirstWorkflowTask", "--reason", "trying reset")
    client = await dev.client()
    async with asyncio.timeout(STEP):  # the new run reads its stream before it begins
        while (state := await cycle_state(client, year)).event_count != 2:
            await asyncio.sleep(0.2)
        cal = state.calendar
        assert cal is not None
        await take_step(client, year, c.DesignatePresident(
            actor=president(year), presidency=presidency(year, cal.opening_msp,
                                                         cal.closing_msp)))
        await take_step(client, year, c.ConveneMeeting(actor=president(year),
                                                       meeting=meeting(year)))
    recorded = dev.stream(cycle_id(year))
    assert [e.type for e in recorded] == ["CycleOpened", "CoordinatorsElected",
                                          "PresidentDesignated", "IntersessionalMeetingConvened"]
    assert _cross_check(dev, exit_code=0)["agrees"] is True

