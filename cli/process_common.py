"""What ``intersessional coalition …`` and ``intersessional silence …`` share: a document named
by its reference and the SHA-256 of a file (or of a digest given), a deadline (a moment, or a
duration from now), a step's request checked before anything is sent, the step taken by the
authenticated person through :mod:`process_stepping`, its receipt reported, and the ledger read
for a status. Refusals and an unreachable engine are one line and exit 2 (``cli_common``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Coroutine, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from rich.markup import escape
from sqlalchemy.exc import SQLAlchemyError
from temporalio.service import RPCError, RPCStatusCode

import cli.common as cli_common
import stepping
from cli.common import _errors, connect_engine, console, fail
from cli.db import ledger_engine
from identities import Person
from ledger import Ledger
from ledger.records import Receipt
from reading.streams import streams
from settings import Settings
from stepping import KindStep as ProcessStep
from stepping import StepRequest

DOCUMENT = typer.Option(None, "--file", dir_okay=False, metavar="PATH",
                        help="the document itself: its SHA-256 is recorded, never its text")
SHA256 = typer.Option(None, "--sha256", metavar="HEX",
                      help="the document's SHA-256, instead of --file")
DEADLINE = typer.Option(None, "--deadline", metavar="ISO-DATETIME",
                        help="when silence ends (UTC unless the time names its zone)")
WITHIN = typer.Option(None, "--in", metavar="DURATION",
                      help="when silence ends, from now: 7d, 36h, 90m, 30s, 1d12h")
OPTIONS = "the options given"
_DURATION = re.compile(r"(\d+)([wdhms])")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def digest(path: Path) -> str:
    """The SHA-256 of the bytes of the file at ``path``, in lower-case hex."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise fail(f"{path} cannot be read: {error.strerror}.") from None


def document(reference: str, file: Path | None, sha256: str | None) -> dict[str, str]:
    """A document's reference and SHA-256: of ``file``, or ``sha256`` as given; one of them."""
    if (file is None) == (sha256 is None):
        raise fail("name the document's content by --file (its SHA-256 is computed) or by "
                   "--sha256, one of the two.")
    return {"reference": reference,
            "sha256": digest(file) if file is not None else (sha256 or "").strip().lower()}


def deadline(at: str | None, within: str | None) -> datetime:
    """The moment given by ``--deadline`` (UTC if it names no zone) or ``--in`` from now."""
    if (at is None) == (within is None):
        raise fail("give the deadline by --deadline (a moment) or by --in (a duration from "
                   "now), one of the two.")
    if within is not None:
        text = within.strip().lower()
        parts = _DURATION.findall(text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise fail(f"--in {within!r} is not a duration; write it as 7d, 36h, 90m, 30s or "
                       "1d12h.")
        span = timedelta(**{_UNITS[u]: int(n) for n, u in parts})
        return datetime.now(UTC) + span
    try:
        moment = datetime.fromisoformat((at or "").strip())
    except ValueError:
        raise fail(f"--deadline {at!r} is not an ISO date and time, such as "
                   "2027-03-01T17:00:00+01:00.") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def request(step: ProcessStep, data: Mapping[str, Any], source: str = OPTIONS,
            names: Mapping[str, str] | None = None) -> StepRequest:
    """``data`` as ``step``'s request; a field error is one sentence naming ``source`` (and the
    flag of each field, from ``names``), exit 2, nothing sent."""
    try:
        return step.request.model_validate(dict(data))
    except ValidationError as error:
        raise fail(f"{source} is not valid for {step.rule.label}: "
                   f"{_errors(error, names or {})}.") from None


def run(work: Coroutine[Any, Any, None], what: str) -> None:
    """``cli_common.run``, where an engine without ``what`` says so in one line."""
    async def guarded() -> None:
        try:
            await work
        except RPCError as error:
            if error.status is not RPCStatusCode.NOT_FOUND:
                raise
            raise fail(f"this engine has no {what} ({error.message}); the list command lists "
                       "those the ledger records.") from None
    cli_common.run(guarded())


@contextmanager
def ledger() -> Iterator[Ledger]:
    """The ledger the settings point at; unreadable is one line and exit 2."""
    engine = ledger_engine(Settings())
    try:
        yield Ledger(engine)
    except SQLAlchemyError as error:
        where = engine.url.render_as_string(hide_password=True)
        raise fail(f"the ledger at {where} cannot be read ({type(error).__name__}); "
                   "`intersessional db upgrade` migrates it.") from None
    finally:
        engine.dispose()


def report(step: ProcessStep, workflow_id: str, receipt: Receipt, person: Person,
           as_json: bool, **extra: Any) -> None:
    """One line for a recorded step (or JSON: the receipt, with what, where and who)."""
    actor = person.actor
    if as_json:
        typer.echo(json.dumps({"id": workflow_id, **receipt.model_dump(mode="json"),
                               "step": step.name, "actor": actor.name,
                               "role": actor.role.value, "represents": actor.represents,
                               **extra}, ensure_ascii=False, indent=2, default=str))
        return
    more = "".join(f"; {k.replace('_', ' ')} {v}" for k, v in extra.items())
    console.print(f"[green]{step.name}[/green] {workflow_id}: recorded in {receipt.stream} as "
                  f"version {receipt.version}, ledger position {receipt.position}, event "
                  f"sha256 {receipt.hash[:12]}…, by {escape(person.describe())}{escape(more)}",
                  highlight=False)


def take(what: str, workflow_id: str, step: ProcessStep, person: Person, given: StepRequest,
         *, as_json: bool, **extra: Any) -> None:
    """``person`` takes ``step`` of ``workflow_id`` (a ``what``: coalition, procedure)."""
    chosen = workflow_id.strip().lower()

    async def work() -> None:
        # a role that never takes the step: refused before the engine
        stepping.permitted(step.kind, step.name, person)
        client = await connect_engine(Settings())
        receipt = await stepping.take(client, step.kind, chosen, step=step.name, person=person,
                                      request=given)
        report(step, chosen, receipt, person, as_json, **extra)
    run(work(), f"{what} {chosen}")


def begin(step: ProcessStep, person: Person, given: StepRequest, *, as_json: bool,
          **extra: Any) -> None:
    """``person`` begins a coalition or a procedure with ``step``; its new id is reported."""
    async def work() -> None:
        stepping.permitted(step.kind, step.name, person)
        settings = Settings()
        client = await connect_engine(settings)
        with ledger() as recorded:
            workflow_id, receipt = await stepping.begin(
                client, step.kind, person, given, task_queue=settings.task_queue,
                known=lambda prefix: len(streams(recorded, step.kind, prefix)))
        if not as_json:
            console.print(workflow_id, highlight=False)
        report(step, workflow_id, receipt, person, as_json, **extra)
    run(work(), "such process")
