"""``intersessional``: one command for ISU staff, Presidents and auditors.

The commands are a table (:data:`COMMANDS`): each names the module and attribute that serve it
and its one line of help, and a module is imported only when its command runs — pip's lazy
command table (``src/pip/_internal/commands/__init__.py``). ``intersessional --help`` reads the
table alone, so it starts as fast as Typer itself; ``intersessional workplan approve`` loads
the step client, not the audit or the API. ``tests/unit/test_cli_table.py`` checks that the
table says what the commands say.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import Any, NamedTuple

import typer
from typer.core import TyperCommand, TyperGroup


class Entry(NamedTuple):
    """A command: where it lives (``module``, ``attribute``: a Typer app or a function), its
    help as ``--help`` lists it, and whether the settings are checked before it runs."""

    module: str
    attribute: str
    help: str
    settings: bool = True


COMMANDS: dict[str, Entry] = {
    "db": Entry("cli.db", "db", "The ledger: schema, checkpoints, verification, backup and "
                 "restore."),
    "audit": Entry("cli.audit", "audit", "Audit years of history: verify, replay, cross-check "
                   "with Temporal, export a bundle, verify it offline, report."),
    "cycle": Entry("cli.cycle", "cycle", "The annual cycles of a running engine."),
    "engine": Entry("cli.engine", "engine", "The engine against the ledger: find and repair "
                    "every year or process whose workflow disagrees with the record; the "
                    "certificates for mutual TLS with Temporal."),
    "keys": Entry("cli.keys", "keys", "The keys that attest people's steps: list the keyring, "
                  "rotate the key, revoke a compromised one."),
    "users": Entry("cli.users", "users", "People: who holds which role, and their tokens."),
    "coalition": Entry("cli.coalition", "coalition", "Country coalitions (7MSP, CK-1 … CK-8): "
                       "an affected State and a donor or lead State, and all who help."),
    "silence": Entry("cli.silence", "silence", "The silence procedure: a documented extension "
                     "(later practice, not in the seed papers; rules SP-1 … SP-4). A text "
                     "circulated with a deadline is adopted at the deadline unless a State Party "
                     "breaks silence before it."),
    "history": Entry("cli.history", "history", "The Convention's past from a history file: "
                     "import it, each year whole with its historical dates (ISU), or print "
                     "the format's JSON Schema."),
    "notices": Entry("cli.notices", "notices", "The notices owed to people: pending, sent, or "
                     "unsent and why (newest first)."),
    "documents": Entry("cli.documents_cli", "documents", "The document store: upload a "
                       "document (PDF, DOCX, ODT, plain text; its SHA-256 is what a step "
                       "names), get one back by its SHA-256."),
    "pending": Entry("cli.pending", "pending", "What may be done now in the year's cycle, who "
                     "may do it and by when; with a token, the steps that are yours are marked."),
    "tasks": Entry("cli.tasks", "tasks", "The steps waiting for you now, soonest deadline "
                   "first, and where each is taken."),
    "elect": Entry("cli.steps", "elect", "Record the MSP's election of coordinators "
                   "(President): the election result in a file (msp_year, terms, necessity)."),
    "president": Entry("cli.steps", "president", "The presidency the MSP designates."),
    "meeting": Entry("cli.steps", "meeting", "The year's intersessional meeting."),
    "workplan": Entry("cli.steps", "workplan", "The ISU's work plan and budget."),
    "msp": Entry("cli.steps", "msp", "The MSP's decision on the work plan."),
    "end-term": Entry("cli.terms", "end_term", "Record that a coordinator's term ended early "
                      "(President or ISU, CO-10): the term, the day, why, who decided it and, "
                      "if chosen, the State that serves the rest of it."),
    "demo": Entry("cli.serving", "demo", "Run one whole year on the embedded engine (free "
                  "ports, data in <data dir>/demo) with scripted people, print the timeline "
                  "from the ledger and the ledger's verification, and leave the next year's "
                  "work plan for you to approve."),
    "tour": Entry("cli.registry", "tour", "Walk through the rules on the shipped registry, "
                  "without an engine: a staggered first round, a refused consecutive term, "
                  "the Coordination Committee of the day, one cycle.", settings=False),
    # the worker's own entry points, named as a console script names its function: the CLI
    # imports nothing of the worker (the arrows in pyproject.toml)
    "worker": Entry("worker", "command", "Run a worker against INTERSESSIONAL_TEMPORAL_ADDRESS "
                    "(logs on stderr: JSON, or text on a terminal), answering GET /health on "
                    "INTERSESSIONAL_WORKER_HEALTH_HOST:PORT, until SIGINT or SIGTERM."),
    "dev": Entry("worker", "dev", "Start the embedded engine: Temporal's dev server (state in "
                 "the data directory), the SQLite ledger there, a worker, and the HTTP API "
                 "with the dashboard, until Ctrl-C."),
    "api": Entry("cli.serving", "api", "Serve the HTTP API (OpenAPI at /openapi.json) and the "
                 "dashboard on INTERSESSIONAL_API_HOST:INTERSESSIONAL_API_PORT against a "
                 "running engine, until Ctrl-C."),
    "states": Entry("cli.registry", "states", "List the States of the shipped registry.",
                    settings=False),
    "mandates": Entry("cli.registry", "mandates", "List the six working groups and two "
                      "thematic areas (WG-1, WG-3).", settings=False),
}
HELP = ("--help", "-h")


def loaded(name: str) -> Any:
    """The command ``name`` as Typer builds it, its module imported now, its help worded for
    the terminal (:mod:`cli.helptext`)."""
    from cli.helptext import worded

    entry = COMMANDS[name]
    served = getattr(import_module(entry.module), entry.attribute)
    if isinstance(served, typer.Typer):
        group = typer.main.get_group(served)
        group.name = name  # as add_typer(…, name=) would
        return worded(group)
    alone = typer.Typer()
    alone.command(name)(served)
    return worded(typer.main.get_command(alone))


class Table(TyperGroup):
    """The command group read from :data:`COMMANDS`: listed from the table, loaded when run."""

    def list_commands(self, ctx: Any) -> list[str]:
        return list(COMMANDS)

    def get_params(self, ctx: Any) -> list[Any]:
        from cli.helptext import worded_params

        return worded_params(super().get_params(ctx))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """For the help's list: the command as the table describes it, nothing imported."""
        entry = COMMANDS.get(cmd_name)
        return None if entry is None else TyperCommand(cmd_name, help=entry.help)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        name = args[0] if args else ""
        from cli.output import ASKED, reserve

        ASKED["json"] = "--json" in args  # an error deep in a helper is then written as JSON
        reserve(ASKED["json"])  # and nothing but the document reaches stdout
        if name not in COMMANDS:
            return super().resolve_command(ctx, args)  # Typer's "No such command"
        if COMMANDS[name].settings and not set(args) & set(HELP):
            from settings import load, unknown_variables

            load()  # a wrong setting stops the command before it starts
            # a name that is no setting stops nothing: said once the language is chosen
            UNKNOWN[:] = unknown_variables(os.environ)
        return name, loaded(name), args[1:]


app = typer.Typer(cls=Table, no_args_is_help=True, help="The intersessional machinery of the "
                  "Convention on Cluster Munitions, as durable workflows over an auditable "
                  "ledger.")


LANGUAGE = typer.Option(None, "--lang", metavar="ar|zh|en|fr|ru|es", show_default=False,
                        help="the language of the messages and refusals (one of the UN's six); "
                        "default: INTERSESSIONAL_LANGUAGE, else English")


EXPLAIN = typer.Option(False, "--explain", help="after a refusal, quote its rule's paragraph "
                       "in the seeds' original Chinese and in the chosen language (on stderr)")


#: what the global options chose for this run (read by cli.common.tell_refusal)
CHOSEN: dict[str, bool] = {"explain": False}
#: the ``INTERSESSIONAL_*`` names of the environment that are no setting, found as the command
#: that reads the settings is resolved, warned of by the global callback
UNKNOWN: list[str] = []


@app.callback()
def _intersessional(lang: str | None = LANGUAGE, explain: bool = EXPLAIN) -> None:
    # the commands come from the table; every one speaks the language chosen here
    from i18n import SOURCE, UnknownLanguage, use

    CHOSEN["explain"] = explain
    chosen = lang or os.environ.get("INTERSESSIONAL_LANGUAGE") or SOURCE
    use(SOURCE)  # an unknown language is said in English, whatever ran before in this process
    try:
        use(chosen)
    except UnknownLanguage as unknown:
        from cli.telling import fail

        raise fail(str(unknown)) from None
    _warn_unknown(UNKNOWN)


def _warn_unknown(names: list[str]) -> None:
    """One line on stderr per name that is no setting, with the setting it most likely
    meant: pydantic ignores such a name, so a misspelt setting would silently not apply."""
    from i18n import _

    if not names:
        return
    from settings import nearest

    for name in names:
        meant = nearest(name)
        said = (_("warning: {name} is not a setting; did you mean {setting}?").format(
            name=name, setting=meant) if meant else
            _("warning: {name} is not a setting of intersessional; it is ignored.").format(
                name=name))
        print(said, file=sys.stderr)


def usage_sentence(error: Any) -> str:
    """A usage error of click's (``click.UsageError``, or another ``ClickException``) as one
    sentence: the command it was for, what was wrong, click's suggestion if it made one, and
    where the command's use is said (its ``--help``); never the box Typer draws for it."""
    from typer._click.exceptions import NoSuchOption  # Typer's own click (vendored since 0.22)

    from i18n import _

    where = error.ctx.command_path if getattr(error, "ctx", None) else "intersessional"
    if isinstance(error, NoSuchOption):
        said = error.message.rstrip(".")
        if error.possibilities:
            said += " " + _("(did you mean {options}?)").format(
                options=", ".join(sorted(error.possibilities)))
    else:
        said = error.format_message().rstrip(".")
    said = said[:1].lower() + said[1:]
    hint = _("`{command} --help` says how it is used.").format(command=where)
    return " ".join(f"{where}: {said}; {hint}".split())  # click's messages may hold newlines


def _said_usage(sentence: str) -> int:
    """Say a usage error or a wrong setting as one sentence on stderr (the error object on
    stdout if --json was asked, :func:`cli.telling.tell`); its exit code, 2."""
    from cli.output import Exit
    from cli.telling import tell

    return int(tell(Exit.usage, sentence).exit_code)


def _unreached(error: Exception) -> int | None:
    """The exit code of an error of the ledger's database or of the engine that the command
    did not catch itself, said in one sentence (exit 3; never a traceback or a driver's or a
    transport's own text); None for any other error."""
    found = sys.modules.get("sqlalchemy.exc")
    if found is not None and isinstance(error, found.OperationalError | found.InterfaceError):
        from cli.db import ledger_engine
        from cli.telling import unreadable_ledger
        from settings import Settings

        engine = ledger_engine(Settings())
        try:
            return int(unreadable_ledger(engine, error).exit_code)
        finally:
            engine.dispose()
    service = sys.modules.get("temporalio.service")
    if service is not None and isinstance(error, service.RPCError):
        from cli.telling import engine_failed

        return int(engine_failed(error).exit_code)
    return None


def main() -> None:
    """Run the command, then leave without the interpreter's teardown: the Temporal SDK's Rust
    threads can outlive the event loop and abort a finalizing interpreter ("PyGILState_Release
    … finalizing", exit -6) after the work is done — temporalio/sdk-python#300, open upstream.
    Everything the command writes is flushed first; the ledger commits before it returns.

    Click's own errors (an unknown option or command, a missing or malformed value) are caught
    here rather than drawn in Typer's box: one sentence on stderr and exit 2 (docs/CLI.md);
    ``intersessional`` alone, or a group alone, prints its help and exits 0."""
    from typer._click.exceptions import ClickException, NoArgsIsHelpError  # Typer's own click

    from cli.output import ASKED, reserve_descriptor

    # an error said before a command resolves (an unknown command) is JSON when asked, too
    ASKED["json"] = "--json" in sys.argv[1:]
    if ASKED["json"]:
        reserve_descriptor()  # what writes below Python (a server's banner) goes to stderr
    try:
        done = app(standalone_mode=False)
        code = done if isinstance(done, int) else 0
    except NoArgsIsHelpError:  # asked for nothing: Typer printed its help, which is no error
        code = 0
    except ClickException as error:
        code = _said_usage(usage_sentence(error))
    except typer.Abort:  # Ctrl-C or end of input at a prompt
        print(file=sys.stderr)
        code = 130
    except Exception as error:
        # a wrong setting is one line and exit 2; it can only come once settings are loaded,
        # and --help never loads them
        settings = sys.modules.get("settings")
        if settings is None or not isinstance(error, settings.SettingsError):
            told = _unreached(error)
            if told is None:
                raise
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(told)
        code = _said_usage(str(error))
    except SystemExit as leaving:
        if isinstance(leaving.code, str):
            print(leaving.code, file=sys.stderr)
        code = leaving.code if isinstance(leaving.code, int) else int(leaving.code is not None)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main()
