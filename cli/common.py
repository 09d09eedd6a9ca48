"""What every command shares: who the person is (their token), what they
send (flags or a TOML/JSON file, checked before anything is sent), how a refusal or an
unreachable engine is told (one line, exit 2; a stream the ledger holds open whose workflow is
not running, exit 3), how a recorded step is reported, and what the ledger records (the
authority every read folds).

Nothing here decides a step: the person comes from :meth:`identities.People.authenticate`, and
the rules are the domain's, through :mod:`stepping` (:mod:`cli.taking` takes a step of any
kind).
"""

from __future__ import annotations

import json
from collections.abc import Coroutine, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from pydantic import ValidationError
    from temporalio.client import Client

    from domain.kinds import Kind
    from domain.state import CycleState
    from identities import Person
    from ledger import Ledger
    from settings import Settings

console = Console(soft_wrap=True)  # one sentence stays one line in a pipe
YEAR = typer.Option(..., "--year", min=2011, max=2999, help="the cycle's year")
TOKEN = typer.Option(None, "--token", envvar="INTERSESSIONAL_TOKEN", show_envvar=True,
                     show_default=False,
                     help="your token, as `intersessional users add` printed it")
JSON = typer.Option(False, "--json", help="print the result as JSON, for scripts")
FILE = typer.Option(None, "--file", dir_okay=False, metavar="FILE.toml|json",
                    help="the step's data, as TOML or JSON")
MAX_ERRORS = 3  # a field error report stays one readable sentence


def fail(message: str, **values: object) -> typer.Exit:
    """Print ``message`` as one red line, in the CLI's language; the exit (code 2) to raise.

    ``message`` is a template with ``values`` put in by name (``fail(N_("no cycle {year}"),
    year=y)``, marked for the catalogs); a sentence already formatted, which no catalog
    knows, is printed as it is."""
    from i18n import _

    said = _(message).format(**values) if values else _(message)
    console.print(f"[red]{escape(said)}[/red]")
    return typer.Exit(2)


def tell_refusal(refusal: Any) -> None:
    """A refusal in the CLI's language, one line: ``refused CO-7 (2MSP P2.6): …``; with the
    global ``--explain``, then the paragraph the rule comes from, on stderr, in the seeds'
    Chinese and in the CLI's language. One line by default: scripts and people's terminals
    read a refusal as one sentence; the paragraph is there for whoever asks."""
    from i18n import _
    from i18n.refusals import source_text, told

    refused = _("refused")
    console.print(f"[red]{escape(refused)}[/red] {escape(told(refusal))}")
    from cli.app import CHOSEN

    quoted = source_text(refusal.source) if CHOSEN["explain"] else None
    if quoted:
        errors = Console(stderr=True, soft_wrap=True)
        errors.print(escape(_("The paragraph the rule comes from:")), style="dim")
        for code, text in quoted.items():
            errors.print(escape(f"  [{code}] {text}"), highlight=False)


#: the exit of a step to a stream the ledger holds open whose workflow is not running
NOT_RUNNING = 3


def run(work: Coroutine[Any, Any, None], missing: str | None = None) -> None:
    """Run ``work``; a refusal, a step over a limit or an unreachable engine is one sentence
    and exit 2, and so is an engine that holds no such stream (``missing`` says what to do
    then). A stream the ledger holds open whose workflow is not running is its sentence (the
    repair) and exit 3."""
    import asyncio  # the commands that reach the engine need it, --help does not

    from temporalio.service import RPCError, RPCStatusCode

    from domain.errors import RuleViolation
    from domain.limits import OverLimit
    from i18n import _
    from stepping.client import NotRunning

    unsent, unrecorded = _("not sent"), _("not recorded")
    unasked = _("the engine could not be asked")
    try:
        asyncio.run(work)
    except OverLimit as over:  # stepping judged it before sending: nothing was sent
        console.print(f"[red]{escape(unsent)}[/red]: {escape(str(over))}")
        raise typer.Exit(2) from None
    except RuleViolation as refusal:
        tell_refusal(refusal)
        raise typer.Exit(2) from None
    except NotRunning as stopped:
        console.print(f"[red]{escape(unrecorded)}[/red]: {escape(str(stopped))}")
        raise typer.Exit(NOT_RUNNING) from None
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:  # the engine answered: no such stream
            said = missing or _("this engine has no such process")
            console.print(f"[red]{escape(said)}[/red] ({escape(error.message)})")
        else:
            console.print(f"[red]{escape(unasked)}[/red]: "
                          f"{escape(str(error))}")
        raise typer.Exit(2) from None


async def connect_engine(settings: Settings) -> Client:
    from runtime.temporal import connect

    try:
        return await connect(settings)
    except RuntimeError as error:
        console.print(f"[red]no Temporal server at {settings.temporal_address}[/red] "
                      f"({escape(str(error))}); start one with `intersessional dev`.")
        raise typer.Exit(2) from None


def authenticate(token: str | None) -> Person:
    """The person holding ``token``, from the people of the ledger the settings point at; a
    missing, malformed, unknown or revoked token is one red line and exit 2."""
    from sqlalchemy.exc import SQLAlchemyError

    from cli.db import ledger_engine
    from identities import People, Unauthenticated
    from settings import Settings

    if not token or not token.strip():
        raise fail("a step is taken by a person: give your token with --token or "
                   "INTERSESSIONAL_TOKEN (`intersessional users add` makes one).")
    engine = ledger_engine(Settings())
    try:
        return People(engine).authenticate(token.strip())
    except Unauthenticated as refused:
        raise fail(f"not authenticated: {refused}") from None
    except SQLAlchemyError as error:
        where = engine.url.render_as_string(hide_password=True)
        raise fail(f"the people of the ledger at {where} cannot be read "
                   f"({type(error).__name__}); `intersessional db upgrade` migrates it and "
                   "`intersessional users add` registers people.") from None
    finally:
        engine.dispose()


@contextmanager
def ledger() -> Iterator[Ledger]:
    """The ledger the settings point at; unreadable is one line and exit 2."""
    from sqlalchemy.exc import SQLAlchemyError

    from cli.db import ledger_engine
    from ledger import Ledger
    from settings import Settings

    engine = ledger_engine(Settings())
    try:
        yield Ledger(engine)
    except SQLAlchemyError as error:
        where = engine.url.render_as_string(hide_password=True)
        raise fail(f"the ledger at {where} cannot be read ({type(error).__name__}); "
                   "`intersessional db upgrade` migrates it.") from None
    finally:
        engine.dispose()


def recorded(kind: Kind[Any], stream: str, missing: str | None = None) -> Any:
    """The state of ``stream`` as the ledger records it (no engine needed); none is one line
    (``missing``, or one pointing at the kind's list) and exit 2."""
    from reading.streams import state_of

    chosen = stream.strip().lower()
    with ledger() as held:
        state = state_of(held, chosen)
    if state is None:
        raise fail(missing or f"the ledger records no {kind.title} {chosen}; `intersessional "
                   f"{kind.name} list` lists those it does.")
    return state


def recorded_cycle(year: int) -> CycleState:
    """The ``year`` cycle as the ledger records it; none is one line and exit 2."""
    from contracts import cycle_id
    from domain.kinds import CYCLE

    state: CycleState = recorded(CYCLE, cycle_id(year), f"the ledger records no {year} cycle; "
                                 f"`intersessional cycle open --year {year}` opens it.")
    return state


def all_recorded(kind: Kind[Any]) -> list[tuple[str, Any]]:
    """Every stream of ``kind`` the ledger records, in order, with its state."""
    from reading.streams import state_of, streams

    with ledger() as held:
        return [(stream, state_of(held, stream)) for stream in streams(held, kind)]


def load_file(path: Path) -> dict[str, Any]:
    """The object a ``.toml`` or ``.json`` file holds (numbers with a fraction as Decimal, so
    that an amount is kept exactly); anything else, or a file over
    :data:`domain.limits.REQUEST_BYTES`, is one red line and exit 2."""
    import tomllib
    from decimal import Decimal

    from domain.limits import REQUEST_BYTES

    kind = path.suffix.lower()
    if kind not in (".toml", ".json"):
        raise fail(f"{path} is neither a .toml nor a .json file; give the step's data in one.")
    try:
        size = path.stat().st_size
    except OSError as error:
        raise fail(f"{path} cannot be read: {error.strerror}.") from None
    if size > REQUEST_BYTES:  # judged before it is read, as the API judges a body
        raise fail(f"{path} is {size:,} bytes; a step's file may be at most "
                   f"{REQUEST_BYTES / 1024 / 1024:g} MiB ({REQUEST_BYTES:,} bytes).")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise fail(f"{path} cannot be read: {reason}.") from None
    try:
        data = (tomllib.loads(text, parse_float=Decimal) if kind == ".toml"
                else json.loads(text, parse_float=Decimal))
    except tomllib.TOMLDecodeError as error:
        raise fail(f"{path} is not valid TOML: {error}.") from None
    except json.JSONDecodeError as error:
        raise fail(f"{path} is not valid JSON: {error.msg} at line {error.lineno}, column "
                   f"{error.colno}.") from None
    if not isinstance(data, dict):
        raise fail(f"{path} holds a JSON {type(data).__name__}, not an object of the step's "
                   "fields.")
    return data


def errors_of(error: ValidationError, names: Mapping[str, str]) -> str:
    found = []
    for e in error.errors(include_url=False):
        where = [names.get(str(p), str(p)) if i == 0 else str(p) for i, p in enumerate(e["loc"])]
        if e["type"] == "over_limit":  # its sentence names the field's whole path and limit
            flag = names.get(str(e["loc"][0])) if e["loc"] else None
            said = str(e["msg"]).rstrip(".")  # the sentence's end is the report's
            found.append(f"{flag}: {said}" if flag else said)
            continue
        found.append(f"{'.'.join(where) or 'the data'}: {e['msg']}")
    more = f"; and {len(found) - MAX_ERRORS} more" if len(found) > MAX_ERRORS else ""
    return " ".join(("; ".join(found[:MAX_ERRORS]) + more).split())
