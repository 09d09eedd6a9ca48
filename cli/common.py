"""What every command shares: who the person is (their token), what they
send (flags or a TOML/JSON file, checked before anything is sent), how a refusal or an
unreachable engine is told (one sentence on stderr and the exit code of :class:`cli.output.Exit`:
:mod:`cli.telling`), how a recorded step is reported, and what the ledger records (the
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

from cli.output import Exit
from cli.telling import (
    engine_failed,
    errors,
    fail,
    tell,
    tell_refusal,
    unreachable_engine,
    unreadable_ledger,
)
from i18n import N_

if TYPE_CHECKING:
    from pydantic import ValidationError
    from temporalio.client import Client

    from domain.kinds import Kind
    from domain.state import CycleState
    from identities import Person
    from ledger import Ledger
    from settings import Settings

console = Console(soft_wrap=True)  # one sentence stays one line in a pipe
#: besides what is defined here: cli.telling's helpers and the exit codes, which commands import
__all__ = ["Exit", "errors", "fail", "tell", "tell_refusal"]
YEAR = typer.Option(..., "--year", metavar="YEAR", min=2011, max=2999, help="the cycle's year")
TOKEN = typer.Option(None, "--token", metavar="TOKEN", envvar="INTERSESSIONAL_TOKEN",
                     show_envvar=True,
                     show_default=False,
                     help="your token, as `intersessional users add` printed it")
JSON = typer.Option(False, "--json", help="print the result as JSON, for scripts")
FILE = typer.Option(None, "--file", dir_okay=False, metavar="FILE.toml|json",
                    help="the step's data, as TOML or JSON")
MAX_ERRORS = 3  # a field error report stays one readable sentence


def run(work: Coroutine[Any, Any, None], missing: str | None = None) -> None:
    """Run ``work``, telling what stopped it as one sentence (:mod:`cli.telling`): a step over
    a limit (exit 2, nothing sent), a refusal (1), an engine that holds no such stream (4;
    ``missing`` says what to do then), an engine that cannot be reached (3), a stream the
    ledger holds open whose workflow is not running (5, its sentence naming the repair)."""
    import asyncio  # the commands that reach the engine need it, --help does not

    from temporalio.service import RPCError, RPCStatusCode

    from domain.errors import RuleViolation
    from domain.limits import OverLimit
    from i18n import _
    from stepping.client import NotRunning

    try:
        asyncio.run(work)
    except OverLimit as over:  # stepping judged it before sending: nothing was sent
        raise tell(Exit.usage, str(over), lead=_("not sent")) from None
    except RuleViolation as refusal:
        raise tell_refusal(refusal) from None
    except NotRunning as stopped:
        raise tell(Exit.out_of_step, str(stopped), lead=_("not recorded")) from None
    except RPCError as error:
        if error.status is RPCStatusCode.NOT_FOUND:  # the engine answered: no such stream
            raise tell(Exit.not_found, missing or _("this engine has no such process")
                       ) from None
        raise engine_failed(error) from None


async def connect_engine(settings: Settings) -> Client:
    """A client of the engine the settings point at; none answering is one sentence naming
    the address and how to start one, exit 3."""
    from runtime.temporal import connect

    try:
        return await connect(settings)
    except RuntimeError:  # the SDK's "Failed client connect: …", a transport's error text
        raise unreachable_engine(settings.temporal_address) from None


def authenticate(token: str | None) -> Person:
    """The person holding ``token``, from the people of the ledger the settings point at; a
    missing, malformed, unknown or revoked token is one red line and exit 2; a ledger that
    cannot be read, exit 3."""
    from sqlalchemy.exc import SQLAlchemyError

    from cli.db import ledger_engine
    from identities import People, Unauthenticated
    from settings import Settings

    if not token or not token.strip():
        raise fail(N_("a step is taken by a person: give your token with --token or "
                      "INTERSESSIONAL_TOKEN (`intersessional users add` makes one)."))
    engine = ledger_engine(Settings())
    try:
        return People(engine).authenticate(token.strip())
    except Unauthenticated as refused:
        raise fail(N_("not authenticated: {why}"), why=refused) from None
    except SQLAlchemyError as error:
        raise unreadable_ledger(engine, error) from None
    finally:
        engine.dispose()


@contextmanager
def ledger() -> Iterator[Ledger]:
    """The ledger the settings point at; unreachable or unreadable is one line and exit 3."""
    from sqlalchemy.exc import SQLAlchemyError

    from cli.db import ledger_engine
    from ledger import Ledger
    from settings import Settings

    engine = ledger_engine(Settings())
    try:
        yield Ledger(engine)
    except SQLAlchemyError as error:
        raise unreadable_ledger(engine, error) from None
    finally:
        engine.dispose()


def recorded(kind: Kind[Any], stream: str, missing: str | None = None) -> Any:
    """The state of ``stream`` as the ledger records it (no engine needed); none is one line
    (``missing``, or one pointing at the kind's list) and exit 4."""
    from i18n import _
    from reading.streams import state_of

    chosen = stream.strip().lower()
    with ledger() as held:
        state = state_of(held, chosen)
    if state is None:
        if missing:
            raise fail(missing, code=Exit.not_found)
        raise fail(N_("the ledger records no {kind} {stream}; `intersessional {command} list` "
                      "lists those it does."), code=Exit.not_found, kind=_(kind.title),
                   stream=chosen, command=kind.name)
    return state


def recorded_cycle(year: int) -> CycleState:
    """The ``year`` cycle as the ledger records it; none is one line and exit 4."""
    from contracts import cycle_id
    from domain.kinds import CYCLE
    from i18n import _

    state: CycleState = recorded(CYCLE, cycle_id(year), _(
        "the ledger records no {year} cycle; `intersessional cycle open --year {year}` opens "
        "it.").format(year=year))
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
        raise fail(N_("{path} is neither a .toml nor a .json file; give the step's data in "
                      "one."), path=path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise fail(N_("{path} cannot be read: {why}."), path=path, why=error.strerror) from None
    if size > REQUEST_BYTES:  # judged before it is read, as the API judges a body
        from i18n.formats import format_number

        raise fail(N_("{path} is {size} bytes; a step's file may be at most {mib} MiB ({limit} "
                      "bytes)."), path=path, size=format_number(size),
                   mib=format_number(REQUEST_BYTES / 1024 / 1024),
                   limit=format_number(REQUEST_BYTES))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        from i18n import _

        reason = error.strerror if isinstance(error, OSError) else _("it is not UTF-8 text")
        raise fail(N_("{path} cannot be read: {why}."), path=path, why=reason) from None
    try:
        data = (tomllib.loads(text, parse_float=Decimal) if kind == ".toml"
                else json.loads(text, parse_float=Decimal))
    except tomllib.TOMLDecodeError as error:
        raise fail(N_("{path} is not valid TOML: {error}."), path=path, error=error) from None
    except json.JSONDecodeError as error:
        raise fail(N_("{path} is not valid JSON: {error} at line {line}, column {column}."),
                   path=path, error=error.msg, line=error.lineno, column=error.colno) from None
    if not isinstance(data, dict):
        raise fail(N_("{path} holds a JSON {type}, not an object of the step's fields."),
                   path=path, type=type(data).__name__)
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
