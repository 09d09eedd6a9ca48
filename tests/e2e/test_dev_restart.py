"""`intersessional dev`, interrupted mid-year and started again, resumes the year: real
processes, one data directory, the same ports."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

from temporalio.client import Client

from contracts import cycle_id
from domain import commands as c
from domain.convention import shipped_registry
from domain.cycle import fold
from domain.events import parse_event
from domain.state import Phase, WorkplanStatus
from ledger.checkpoints import load_public_key
from ledger.records import Receipt, StoredEvent
from ledger.verify import verify
from scenarios.scripted import (
    ISU,
    election,
    first_presidency,
    meeting,
    present,
    presidency,
    president,
    workplan,
)
from tests.cycles import cycle_state, open_cycle, pending, take_step
from tests.e2e.conftest import TASK_QUEUE, Dev
from workflows.cycle import AnnualCycleWorkflow
from workflows.models import CycleOutcome

YEAR = 2027
STEP = 30.0  # seconds for one step (or the year's result) to come back
#: the people's steps, in the order taken; the engine's reminders and missed deadlines (which
#: depend on today's date) may fall between them
BEFORE = ["CycleOpened", "CoordinatorsElected", "PresidentDesignated",
          "IntersessionalMeetingConvened"]
AFTER = ["IntersessionalMeetingHeld", "WorkplanDrafted", "WorkplanSubmittedToCommittee",
         "WorkplanApprovedByCommittee", "WorkplanSubmittedToMSP", "WorkplanAdoptedByMSP",
         "CycleClosed"]
ENGINE_ONLY = {"DeadlineReminderSent", "DeadlineMissed"}


async def first_half(client: Client) -> list[Receipt]:
    """Open the year (the presidency in office carried in), elect, designate, convene."""
    chair = president(YEAR)
    async with asyncio.timeout(STEP * 4):
        opened = await open_cycle(client, c.OpenCycle(
            year=YEAR, actor=ISU, carried_presidencies=(first_presidency(YEAR),)), TASK_QUEUE)
        state = await cycle_state(client, YEAR)
        cal = state.calendar
        assert cal is not None
        return [opened] + [await take_step(client, YEAR, command) for command in (
            c.ElectCoordinators(actor=chair, election=election(YEAR, state, shipped_registry())),
            c.DesignatePresident(actor=chair, presidency=presidency(
                YEAR, cal.opening_msp, cal.closing_msp)),
            c.ConveneMeeting(actor=chair, meeting=meeting(YEAR)))]


async def second_half(client: Client) -> list[Receipt]:
    """Hold the meeting, draft, submit, approve, send to the MSP, adopt."""
    chair = president(YEAR)
    plan = workplan(YEAR + 1, "612000.00")
    h = plan.content_hash()
    # CC-5: the members sitting today, as the chair records them (no election comes between)
    sitting = present(await cycle_state(client, YEAR), datetime.now(UTC).date())
    async with asyncio.timeout(STEP * 6):
        return [await take_step(client, YEAR, command) for command in (
            c.HoldMeeting(actor=ISU, records_reference=f"ISU/{YEAR}/IM"),
            c.DraftWorkplan(actor=ISU, workplan=plan),
            c.SubmitWorkplanToCommittee(actor=ISU, content_hash=h),
            c.ApproveWorkplan(actor=chair, content_hash=h, present=sitting),
            c.SendWorkplanToMSP(actor=chair, content_hash=h),
            c.AdoptWorkplan(actor=chair, content_hash=h))]


def interrupt_mid_year(dev: Dev) -> None:
    """SIGINT the dev process: it stops cleanly (exit 0), its Temporal server with it."""
    dev.interrupt()
    assert dev.wait_gone(), (f"after SIGINT, a process of intersessional dev (its Temporal "
                             f"server) is still running or port {dev.temporal_port} or "
                             f"{dev.ui_port} still taken")
    assert "worker_stopping" in dev.output()  # it stopped on the signal, not by dying
    # the year reads from the ledger with the engine stopped; what needs the engine says so
    read = dev.cli("cycle", "status", "--year", str(YEAR), env={"COLUMNS": "200"})
    assert (f"the {YEAR} cycle: phase intersessional_meeting, "
            f"{len(dev.stream(cycle_id(YEAR)))} event(s) recorded") in read.stdout
    stopped = dev.cli("cycle", "schedule", "--on", "09-07", exit_code=3)  # unreachable
    assert stopped.stdout == ""
    assert stopped.stderr.startswith(f"no Temporal server answers at {dev.address}; start one "
                                     "with `intersessional dev`")
    assert "Traceback" not in stopped.stderr


def assert_recorded_once(recorded: list[StoredEvent], recorded_before: list[StoredEvent],
                         receipts: list[Receipt]) -> None:
    """Each step's event once, in the order taken, the first run's where they were."""
    assert [e.type for e in recorded if e.type not in ENGINE_ONLY] == BEFORE + AFTER
    # the engine's own events depend on today's date: at most one of each per deadline
    engine_events = Counter((e.type, e.payload["deadline"]) for e in recorded
                            if e.type in ENGINE_ONLY)
    assert all(n == 1 for n in engine_events.values()), engine_events
    assert len({e.event_id for e in recorded}) == len(recorded)
    assert [e.version for e in recorded] == list(range(1, len(recorded) + 1))
    assert {e.run_id for e in recorded} == {recorded_before[0].run_id}  # one run, resumed
    # the first run's events kept their positions and hashes: the restart rewrote nothing
    assert recorded[:len(recorded_before)] == recorded_before
    by_id = {e.event_id: e.receipt for e in recorded}
    assert [by_id[r.event_id] for r in receipts] == receipts


def assert_ledger_verifies(dev: Dev, outcome: CycleOutcome, last: StoredEvent) -> None:
    ledger = dev.ledger()
    try:
        # the engine runs on: the next year's opening may be recorded while this verifies
        head_before = ledger.head()
        report = verify(ledger.engine, load_public_key(dev.settings.effective_signing_key))
        assert report.intact, report.problem
        assert report.signatures_checked
        assert report.checkpoints >= 1
        assert outcome.checkpoint.tree_size >= last.position  # the closing checkpoint
        assert head_before <= report.events <= ledger.head()
        assert report.events >= outcome.checkpoint.tree_size
    finally:
        ledger.engine.dispose()


async def test_dev_interrupted_mid_year_resumes_the_year(dev: Dev) -> None:
    dev.start()
    before = await first_half(await dev.client())
    recorded_before = dev.stream(cycle_id(YEAR))
    assert [e.type for e in recorded_before if e.type not in ENGINE_ONLY] == BEFORE

    interrupt_mid_year(dev)

    dev.start()  # the same data directory and ports
    client = await dev.client()
    async with asyncio.timeout(STEP):
        state = await cycle_state(client, YEAR)
        steps = await pending(client, YEAR)
    # the workflow came back where it was: the meeting convened, its state the ledger's
    assert state.phase is Phase.INTERSESSIONAL_MEETING
    assert state.meeting == meeting(YEAR)
    assert state.event_count >= len(recorded_before)
    resumed_from = dev.stream(cycle_id(YEAR))[:state.event_count]
    assert fold(parse_event(e.payload) for e in resumed_from) == state
    assert "hold_meeting" in {s.step for s in steps}

    after = await second_half(client)
    assert max(r.position for r in before) < min(r.position for r in after)
    async with asyncio.timeout(STEP):
        outcome = await client.get_workflow_handle_for(AnnualCycleWorkflow.run,
                                                       cycle_id(YEAR)).result()
    assert outcome.year == YEAR
    assert outcome.workplan_status is WorkplanStatus.ADOPTED
    assert outcome.next_cycle == cycle_id(YEAR + 1)

    recorded = dev.stream(cycle_id(YEAR))
    assert outcome.events == len(recorded)
    assert_recorded_once(recorded, recorded_before, before + after)
    closed = fold(parse_event(e.payload) for e in recorded)
    assert closed.closed
    assert closed.workplan_status is WorkplanStatus.ADOPTED
    assert closed.workplan is not None
    assert closed.workplan.for_year == YEAR + 1
    assert sum(line.amount for line in closed.workplan.budget) == Decimal("697000.00")
    assert closed.event_count == len(recorded)
    assert_ledger_verifies(dev, outcome, recorded[-1])
