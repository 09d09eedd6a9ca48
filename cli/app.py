"""``intersessional``: one command for ISU staff, Presidents and auditors."""

from __future__ import annotations

import asyncio
import os
import sys

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import scenarios.demo as durable_demo
import worker as engine_worker
from api import serve as api_server
from cli.audit import audit
from cli.coalition import coalition
from cli.cycle import cycle
from cli.db import db
from cli.pending import pending
from cli.silence import silence
from cli.steps import elect, meeting, msp, president, workplan
from cli.users import users
from domain.convention import shipped_registry
from domain.mandates import mandates
from runtime.embedded import start_embedded
from runtime.observability import configure as configure_observability
from runtime.temporal import stop_on_signals
from scenarios import walkthrough
from settings import Settings, SettingsError, load

app = typer.Typer(no_args_is_help=True, help="The intersessional machinery of the Convention "
                  "on Cluster Munitions, as durable workflows over an auditable ledger.")
console = Console()
app.add_typer(db, name="db")
app.add_typer(audit, name="audit")
app.add_typer(cycle, name="cycle")
app.add_typer(users, name="users")
app.add_typer(coalition, name="coalition")
app.add_typer(silence, name="silence")


@app.command()
def demo() -> None:
    """Run one whole year on the embedded engine (free ports, data in <data dir>/demo) with
    scripted people, print the timeline from the ledger and the ledger's verification, and
    leave the next year's work plan for you to approve."""
    wide = Console(width=max(console.width, 120))  # the timeline's table needs the room
    asyncio.run(durable_demo.run(wide))


@app.command()
def tour() -> None:
    """Walk through the rules on the shipped registry, without an engine: a staggered first
    round, a refused consecutive term, the Coordination Committee of the day, one cycle."""
    walkthrough.run(console)


@app.command()
def worker() -> None:
    """Run a worker against INTERSESSIONAL_TEMPORAL_ADDRESS (JSON logs on stderr), answering
    GET /health on INTERSESSIONAL_WORKER_HEALTH_HOST:PORT, until SIGINT or SIGTERM."""
    try:
        asyncio.run(engine_worker.main())
    except SettingsError as wrong:
        console.print(f"[red]{escape(str(wrong))}[/red]", soft_wrap=True)
        raise typer.Exit(2) from None
    except RuntimeError as error:  # the client could not connect
        console.print(f"[red]no Temporal server at {load().temporal_address}[/red] "
                      f"({escape(str(error))})", soft_wrap=True)
        raise typer.Exit(2) from None
    except OSError as error:
        console.print(f"[red]{escape(str(error))}[/red]", soft_wrap=True)
        raise typer.Exit(1) from None


async def _dev(settings: Settings) -> None:
    configure_observability(settings)
    env = await start_embedded(settings)
    stop = stop_on_signals()
    console.print(f"intersessional dev: Temporal at {settings.temporal_address} (web UI "
                  f"http://127.0.0.1:{settings.temporal_ui_port}), ledger "
                  f"{settings.shown_ledger_url}, API and dashboard "
                  f"http://{settings.api_host}:{settings.api_port}/; Ctrl-C stops, starting "
                  "again resumes every open cycle")
    try:
        await asyncio.gather(engine_worker.serve(env.client, settings, stop),
                             api_server.run(settings, stop))
    finally:
        await env.shutdown()


@app.command()
def dev() -> None:
    """Start the embedded engine: Temporal's dev server (state in the data directory), the
    SQLite ledger there, a worker, and the HTTP API with the dashboard, until Ctrl-C."""
    asyncio.run(_dev(load()))


@app.command("api")
def api_command() -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json) and the dashboard on
    INTERSESSIONAL_API_HOST:INTERSESSIONAL_API_PORT against a running engine, until Ctrl-C."""
    settings = load()
    configure_observability(settings)
    api_server.serve(settings)


@app.command()
def states(
    parties_only: bool = typer.Option(False, "--parties", help="only States Parties"),
    affected_only: bool = typer.Option(False, "--affected", help="only affected States"),
) -> None:
    """List the States of the shipped registry."""
    table = Table("ISO", "State", "Status", "Affected", "Donor", title="States")
    for s in shipped_registry().values():
        if (parties_only and not s.is_state_party) or (affected_only and not s.affected):
            continue
        table.add_row(s.iso3, s.name, s.status.value.replace("_", " "),
                      "yes" if s.affected else "", "yes" if s.donor else "")
    console.print(table)


@app.command(name="mandates")
def list_mandates() -> None:
    """List the six working groups and two thematic areas (WG-1, WG-3)."""
    table = Table("Key", "Letter", "Mandate", "Seats", "Term (years)", title="Mandates")
    for m in mandates().values():
        table.add_row(m.key, m.letter or "—", m.name, str(m.max_seats), str(m.term_years))
    console.print(table)


# every step of a cycle, by a person authenticated by token (steps_cli, pending_cli)
app.command("pending")(pending)
app.command("elect")(elect)
app.add_typer(president, name="president")
app.add_typer(meeting, name="meeting")
app.add_typer(workplan, name="workplan")
app.add_typer(msp, name="msp")


def main() -> None:
    """Run the command, then leave without the interpreter's teardown: the Temporal SDK's Rust
    threads can outlive the event loop and abort a finalizing interpreter ("PyGILState_Release
    … finalizing", exit -6) after the work is done — temporalio/sdk-python#300, open upstream.
    Everything the command writes is flushed first; the ledger commits before it returns."""
    try:
        load()  # a wrong setting stops every command before it starts
        app()
        code = 0
    except SettingsError as wrong:
        print(wrong, file=sys.stderr)
        code = 2
    except SystemExit as leaving:
        if isinstance(leaving.code, str):
            print(leaving.code, file=sys.stderr)
        code = leaving.code if isinstance(leaving.code, int) else int(leaving.code is not None)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
