"""See, confirm, keep a receipt, on the command line: ``intersessional workplan show YEAR``
prints the work plan a decision is on (its items and mandate letters in words, its budget
lines and total, its SHA-256, what changed since the version returned); every decision on it
(``workplan submit|approve|return|send-to-msp``, ``msp adopt|reject``) shows the document and
its hash at a terminal and asks before anything is sent, takes ``--yes`` for scripts, and
refuses at no terminal without it (one sentence, exit 2, nothing recorded); once recorded, it
prints the receipt with the attestation (``--json``: the same, as JSON)."""

from __future__ import annotations

import signal
import sys
from typing import TYPE_CHECKING, Any

import typer
from rich.markup import escape
from rich.table import Table

from cli.common import JSON, YEAR, Exit, console, fail, ledger
from i18n import N_, _

if TYPE_CHECKING:
    from contracts import Receipt
    from reading.receipts import StepReceipt
    from reading.workplan import WorkplanDocument

YES = typer.Option(False, "--yes", "-y", help="record it without asking (for scripts; "
                   "required where no terminal can ask)")


def document(year: int) -> WorkplanDocument | None:
    """The ``year`` cycle's work plan as the ledger records it now."""
    from contracts import cycle_id
    from reading.workplan import document_of

    with ledger() as held:
        return document_of(year, held.read_stream(cycle_id(year)))


def print_document(found: WorkplanDocument) -> None:
    """The work plan as a person reads it before deciding."""
    from reading.words import letter, money

    plan = found.plan
    items = Table(_("Item"), _("Mandate of the ISU (2MSP P4.4)"), _("Description"),
                  title=_("Work plan and budget for {year}").format(year=plan.for_year))
    for item in plan.items:
        items.add_row(escape(item.title), "\n".join(letter(x) for x in item.letters),
                      escape(item.description))
    console.print(items)
    budget = Table(_("Line"), _("Amount"), title=_("Budget"), show_footer=True)
    budget.columns[0].footer, budget.columns[1].footer = _("Total"), money(
        found.total, plan.currency)
    budget.columns[1].justify = "right"
    for line in plan.budget:
        budget.add_row(escape(line.label), money(line.amount, line.currency))
    console.print(budget)
    console.print(_("SHA-256 of this text: {hash}").format(hash=found.content_hash),
                  highlight=False)
    if found.returned_hash:
        print_changes(found)


def print_changes(found: WorkplanDocument) -> None:
    from reading.words import money

    console.print(_("Changed since the version returned for revision (SHA-256 {hash}): "
                    "{reasons}").format(hash=found.returned_hash,
                                        reasons=escape(found.returned_reasons or "")),
                  highlight=False)
    c = found.changes
    if c is None:
        console.print(_("  the returned version is not in the record"))
        return
    said = [*(_("  + item {title}").format(title=i.title) for i in c.items_added),
            *(_("  - item {title}").format(title=i.title) for i in c.items_removed),
            *(_("  ~ item {title}").format(title=i.after.title) for i in c.items_changed),
            *(_("  + budget line {label}: {amount}").format(
                label=ln.label, amount=money(ln.amount, ln.currency)) for ln in c.lines_added),
            *(_("  - budget line {label}: {amount}").format(
                label=ln.label, amount=money(ln.amount, ln.currency)) for ln in c.lines_removed),
            *(_("  ~ budget line {label}: {before} → {after}").format(
                label=ln.after.label, before=money(ln.before.amount, ln.before.currency),
                after=money(ln.after.amount, ln.after.currency)) for ln in c.lines_changed)]
    for line in said or [_("  nothing changed in the items or the budget")]:
        console.print(escape(line), highlight=False)


def show(year: int = YEAR, as_json: bool = JSON) -> None:
    """Show the year's work plan before deciding on it: its items and mandate letters, its
    budget lines and total, its SHA-256 and what changed since the version returned."""
    found = document(year)
    if found is None:
        raise fail(N_("the ledger records no work plan of the {year} cycle yet."),
                   code=Exit.not_found, year=year)
    if as_json:
        from cli.output import emit

        emit(found.as_json())
        return
    print_document(found)


def confirm(label: str, year: int, content_hash: str, yes: bool) -> None:
    """Ask the person at a terminal to confirm ``label`` on the work plan with
    ``content_hash``, the document shown first; ``yes`` asks nothing. At no terminal and
    without ``yes``: one sentence, exit 2 (nothing is sent). Ctrl-C at the question aborts
    (exit 130, :func:`cli.app.main`), nothing sent."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise fail(N_("{label} is recorded only once confirmed: no terminal can ask here, so "
                      "give --yes (after `intersessional workplan show --year {year}`); "
                      "nothing was recorded."), label=_(label), year=year)
    found = document(year)
    if found is not None and found.content_hash == content_hash:
        print_document(found)
    console.print(_("{label}, {year} cycle, on the work plan with SHA-256 {hash}").format(
        label=_(label), year=year, hash=content_hash), highlight=False)
    # asked inside asyncio.run, whose SIGINT handler only cancels the task and lets input()
    # wait on; with the interpreter's own, Ctrl-C interrupts the question as typer.Abort
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        agreed = typer.confirm(_("Record it?"), default=False)
    finally:
        signal.signal(signal.SIGINT, previous)
    if not agreed:
        raise fail(N_("not confirmed; nothing was recorded."))


def kept(receipt: Receipt) -> StepReceipt | None:
    """The receipt as the ledger keeps it, with the attestation (``None`` if not found)."""
    from reading.receipts import receipt_of

    with ledger() as held:
        return receipt_of(held, receipt.stream, str(receipt.event_id))


def receipt_fields(found: StepReceipt | None) -> dict[str, Any]:
    """What ``--json`` adds to a decision's result: the sentence and the attestation."""
    if found is None:
        return {}
    return {"sentence": found.sentence, "recorded_at": found.recorded_at,
            "attestation": found.attestation.model_dump(mode="json")
            if found.attestation else None}


def print_receipt(found: StepReceipt | None) -> None:
    """The receipt's further lines: the event id and time, and the attestation."""
    if found is None:
        return
    console.print(_("receipt: event {event}, recorded {at}, {sentence}").format(
        event=found.event_id, at=found.recorded_at, sentence=escape(found.sentence)),
        highlight=False)
    if found.attestation is not None:
        console.print(_("attestation: key {key}, signature {signature}").format(
            key=found.attestation.key_id, signature=found.attestation.signature),
            highlight=False)
