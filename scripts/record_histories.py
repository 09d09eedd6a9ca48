"""Record the golden histories under tests/histories/ (``make histories``).

Each scenario runs on the time-skipping test server with a worker of today's code and a
temporary ledger; its workflow histories are written as JSON. ``tests/workflows/
test_replay.py`` replays every file with today's workflows, so a change that would break a
running cycle fails CI. Record anew only for an intended change, and keep the old files
(renamed with their date) until no cycle recorded with them can still be running; the change
itself goes behind ``workflow.patched``. Name scenarios to record only those
(``record_histories.py silence-adopted``); the coalition and silence-procedure scenarios are
in ``process_scenarios.py``, beside this script.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# the project root is put on the path first
from process_scenarios import PROCESSES, hold_office  # noqa: E402 - beside this script
from temporalio.client import Client  # noqa: E402
from temporalio.contrib.pydantic import pydantic_data_converter  # noqa: E402
from temporalio.testing import WorkflowEnvironment  # noqa: E402

from contracts import cycle_id  # noqa: E402
from contracts.notices import notices_id  # noqa: E402
from domain import commands as c  # noqa: E402
from domain.convention import shipped_registry  # noqa: E402
from domain.cycle import fold  # noqa: E402
from domain.decide import decide  # noqa: E402
from domain.errors import RuleViolation  # noqa: E402
from domain.events import parse_event  # noqa: E402
from domain.kinds import CYCLE  # noqa: E402
from domain.state import CycleState  # noqa: E402
from identities import People  # noqa: E402
from ledger import Ledger, NewEvent  # noqa: E402
from ledger.records import Receipt  # noqa: E402
from recovery.repair import recover  # noqa: E402
from runtime.embedded import installed_binary  # noqa: E402
from scenarios import scripted  # noqa: E402
from scenarios.scripted import take_step  # noqa: E402
from settings import Settings  # noqa: E402
from stepping.client import take  # noqa: E402
from worker import cycle_activities, cycle_worker, open_ledger  # noqa: E402
from workflows.models import ScheduledOpening  # noqa: E402
from workflows.opener import OpenCycleWorkflow  # noqa: E402

HISTORIES = ROOT / "tests" / "histories"
Scenario = Callable[..., Awaitable[list[str]]]  # (env, queue[, ledger]) -> workflow ids
WITH_LEDGER = {"year-recovered", "year-with-notices"}


async def a_year_with_a_return_and_refusals(env: WorkflowEnvironment, queue: str) -> list[str]:
    """A whole year: one return for revision, two refused steps, adoption, the next opened."""
    async def refuse(name: str, _: Receipt, state: CycleState) -> None:
        if name == "open_cycle":
            present = scripted.present(state, (await env.get_current_time()).date())
            for wrong in (c.ApproveWorkplan(actor=scripted.ISU, content_hash="0" * 64,
                                            present=present),
                          c.HoldMeeting(actor=scripted.ISU, records_reference="early")):
                try:
                    await take_step(env.client, 2027, wrong)
                except RuleViolation:
                    continue
                raise AssertionError(f"{wrong} was not refused")

    await scripted.run_year(env.client, 2027, queue, step=refuse)
    await env.client.get_workflow_handle(cycle_id(2027)).result()
    return [cycle_id(2027)]


async def a_year_with_missed_deadlines(env: WorkflowEnvironment, queue: str) -> list[str]:
    """The meeting and the committee's approval come late: reminders, escalations, then the
    year is finished all the same."""
    async def late(name: str, _: Receipt, __: CycleState) -> None:
        if name == "convene_meeting":
            await env.sleep(datetime(2027, 8, 1, tzinfo=UTC) - await env.get_current_time())

    await scripted.run_year(env.client, 2027, queue, step=late)
    await env.client.get_workflow_handle(cycle_id(2027)).result()
    return [cycle_id(2027)]


async def a_scheduled_opening(env: WorkflowEnvironment, queue: str) -> list[str]:
    """What the Schedule runs: the opener, which starts the next year's cycle."""
    handle = await env.client.start_workflow(OpenCycleWorkflow.run, ScheduledOpening(),
                                             id="open-cycle", task_queue=queue)
    opened = await handle.result()
    return ["open-cycle", opened]


async def a_year_recovered_from_the_ledger(env: WorkflowEnvironment, queue: str,
                                          ledger: Ledger) -> list[str]:
    """A year whose workflow is terminated after its election, started again from the ledger
    (``intersessional engine recover``), then finds the ledger holding a step it never applied
    (as a rolled-back Temporal database leaves it) and catches up; the year is finished."""
    await scripted.run_year(env.client, 2027, queue, until="designate_president")
    await env.client.get_workflow_handle(cycle_id(2027)).terminate(reason="an operator's slip")
    await recover(env.client, ledger, queue)
    state = fold(parse_event(e.payload) for e in ledger.read_stream(cycle_id(2027)))
    cal = state.calendar
    assert cal is not None
    designation = c.DesignatePresident(actor=scripted.president(2027), presidency=scripted
                                       .presidency(2027, cal.opening_msp, cal.closing_msp))
    event = decide(state, designation, shipped_registry(), await env.get_current_time())
    run = (await env.client.get_workflow_handle(cycle_id(2027)).describe()).run_id
    ledger.append(cycle_id(2027), [NewEvent(
        event_id=uuid.uuid4(), type=event.type, schema_version=event.schema_version,
        payload=event.model_dump(mode="json"), actor=event.actor.name,
        role=event.actor.role.value, occurred_at=event.occurred_at, workflow_id=cycle_id(2027),
        run_id=run)], state.event_count)
    # sent as the President saw the year before the ledger moved on (attested at version 2):
    # the workflow offers it, the ledger refuses, the workflow catches up and adopts it
    await take(env.client, CYCLE, cycle_id(2027), designation)
    await scripted.run_year(env.client, 2027, queue, resume=True)
    await env.client.get_workflow_handle(cycle_id(2027)).result()
    return [cycle_id(2027)]


async def a_year_with_notices(env: WorkflowEnvironment, queue: str, ledger: Ledger
                              ) -> list[str]:
    """The year with missed deadlines, with the President and the ISU registered with
    addresses and no mail server set: each step's and each deadline's ``Notices`` workflow plans
    its notices and keeps them pending. Saved: the cycle and the notices of its first
    reminder."""
    people = People(ledger.engine)
    people.add("Petra Presidenta", "president", scripted.president(2027).represents,
               "petra@example.org")
    people.add("Isabel Unit", "isu", None, "isabel@example.org")
    ids = await a_year_with_missed_deadlines(env, queue)
    reminder = next(e for e in ledger.read_stream(cycle_id(2027))
                    if e.type == "DeadlineReminderSent")
    await env.client.get_workflow_handle(notices_id(reminder.event_id)).result()
    return [*ids, notices_id(reminder.event_id)]


SCENARIOS: dict[str, Scenario] = {
    "year-with-notices": a_year_with_notices,
    "year-recovered": a_year_recovered_from_the_ledger,
    "year-with-return": a_year_with_a_return_and_refusals,
    "year-with-missed-deadlines": a_year_with_missed_deadlines,
    "scheduled-opening": a_scheduled_opening,
    **PROCESSES,  # a country coalition, silence procedures
}


async def _record(name: str, scenario: Scenario) -> None:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=str(installed_binary("temporal-test-server")))
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(4) as pool:
        settings = Settings(data_dir=Path(tmp))
        ledger = open_ledger(settings)
        if name in PROCESSES:  # their steps are judged on the record of who holds office
            hold_office(ledger, (await env.get_current_time()).date())
        async with cycle_worker(env.client, "histories", cycle_activities(ledger, settings),
                                pool, 4):
            workflow_ids = await (scenario(env, "histories", ledger) if name in WITH_LEDGER
                                  else scenario(env, "histories"))
            await _save(env.client, name, workflow_ids)
        ledger.engine.dispose()
    await env.shutdown()


async def _save(client: Client, name: str, workflow_ids: list[str]) -> None:
    for workflow_id in workflow_ids:
        history = await client.get_workflow_handle(workflow_id).fetch_history()
        path = HISTORIES / f"{name}.{workflow_id}.json"
        path.write_text(history.to_json() + "\n")
        print(f"{path.relative_to(ROOT)}: {len(history.events)} events")


async def main(names: list[str]) -> None:
    """Record the scenarios ``names`` (all of them when none is named)."""
    unknown = sorted(set(names) - set(SCENARIOS))
    if unknown:
        raise SystemExit(f"no such scenario: {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
    HISTORIES.mkdir(exist_ok=True)
    for name, scenario in SCENARIOS.items():
        if not names or name in names:
            await _record(name, scenario)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))
    # leave without the interpreter's teardown, as cli.main does (temporalio/sdk-python#300)
    sys.stdout.flush()
    os._exit(0)
