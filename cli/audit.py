"""``intersessional audit …``: verify, replay, cross-check, export and report years of history.

Every command reads; none changes the ledger or the engine. ``verify-bundle`` needs neither a
database nor Temporal: an auditor runs it on a laptop against a bundle ``export`` wrote.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from cli.audit_bundle import export, verify_bundle
from cli.audit_report import report
from cli.common import JSON, console, fail, run

if TYPE_CHECKING:
    from audit.crosscheck import CrossCheck
    from domain.kinds import Kind

audit = typer.Typer(no_args_is_help=True, help="Audit years of history: verify, replay, "
                    "cross-check with Temporal, export a bundle, verify it offline, report.")


def _moment(text: str | None) -> datetime | None:
    """``--as-of``: an ISO 8601 date or date-time; without a zone, UTC."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise fail(f"--as-of {text!r} is not a date or date-time (e.g. 2028-03-01 or "
                   "2028-03-01T12:00:00Z)") from None
    try:
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00, 9999-12-31T23:59-01:00
        raise fail(f"--as-of {text!r} is outside the moments the ledger can hold (years 1 to "
                   "9999 in UTC).") from None


@audit.command("verify")
def verify_command(as_json: bool = JSON) -> None:
    """Every chain and signed checkpoint of the ledger; exit 1 naming the first problem."""
    from attesting import published_keyring
    from audit.terminal import progress_bar
    from audit.verification import verify_ledger
    from cli.db import ledger_engine
    from ledger import Ledger
    from ledger.checkpoints import checkpoint_public_key
    from settings import Settings

    settings = Settings()
    engine = ledger_engine(settings)
    total, done = Ledger(engine).head(), [0]
    with progress_bar(console, "verifying the ledger") as update:
        def advance(checked: int) -> None:
            done[0] += checked
            update(done[0], total)
        key = checkpoint_public_key(settings.effective_signing_key)
        result = verify_ledger(engine, key, advance,
                               published_keyring(settings.effective_attestation_key))
    if as_json:
        print(json.dumps({"intact": result.intact, **result.model_dump(mode="json")}, indent=2))
    elif result.intact:
        console.print(f"[green]{escape(result.sentence())}[/green]")
    else:
        console.print(f"[red]{escape(result.sentence())}[/red]")
    if not result.intact:
        raise typer.Exit(1)


@audit.command("replay")
def replay_command(year: int | None = typer.Option(None, "--year", help="the cycle's year"),
                   coalition: str | None = typer.Option(
                       None, "--coalition", metavar="ID",
                       help="a country coalition, e.g. coalition-lao-1"),
                   silence: str | None = typer.Option(
                       None, "--silence", metavar="ID",
                       help="a silence procedure, e.g. silence-2027-1"),
                   as_of: str | None = typer.Option(None, "--as-of", metavar="DATETIME",
                                                    help="the ledger's time (UTC if no zone)"),
                   as_json: bool = JSON) -> None:
    """A year's cycle, a coalition or a silence procedure as the ledger held it at a moment,
    folded from its events alone (one of --year, --coalition, --silence); with --as-of
    alone, the machinery on that day: the cycle running, the President, the Coordination
    Committee as it sat."""
    from audit.replay import NotReplayed, called, replay
    from audit.review import summary
    from cli.db import ledger_engine
    from contracts import cycle_id
    from domain.kinds import COALITION, CYCLE, SILENCE
    from ledger import Ledger
    from ledger.checkpoints import checkpoint_public_key
    from reading.timeline import timeline_table
    from settings import Settings

    # each option names a stream of its kind, and the replay is the same for all: exit 1 if
    # the stream was tampered with (or its events no longer fold), 2 for one the ledger lacks
    given: list[tuple[Kind[Any], str, str | None]] = [
        (CYCLE, "year", None if year is None else cycle_id(year)),
        (COALITION, "coalition", coalition), (SILENCE, "silence", silence)]
    named = [(kind, option, stream) for kind, option, stream in given if stream is not None]
    moment = _moment(as_of)
    if not named and moment is not None:
        from cli.audit_day import show_day
        show_day(moment, as_json)
        return
    if len(named) != 1:
        raise fail("give exactly one of --year, --coalition and --silence (or --as-of alone, "
                   "for the machinery on that day).")
    ((kind, option, stream),) = named
    settings = Settings()
    key = checkpoint_public_key(settings.effective_signing_key)
    try:
        replayed = replay(Ledger(ledger_engine(settings)), stream, moment, key, kind=kind)
    except (LookupError, ValueError) as error:
        raise fail(f"{error}.") from None
    except NotReplayed as refused:
        console.print(f"[red]the {escape(called(stream.lower()))} cannot be replayed[/red]: "
                      f"{escape(str(refused))}")
        raise typer.Exit(1) from None
    when = f"as of {replayed.as_of}" if replayed.as_of else "now"
    if as_json:
        print(json.dumps({option: year if year is not None else replayed.stream,  # as given
                          "as_of": replayed.as_of, "phase": replayed.phase,
                          "signed": replayed.signed, "chained_only": replayed.chained_only,
                          "later": replayed.later,
                          "state": replayed.state.model_dump(mode="json"),
                          "events": [e.model_dump(mode="json") for e in replayed.events]},
                         indent=2))
        return
    console.print(f"the {called(replayed.stream)} {when}: phase "
                  f"[bold]{replayed.phase.replace('_', ' ')}[/bold], {len(replayed.events)} "
                  f"event(s) ({replayed.signed} under a signed checkpoint, "
                  f"{replayed.chained_only} chained only); {replayed.later} recorded later")
    console.print(escape(summary(replayed.kind, replayed.state)))
    console.print(timeline_table(replayed.events,
                                 f"The {called(replayed.stream)} {when}, from the ledger"))


@audit.command("cross-check")
def cross_check_command(year: list[int] | None = typer.Option(  # noqa: B008 - typer's idiom
        None, "--year", help="a year to check (repeat it); default: every year"),
                        as_json: bool = JSON) -> None:
    """The ledger against Temporal's histories, both ways, then the histories replayed with
    today's workflow code; exit 1 naming every difference."""
    from audit.crosscheck import cross_check
    from audit.engine import NoEngine, histories_engine
    from cli.db import ledger_engine
    from ledger import Ledger
    from settings import Settings
    from workflows.registered import WORKFLOWS

    async def work() -> None:
        settings = Settings()
        ledger = Ledger(ledger_engine(settings))
        try:
            async with histories_engine(settings) as client:
                result = await cross_check(client, ledger, year, WORKFLOWS)
        except NoEngine as error:
            raise fail(f"{error}; start it with `intersessional dev`.") from None
        if as_json:
            print(json.dumps({"agrees": result.agrees, **result.model_dump(mode="json")},
                             indent=2))
        else:
            _print_cross_check(result)
        if not result.agrees:
            raise typer.Exit(1)
    run(work())


def _print_cross_check(result: CrossCheck) -> None:
    years = ", ".join(map(str, result.years)) or "none"
    processes = (f" and of {', '.join(result.processes)}" if result.processes
                 else " (no coalition or silence procedure)")
    summary = (f"{result.rows} ledger row(s) of {years}{processes}, {result.recordings} "
               f"recording(s) in {result.histories} history(ies), {result.replayed} replayed "
               "with today's code")
    if result.agrees:
        console.print(f"[green]ledger and histories agree[/green]: {summary}")
        return
    console.print(f"[red]{len(result.differences)} difference(s)[/red]: {summary}")
    table = Table("Kind", "Workflow", "Position", "What", "Repair", title="Differences")
    for d in result.differences:
        table.add_row(d.kind, d.workflow_id, str(d.position or "—"), escape(d.detail),
                      d.repair or "—")
    console.print(table)


audit.command("export")(export)
audit.command("verify-bundle")(verify_bundle)
audit.command("report")(report)
