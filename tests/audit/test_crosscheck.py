"""``audit cross-check``: the five years' ledger against the time-skipping server's histories,
both ways — the cycles', the coalition's and the silence procedures'; tampering on either
side, and a workflow change without ``workflow.patched``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

from pydantic import BaseModel
from temporalio import workflow

from audit.crosscheck import cross_check
from contracts import FromLedger, RecordedEvent
from domain.commands import OpenCycle
from ledger import Ledger, Receipt, create_ledger_engine
from scenarios.simulation import ADOPTED, COALITION, WITHDRAWN
from settings import Settings
from tests.audit.conftest import PROCESSES, YEARS, World, audit_cli
from tests.audit.tamper import execute, forge, row
from workflows.cycle import AnnualCycleWorkflow
from workflows.models import CycleOutcome
from workflows.opener import OpenCycleWorkflow
from workflows.registered import WORKFLOWS

TODAY = WORKFLOWS  # the cycle, its opener, the coalition and the silence procedure


@workflow.defn(name="AnnualCycle", sandboxed=False)
class RecordsWithoutPatch(AnnualCycleWorkflow):
    """Today's cycle with one change made without ``workflow.patched``: a pause of a second
    before each event is recorded (a timer a running cycle's history does not have)."""

    @workflow.run
    async def run(self, opening: OpenCycle | FromLedger) -> CycleOutcome:
        return await super().run(opening)

    async def _record(self, decision: Callable[[], RecordedEvent | None],
                      by: BaseModel | None = None) -> Receipt | None:
        await workflow.sleep(timedelta(seconds=1))
        return await super()._record(decision, by)


def _ledger(settings: Settings) -> Ledger:
    return Ledger(create_ledger_engine(settings.effective_ledger_url))


async def test_ledger_and_histories_agree(world: World) -> None:
    ledger = _ledger(world.settings)
    result = await cross_check(world.client, ledger, None, TODAY)
    rows = sum(len(ledger.read_stream(f"cycle-{y}")) for y in (*YEARS, 2032))
    process_rows = sum(len(ledger.read_stream(p)) for p in PROCESSES)
    assert result.agrees, [str(d) for d in result.differences]
    assert result.years == (*YEARS, 2032)  # 2031's close opened 2032
    assert result.processes == PROCESSES
    assert result.rows == result.recordings == rows + process_rows == ledger.head()
    assert result.histories == result.replayed == 6 + len(PROCESSES)


async def test_the_processes_of_the_years_checked_are_cross_checked(world: World) -> None:
    """A year's coalitions and silence procedures are those with an event in it."""
    ledger = _ledger(world.settings)
    first = await cross_check(world.client, ledger, [2027], TODAY)
    assert first.agrees, [str(d) for d in first.differences]
    assert first.processes == (COALITION, ADOPTED)
    assert first.rows == first.recordings == sum(
        len(ledger.read_stream(s)) for s in ("cycle-2027", COALITION, ADOPTED))
    assert first.histories == 3
    later = await cross_check(world.client, ledger, [2030], TODAY)
    assert (later.processes, later.histories) == ((), 1)


async def test_a_tampered_coalition_or_procedure_is_a_named_difference(
        world: World, world_copy: Settings) -> None:
    ledger = _ledger(world_copy)
    forged = forge(ledger.engine, COALITION, 4, recompute=True)  # its strategy, rechained
    deleted = row(ledger.engine, WITHDRAWN, 2)  # the objection that broke silence
    assert deleted is not None
    execute(ledger.engine, "DELETE FROM events WHERE position = :p", p=deleted["position"])
    result = await cross_check(world.client, ledger, [2028], TODAY)
    found = [(d.kind, d.workflow_id, d.position) for d in result.differences]
    assert ("mismatch", COALITION, forged) in found
    assert ("unrecorded", WITHDRAWN, deleted["position"]) in found
    assert {d.workflow_id for d in result.differences} == {COALITION, WITHDRAWN}
    assert all(d.kind in {"unrecorded", "mismatch"} for d in result.differences)


async def test_each_tampering_is_a_named_difference(world: World, world_copy: Settings
                                                    ) -> None:
    ledger = _ledger(world_copy)
    deleted = row(ledger.engine, "cycle-2027", 3)
    assert deleted is not None
    execute(ledger.engine, "DELETE FROM events WHERE position = :p", p=deleted["position"])
    forged = forge(ledger.engine, "cycle-2028", 4, recompute=True)
    result = await cross_check(world.client, ledger, [2027, 2028], TODAY)
    found = {(d.kind, str(d.event_id)) for d in result.differences}
    assert ("unrecorded", deleted["event_id"]) in found
    # the forged event keeps its id, but its hash (and its chain's) no longer match
    mismatched = [d for d in result.differences if d.kind == "mismatch"]
    assert mismatched
    assert mismatched[0].position == forged
    assert all(d.kind in {"unrecorded", "mismatch"} for d in result.differences)


async def test_a_change_without_patched_is_nondeterminism(world: World) -> None:
    result = await cross_check(world.client, _ledger(world.settings), [2029],
                               (RecordsWithoutPatch, OpenCycleWorkflow))  # no process in 2029
    assert [(d.kind, d.workflow_id) for d in result.differences] == [
        ("nondeterminism", "cycle-2029")]


def test_the_cli_cross_checks_against_the_server(world: World, world_copy: Settings) -> None:
    address = world.client.service_client.config.target_host
    done = audit_cli(world_copy, "cross-check", "--year", "2030", address=address)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ledger and histories agree" in done.stdout
    assert "(no coalition or silence procedure)" in done.stdout.replace("\n", " ")
    both = audit_cli(world_copy, "cross-check", "--year", "2027", address=address)
    assert both.returncode == 0, both.stdout + both.stderr
    assert f"and of {COALITION}, {ADOPTED}," in both.stdout.replace("\n", " ")
    execute(_ledger(world_copy).engine, "DELETE FROM events WHERE stream = 'cycle-2030' "
            "AND version = 5")
    found = audit_cli(world_copy, "cross-check", "--year", "2030", "--json", address=address)
    assert found.returncode == 1, found.stdout + found.stderr
    differences = json.loads(found.stdout)["differences"]
    assert [d["kind"] for d in differences] == ["unrecorded"]
