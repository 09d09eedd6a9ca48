"""How a command tells what went wrong: one sentence on stderr, the exit code of
:class:`cli.output.Exit` that says which kind of wrong it was, and — when the run asked for
``--json`` — the error object on stdout, so that a script reads exactly one JSON document
whatever happened (docs/CLI.md).

Every helper returns the :class:`typer.Exit` to raise (``raise fail(…)``), so that a call site
reads as the exit it is. Nothing here decides anything: the kind is the caller's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape

from cli.output import ASKED, Exit, emit, error_document

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from temporalio.service import RPCError

#: where a command's errors go: one sentence a line (soft wrap: a pipe gets one line); Rich
#: colours it only when stderr is a terminal (or FORCE_COLOR asks)
errors = Console(stderr=True, soft_wrap=True, highlight=False)

#: the statuses of an RPC whose cause is the way to the engine, not the request
UNREACHED = frozenset({"UNAVAILABLE", "DEADLINE_EXCEEDED", "CANCELLED"})


def tell(kind: Exit, sentence: str, *, lead: str | None = None, sep: str = ": ",
         **extra: Any) -> typer.Exit:
    """Say ``sentence`` as one line on stderr (red, or after ``lead`` in red and ``sep``);
    with ``--json`` asked, the error object of ``kind`` on stdout (``extra``: its ``rule_id``
    and ``source``). The exit to raise."""
    sentence = " ".join(sentence.split())  # one line, whatever a library's message held
    if lead:
        line = f"{lead}{sep}{sentence}"
        errors.print(f"[red]{escape(lead)}[/red]{escape(sep + sentence)}")
    else:
        line = sentence
        errors.print(f"[red]{escape(line)}[/red]")
    if ASKED["json"]:
        emit(error_document(kind, line, **extra))
    return typer.Exit(int(kind))


def fail(message: str, /, code: Exit = Exit.usage, **values: object) -> typer.Exit:
    """Say ``message`` as one red line on stderr, in the CLI's language, as an error of kind
    ``code`` (default: usage, exit 2); the exit to raise.

    ``message`` is a template with ``values`` put in by name (``fail(N_("no cycle {year}"),
    code=Exit.not_found, year=y)``, marked for the catalogs); a sentence already formatted,
    which no catalog knows, is said as it is."""
    from i18n import _

    said = _(message).format(**values) if values else _(message)
    return tell(code, said)


def tell_refusal(refusal: Any) -> typer.Exit:
    """A refusal in the CLI's language, one line on stderr: ``refused CO-7 (2MSP P2.6): …``
    (exit 1, the error object naming the rule and its source); with the global ``--explain``,
    then the paragraph the rule comes from, in the seeds' Chinese and in the CLI's language.
    One line by default: scripts and people's terminals read a refusal as one sentence; the
    paragraph is there for whoever asks."""
    from i18n import _
    from i18n.refusals import source_text, told

    done = tell(Exit.refused, told(refusal), lead=_("refused"), sep=" ", rule_id=refusal.rule_id,
                source=refusal.source)
    from cli.app import CHOSEN

    quoted = source_text(refusal.source) if CHOSEN["explain"] else None
    if quoted:
        errors.print(escape(_("The paragraph the rule comes from:")), style="dim")
        for code, text in quoted.items():
            errors.print(escape(f"  [{code}] {text}"))
    return done


def unreachable_engine(address: str | None = None) -> typer.Exit:
    """No Temporal answers at ``address`` (default: the settings'): one sentence naming it and
    how to start one, never the transport's own error text; exit 3."""
    from i18n import _
    from runtime.temporal import NO_TEMPORAL

    if address is None:
        from settings import Settings

        address = Settings().temporal_address
    return tell(Exit.unreachable, _(NO_TEMPORAL).format(address=address))


def engine_failed(error: RPCError) -> typer.Exit:
    """An RPC the engine did not answer: unreachable (the way to it failed) or refused by the
    server for a cause of its own (its status named); exit 3 either way."""
    from i18n import _
    from settings import Settings

    address = Settings().temporal_address
    if error.status is None or error.status.name in UNREACHED:
        return unreachable_engine(address)
    return tell(Exit.unreachable, _(
        "the Temporal server at {address} did not answer the request ({status}); nothing "
        "was recorded.").format(address=address, status=error.status.name))


def unreadable_ledger(engine: Engine, error: Exception) -> typer.Exit:
    """The ledger's database could not be used: no database answers (the connection fails),
    or it answers without the ledger's schema; exit 3 either way, one sentence each."""
    from sqlalchemy.exc import SQLAlchemyError

    from i18n import _

    where = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect():
            pass
    except SQLAlchemyError:
        return tell(Exit.unreachable, _(
            "no database answers for the ledger at {where}; start it, or set "
            "INTERSESSIONAL_LEDGER_URL to one that does.").format(where=where))
    return tell(Exit.unreachable, _(
        "the ledger at {where} cannot be read ({error}); `intersessional db upgrade` "
        "migrates it.").format(where=where, error=type(error).__name__))
