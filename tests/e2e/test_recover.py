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

import httpx
import pytest
from sqlalchemy import text
from temporalio.service import RPCError

from contracts import cycle_id
from domain import commands as c
from domain.convention import shipped_registry
from scenarios.scripted import ISU, election, first_presidency, meeting, presidency, president
from stepping.client import NotRunning
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



async def test_a_ledger_behind_its_year_is_shown_needing_attention_until_recovered(
        running: Dev) -> None:
    """An older copy of the ledger under a running year (the designation lost from it): the
    next step stops the year with the cause, which `cycle status`, the dashboard and `audit
    cross-check` show, each with the repair; `engine recover` goes on from the ledger."""
    dev, year = running, 2045
    dev.ready()
    await _elected(dev, year)
    client = await dev.client()
    state = await cycle_state(client, year)
    cal = state.calendar
    assert cal is not None
    designation = c.DesignatePresident(actor=president(year), presidency=presidency(
        year, cal.opening_msp, cal.closing_msp))
    async with asyncio.timeout(STEP):
        await take_step(client, year, designation)
    ledger = dev.ledger()
    try:
        with ledger.engine.begin() as conn:
            conn.execute(text("DELETE FROM events WHERE stream = :s AND version = 3"),
                         {"s": cycle_id(year)})
            conn.execute(text("UPDATE ledger_head SET position = position - 1"))
    finally:
        ledger.engine.dispose()
    with pytest.raises(NotRunning, match="needs attention: the ledger holds 2 events"):
        async with asyncio.timeout(STEP):
            await take_step(client, year, c.ConveneMeeting(actor=president(year),
                                                           meeting=meeting(year)))
    shown = json.loads(dev.cli("cycle", "status", "--year", str(year), "--json").stdout)
    assert "holds 2 events" in shown["attention"]["cause"]
    assert "engine recover" in shown["attention"]["repair"]
    page = httpx.get(f"http://127.0.0.1:{dev.api_port}/dashboard/{year}", timeout=10)
    assert "Needs attention" in page.text
    assert "holds 2 events" in page.text
    named = [d for d in _cross_check(dev, exit_code=1)["differences"]
             if d["workflow_id"] == cycle_id(year)]
    # the history's recording of the designation the ledger lost, and the note
    assert sorted(d["kind"] for d in named) == ["needs-attention", "unrecorded"]
    dev.cli("engine", "recover")
    assert json.loads(dev.cli("cycle", "status", "--year", str(year), "--json").stdout)[
        "attention"] is None
    async with asyncio.timeout(STEP):
        receipt = await take_step(client, year, designation)  # the ledger's word stands
    assert receipt.version == 3


async def test_a_lost_temporal_database_is_healed_by_the_worker_from_the_ledger(
        running: Dev) -> None:
    """Temporal's database deleted while the engine is stopped: started again on an empty
    one, the worker finds the year open in the ledger and no workflow for it, starts it
    again from the ledger, and the year goes on; cross-check is clean."""
    dev, year = running, 2047
    dev.ready()
    await _elected(dev, year)
    dev.interrupt()
    assert dev.wait_gone()
    for lost in dev.data_dir.glob("temporal.sqlite3*"):
        lost.unlink()
    dev.start()
    dev.ready()
    client = await dev.client()
    async with asyncio.timeout(STEP):
        while True:  # the worker's recovery, as it starts, then the run's catching up
            try:
                state = await cycle_state(client, year)
                if state.event_count == 2:
                    break
            except RPCError:
                pass
            await asyncio.sleep(0.2)
        cal = state.calendar
        assert cal is not None
        receipt = await take_step(client, year, c.DesignatePresident(
            actor=president(year), presidency=presidency(year, cal.opening_msp,
                                                         cal.closing_msp)))
    assert receipt.version == 3
    assert "every stream agrees" in dev.cli("engine", "recover").stdout
    assert _cross_check(dev, exit_code=0)["agrees"] is True
