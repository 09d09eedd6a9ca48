"""The production topology of ``docker-compose``, as real local processes, three years long.

Compose's services, each started here as a process of its own (``conftest.Topology``):

- ``postgresql`` — the local PostgreSQL server, in a database of this run's own;
- ``temporal`` — ``temporal server start-dev`` on a SQLite file (headless, a free port);
- ``ledger-migrate`` — ``intersessional db upgrade``, one shot, exit 0 before anything else;
  beside it ``intersessional db keygen``: the one checkpoint signing key every process shares;
- ``worker`` ×2 — ``intersessional worker`` twice on one task queue, each with its own health
  port (``GET /health``);
- ``api`` — ``intersessional api``.

People are registered with ``intersessional users add``; the ISU and the three Presidents
drive the cycles of 2027, 2028 and 2029 over HTTP, each year's close opening the next. In the
middle of 2028 the worker holding the 2028 workflow is SIGKILLed (a crash): the other takes
the rest of 2028 (after Temporal's sticky queue of the dead one times out); the crashed one is
started again with the same settings, and the survivor is stopped with SIGTERM (exit 0,
``worker_stopping``), so that the restarted worker alone serves 2029. Then every cycle's
workflow is closed and completed, the ledger holds each year's ``CycleClosed``, and
``intersessional audit verify`` and ``audit cross-check``, as processes, find the ledger intact
and agreeing with Temporal's histories.
"""

from __future__ import annotations

import json
import signal
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.contrib.pydantic import pydantic_data_converter

from contracts import cycle_id
from domain.convention import shipped_registry
from domain.state import CycleState, Phase
from ledger import Ledger, create_ledger_engine
from scenarios.scripted import (
    chair,
    election,
    first_presidency,
    meeting,
    present,
    presidency,
    president,
    workplan,
)
from tests.e2e.conftest import STARTUP
from tests.topology.conftest import HTTP, Process, Topology

YEARS = (2027, 2028, 2029)
STAFF = "612000.00"


class Driver:
    """The people of the three years, taking their steps over HTTP with their tokens."""

    def __init__(self, topology: Topology, tokens: dict[str, str]) -> None:
        self.http = httpx.Client(base_url=topology.api_url, timeout=HTTP)
        self.tokens = tokens

    def _as(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    @staticmethod
    def chair(year: int, state: CycleState) -> str:
        """Who acts as President: the representative of the State the record names presiding
        today (CO-3), whose token the driver holds."""
        return f"president-{chair(year, state).represents}"

    def state(self, year: int) -> CycleState:
        answer = self.http.get(f"/cycles/{year}")
        assert answer.status_code == 200, f"GET /cycles/{year}: {answer.text}"
        return CycleState.model_validate(answer.json()["state"])

    def wait_open(self, year: int) -> CycleState:
        """Until the engine holds ``year`` (opened by the previous year's close)."""
        deadline = time.monotonic() + STARTUP
        while (answer := self.http.get(f"/cycles/{year}")).status_code == 404:
            assert time.monotonic() < deadline, f"the {year} cycle was not opened: {answer.text}"
            time.sleep(0.1)
        assert answer.status_code == 200, answer.text
        return CycleState.model_validate(answer.json()["state"])

    def open(self, year: int, **body: Any) -> dict[str, Any]:
        answer = self.http.post("/cycles", json={"year": year, **body}, headers=self._as("isu"))
        assert answer.status_code == 201, f"open {year}: {answer.status_code} {answer.text}"
        receipt: dict[str, Any] = answer.json()
        return receipt

    def step(self, who: str, year: int, step: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.http.post(f"/cycles/{year}/{step}", json=body, headers=self._as(who))
        assert answer.status_code == 201, f"{year} {step}: {answer.status_code} {answer.text}"
        receipt: dict[str, Any] = answer.json()
        assert receipt["stream"] == cycle_id(year)
        return receipt

    def first_half(self, year: int) -> list[dict[str, Any]]:
        """Open (the first year carries in the presidency in office; a later year is open
        already, and opening it again answers its opening), elect, designate, convene."""
        if year == YEARS[0]:
            opened = self.open(year, carried_presidencies=[
                first_presidency(year).model_dump(mode="json")])
        else:
            self.wait_open(year)
            opened = self.open(year)
        state = self.state(year)
        cal = state.calendar
        assert cal is not None
        chair = self.chair(year, state)
        return [opened,
                self.step(chair, year, "elect_coordinators", {"election": election(
                    year, state, shipped_registry()).model_dump(mode="json")}),
                self.step(chair, year, "designate_president", {"presidency": presidency(
                    year, cal.opening_msp, cal.closing_msp).model_dump(mode="json")}),
                self.step(chair, year, "convene_meeting",
                          {"meeting": meeting(year).model_dump(mode="json")})]

    def second_half(self, year: int) -> list[dict[str, Any]]:
        """Hold the meeting, draft and submit the work plan, approve, send it, adopt it."""
        state = self.state(year)
        chair = self.chair(year, state)
        plan = workplan(year + 1, STAFF)
        h = {"content_hash": plan.content_hash()}
        # CC-5: the members sitting today, as the chair records them (no election between)
        sitting = {**h, "present": list(present(state, datetime.now(UTC).date()))}
        return [self.step("isu", year, "hold_meeting", {"records_reference": f"ISU/{year}/IM"}),
                self.step("isu", year, "draft_workplan",
                          {"workplan": plan.model_dump(mode="json")}),
                self.step("isu", year, "submit_workplan_to_committee", h),
                self.step(chair, year, "approve_workplan", sitting),
                self.step(chair, year, "send_workplan_to_msp", h),
                self.step(chair, year, "adopt_workplan", h)]


def recorded_by(worker: Process) -> dict[int, str]:
    """The ledger positions the worker's log says it recorded, with their workflow ids."""
    lines = [json.loads(line) for line in worker.output().splitlines()
             if line.startswith("{") and '"event_recorded"' in line]
    return {line["position"]: line["workflow_id"] for line in lines}


def crash(worker: Process) -> None:
    assert worker.stop(signal.SIGKILL) == -signal.SIGKILL


def stop(worker: Process) -> None:
    """SIGTERM: the worker finishes what it holds and exits 0, saying so."""
    code = worker.stop(signal.SIGTERM)
    assert code == 0, f"{worker.name} exited with {code} on SIGTERM:\n{worker.output()}"
    assert "worker_stopping" in worker.output()


def start(topology: Topology) -> tuple[Process, tuple[Process, Process], Process, Driver]:
    """Compose's services in their order — Temporal; the migration (one shot) and the shared
    signing key; the people; two workers and the API, each waited for until ready. Returns
    Temporal, the workers, the API and the people's HTTP driver."""
    temporal = topology.start_temporal()
    topology.wait_temporal(temporal)
    migrated = topology.run("db", "upgrade")  # ledger-migrate, before any worker or the API
    assert "latest schema" in migrated.stdout
    topology.run("db", "keygen", "--out", str(topology.signing_key))
    assert topology.signing_key.is_file()
    # a President for every State that may preside while the three years run today: the one
    # carried into the first year, and each year's designated one
    presiding = {first_presidency(YEARS[0]).state} | {
        president(year).represents or "" for year in YEARS}
    tokens = {"isu": topology.register("Isabel Unit", "isu")} | {
        f"president-{iso}": topology.register(f"President for {iso}", "president", iso)
        for iso in sorted(presiding)}
    workers = topology.start_worker("worker-a", 0), topology.start_worker("worker-b", 1)
    api = topology.start_api()
    for worker in workers:
        topology.wait_worker(worker)
    topology.wait_api(api)
    return temporal, workers, api, Driver(topology, tokens)


async def assert_completed(topology: Topology, people: Driver) -> None:
    """Every year's workflow closed and completed, its state closed, and its stream in the
    ledger ending with its one ``CycleClosed``."""
    client = await Client.connect(topology.temporal_address, namespace="default",
                                  data_converter=pydantic_data_converter)
    ledger = Ledger(create_ledger_engine(topology.ledger_url))
    try:
        for year in YEARS:
            described = await client.get_workflow_handle(cycle_id(year)).describe()
            assert described.status is WorkflowExecutionStatus.COMPLETED, (year, described)
            state = people.state(year)
            assert state.phase is Phase.CLOSED
            assert state.calendar is not None
            assert state.calendar.closing_msp - state.calendar.committee_due == timedelta(
                weeks=4)  # INTERSESSIONAL_COMMITTEE_WEEKS of the API that opened 2027
            assert state.calendar.reminder_days == 10
            events = [e.type for e in ledger.read_stream(cycle_id(year))]
            assert events.count("CycleClosed") == 1, events
            assert events[-1] == "CycleClosed", events
    finally:
        ledger.engine.dispose()


def audit(topology: Topology) -> None:
    """``audit verify`` and ``audit cross-check``, as processes: intact, and agreeing."""
    verified = topology.run("audit", "verify")
    assert "ledger intact" in verified.stdout, verified.stdout
    assert "rests on the checkpoint" in verified.stdout, verified.stdout  # signed, checked
    checked = topology.run("audit", "cross-check")
    assert "ledger and histories agree" in checked.stdout, checked.stdout
    for year in YEARS:
        assert str(year) in checked.stdout


async def test_three_years_on_the_production_topology(topology: Topology) -> None:
    temporal, (worker_a, worker_b), api, people = start(topology)
    with people.http:
        await three_years(topology, people, temporal=temporal, workers=(worker_a, worker_b),
                          api=api)
    audit(topology)
    for name, log in topology.logs().items():
        assert "Traceback" not in log, f"{name}:\n{log}"


async def three_years(topology: Topology, people: Driver, *, temporal: Process,
                      workers: tuple[Process, Process], api: Process) -> None:
    """2027 on both workers; 2028 with a crash and the survivor alone; 2029 on the crashed
    worker restarted, the survivor stopped; then every year completed."""
    people.first_half(2027)
    people.second_half(2027)

    first_2028 = people.first_half(2028)
    # the worker that recorded the year's last step holds its workflow (its sticky queue)
    [holder] = [w for w in workers
                if recorded_by(w).get(first_2028[-1]["position"]) == cycle_id(2028)]
    [survivor] = [w for w in workers if w is not holder]
    crash(holder)  # mid-year: the meeting convened, not yet held
    after_crash = people.second_half(2028)  # the survivor alone, once the sticky queue times out
    assert holder.slot is not None
    restarted = topology.start_worker(f"{holder.name}-restarted", holder.slot)  # same settings
    topology.wait_worker(restarted)
    people.wait_open(2029)  # opened by 2028's close, before the survivor goes
    stop(survivor)

    year_2029 = people.first_half(2029) + people.second_half(2029)  # the restarted one alone
    people.wait_open(2030)  # and 2029's close opens 2030: the ledger is quiet from here

    # the workers that were alone served those steps: their logs name the recorded positions
    by_survivor = recorded_by(survivor)
    assert all(by_survivor.get(r["position"]) == cycle_id(2028) for r in after_crash), (
        by_survivor)
    by_restarted = recorded_by(restarted)
    assert by_restarted, f"the restarted worker recorded nothing:\n{restarted.output()}"
    assert all(by_restarted.get(r["position"]) == cycle_id(2029) for r in year_2029[1:]), (
        by_restarted)
    assert all(process.running() for process in (temporal, restarted, api))

    await assert_completed(topology, people)
