"""``intersessional history``: the Convention's past recorded as the past (issue 20).

``history import FILE`` records the years of a history file (``docs/HISTORY.md``, format
``intersessional-history/1``), each year whole or not at all, attested by the ISU person whose
token is given; ``--dry-run`` judges everything and records nothing. ``history schema`` prints
the format's JSON Schema (published as ``docs/history.schema.json``).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from cli.common import JSON, TOKEN, Exit, authenticate, console, errors, fail, ledger
from cli.output import emit
from i18n import N_, _

FILE = typer.Argument(..., dir_okay=False, metavar="FILE.yaml", help="the history file (YAML)")
history = typer.Typer(no_args_is_help=True, help="The Convention's past from a history file: "
                      "import it, each year whole with its historical dates (ISU), or print "
                      "the format's JSON Schema.")
#: what became of each year (``history.recording``'s outcomes), for the catalogs
OUTCOMES = (N_("recorded"), N_("already recorded"), N_("would be recorded"), N_("refused"),
            N_("not attempted"))


@history.command("schema")
def schema_command(as_json: bool = JSON) -> None:
    """Print the history file format's JSON Schema (it is JSON: ``--json`` prints the same
    document)."""
    from history.format import schema_text

    if as_json:
        from history.format import schema

        emit(schema())
        return
    print(schema_text(), end="")


@history.command("import")
def import_command(
    file: Path = FILE,
    dry_run: bool = typer.Option(False, "--dry-run", help="judge every year, record nothing"),
    token: str | None = TOKEN, as_json: bool = JSON,
) -> None:
    """Record the years of FILE, each with its historical date, judged by the rules as of
    then; a year that breaks a rule is refused whole (the rule id and the file's line), and
    the import stops there. Importing the same file again records nothing."""
    from attesting import Signer
    from domain.convention import Role, shipped_registry
    from history.recording import Importer, import_history
    from i18n.refusals import word
    from settings import Settings

    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise fail(N_("{file} cannot be read ({error})"), file=file, error=error) from None
    importer = None
    if not dry_run:
        person = authenticate(token)
        if person.role is not Role.ISU:  # who may take a step is the rules' (exit 1)
            raise fail(N_("the Convention's record is imported by the ISU; {name} holds the "
                          "role {role}."), code=Exit.refused, name=person.name,
                       role=word(person.role.value))
        importer = Importer(person=person.id, name=person.name,
                            signer=Signer.of(Settings().effective_attestation_key))
    with ledger() as kept:
        done = import_history(text, kept, shipped_registry(), importer)
    refusal = done.refusal
    if as_json:
        emit({
            "file": str(file), "dry_run": dry_run,
            "years": [vars(y) for y in done.years],
            "refused": None if refusal is None else {
                "rule_id": refusal.rule_id, "message": refusal.message, "line": refusal.line,
                "year": refusal.year, "sentence": refusal.sentence(str(file))}})
    else:
        for y in done.years:
            said = f"{y.year}: {_(y.outcome)}" + (" " + _("({events} events)").format(
                events=y.events) if y.events else "")
            console.print(escape(said) + "".join(
                "\n  " + _("warning {warning}").format(warning=escape(w)) for w in y.warnings))
        if refusal is None and not done.years:
            console.print(_("the file holds no year"))
    if refusal is not None:  # a rule's refusal (HI-1): one sentence on stderr, exit 1; with
        # --json, the document above says it (its "refused"), and is the run's one document
        errors.print(f"[red]{_('refused')}[/red] {escape(refusal.sentence(str(file)))}")
        raise typer.Exit(Exit.refused)
