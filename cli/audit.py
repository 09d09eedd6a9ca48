"""``intersessional audit …``: verify, replay, cross-check, export and report years of history.

Every command reads; none changes the ledger or the engine. ``verify-bundle`` needs neither a
database nor Temporal: an auditor runs it on a laptop against a bundle ``export`` wrote.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from cli.audit_bundle import export, verify_bundle
from cli.audit_report import report
from cli.common import JSON, Exit, console, fail, run
from cli.output import emit
from i18n import N_, _

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
        raise fail(N_("--as-of {text!r} is not a date or date-time (e.g. 2028-03-01 or "
                      "2028-03-01T12:00:00Z)"), text=text) from None
    try:
        return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    except OverflowError:  # 0001-01-01T00:00+01:00, 9999-12-31T23:59-01:00
        raise fail(N_("--as-of {text!r} is outside the moments the ledger can hold (years 1 "
                      "to 9999 in UTC)."), text=text) from None


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
    with progress_bar(console, _("verifying the ledger")) as update:
        def advance(checked: int) -> None:
            done[0] += checked
            update(done[0], total)
        key = checkpoint_public_key(settings.effective_signing_key)
        result = verify_ledger(engine, key, advance,
                               published_keyring(settings.effective_attestation_key))
    if as_json:
        emit({"intact": result.intact, **result.model_dump(mode="json")})
    elif result.intact:
        console.print(f"[green]{escape(result.sentence())}[/green]")
    else:
        console.print(f"[red]{escape(result.sentence())}[/red]")
    if not result.intact:
        raise typer.Exit(1)


@audit.command("replay")
def replay_command(year: int | None = typer.Option(None, "--year", metavar="YEAR",
                                                   help="the cycle's year"),
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
    from audit.replay import NotReplayed, replay
    from audit.review import summary
    from cli.db import ledger_engine
    from contracts import cycle_id
    from domain.kinds import COALITION, CYCLE, SILENCE
    from ledger import Ledger
    from ledger.checkpoints import checkpoint_public_key
    from reading.timeline import timeline_table
    from settings import Settings

    # each option names a stream of its kind, and the replay is the same for all: exit 1 if
    # the stream was tampered with (or its events no longer fold), 4 for one the ledger lacks
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
        raise fail(N_("give exactly one of --year, --coalition and --silence (or --as-of "
                      "alone, for the machinery on that day)."))
    ((kind, option, stream),) = named
    settings = Settings()
    key = checkpoint_public_key(settings.effective_signing_key)
    try:
        replayed = replay(Ledger(ledger_engine(settings)), stream, moment, key, kind=kind)
    except LookupError as error:  # the ledger holds no such stream
        raise fail(f"{error}.", code=Exit.not_found) from None
    except ValueError as error:  # the name given is no stream's
        raise fail(f"{error}.") from None
    except NotReplayed as refused:
        console.print(_("[red]{what} cannot be replayed[/red]: {why}").format(
            what=escape(_the(stream.lower())), why=escape(str(refused))))
        raise typer.Exit(1) from None
    when = _("as of {moment}").format(moment=replayed.as_of) if replayed.as_of else _("now")
    if as_json:
        emit({option: year if year is not None else replayed.stream,  # as given
              "as_of": replayed.as_of, "phase": replayed.phase,
              "signed": replayed.signed, "chained_only": replayed.chained_only,
              "later": replayed.later,
              "state": replayed.state.model_dump(mode="json"),
              "events": [e.model_dump(mode="json") for e in replayed.events]})
        return
    from i18n.refusals import word

    console.print(_("{what} {when}: phase [bold]{phase}[/bold], {events} event(s) ({signed} "
                    "under a signed checkpoint, {chained} chained only); {later} recorded "
                    "later").format(
                        what=_the(replayed.stream), when=when,
                        phase=word(replayed.phase.replace("_", " ")),
                        events=len(replayed.events), signed=replayed.signed,
                        chained=replayed.chained_only, later=replayed.later))
    console.print(escape(summary(replayed.kind, replayed.state)))
    title = _("{what}, from the ledger").format(what=f"{_the(replayed.stream)} {when}")
    console.print(timeline_table(replayed.events, title[:1].upper() + title[1:]))


def _the(stream: str) -> str:
    """``the 2027 cycle``, ``the country coalition coalition-lao-1`` … in the language of the
    moment (:func:`audit.replay.called` after "the", in English)."""
    from audit.replay import called
    from domain.kinds import kind_of

    kind = kind_of(stream)
    if kind.name == "cycle":
        return _("the {year} cycle").format(year=stream.removeprefix(kind.prefix))
    if kind.name == "coalition":
        return _("the country coalition {id}").format(id=stream)
    if kind.name == "silence":
        return _("the silence procedure {id}").format(id=stream)
    return f"the {called(stream)}"


@audit.command("cross-check")
def cross_check_command(year: list[int] | None = typer.Option(  # noqa: B008 - typer's idiom
        None, "--year", metavar="YEAR", help="a year to check (repeat it); default: every year"),
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
            raise fail(N_("{error}; start one with `intersessional dev`, or set "
                          "INTERSESSIONAL_TEMPORAL_ADDRESS to one that runs."),
                       code=Exit.unreachable, error=error) from None
        if as_json:
            emit({"agrees": result.agrees, **result.model_dump(mode="json")})
        else:
            _print_cross_check(result)
        if not result.agrees:
            raise typer.Exit(1)
    run(work())


def _print_cross_check(result: CrossCheck) -> None:
    years = ", ".join(map(str, result.years)) or _("none")
    summary = (_("{rows} ledger row(s) of {years} and of {processes}, {recordings} "
                 "recording(s) in {histories} history(ies), {replayed} replayed with today's "
                 "code") if result.processes else _(
        "{rows} ledger row(s) of {years} (no coalition or silence procedure), {recordings} "
        "recording(s) in {histories} history(ies), {replayed} replayed with today's code")
               ).format(rows=result.rows, years=years, processes=", ".join(result.processes),
                        recordings=result.recordings, histories=result.histories,
                        replayed=result.replayed)
    if result.agrees:
        console.print(_("[green]ledger and histories agree[/green]: {summary}").format(
            summary=summary))
        return
    console.print(_("[red]{count} difference(s)[/red]: {summary}").format(
        count=len(result.differences), summary=summary))
    table = Table(_("Kind"), _("Workflow"), _("Position"), _("What"), _("Repair"),
                  title=_("Differences"))
    for d in result.differences:
        table.add_row(d.kind, d.workflow_id, str(d.position or "—"), escape(d.detail),
                      d.repair or "—")
    console.print(table)


audit.command("export")(export)
audit.command("verify-bundle")(verify_bundle)
audit.command("report")(report)
