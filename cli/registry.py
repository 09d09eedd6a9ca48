"""``intersessional states``, ``mandates`` and ``tour``: the shipped registry and the rules,
read without an engine, a ledger or the settings."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

console = Console()


def states(
    parties_only: bool = typer.Option(False, "--parties", help="only States Parties"),
    affected_only: bool = typer.Option(False, "--affected", help="only affected States"),
) -> None:
    """List the States of the shipped registry."""
    # the file's rows, as domain.convention reads them, without building the models
    from domain.registry_file import rows, shipped_text

    table = Table("ISO", "State", "Status", "Affected", "Donor", title="States")
    for s in rows(shipped_text()):
        if (parties_only and not s.is_state_party) or (affected_only and not s.affected):
            continue
        table.add_row(s.iso3, s.name, s.status.replace("_", " "),
                      "yes" if s.affected else "", "yes" if s.donor else "")
    console.print(table)


def mandates() -> None:
    """List the six working groups and two thematic areas (WG-1, WG-3)."""
    from domain.mandates import mandates as shipped

    table = Table("Key", "Letter", "Mandate", "Seats", "Term (years)", title="Mandates")
    for m in shipped().values():
        table.add_row(m.key, m.letter or "—", m.name, str(m.max_seats), str(m.term_years))
    console.print(table)


def tour() -> None:
    """Walk through the rules on the shipped registry, without an engine: a staggered first
    round, a refused consecutive term, the Coordination Committee of the day, one cycle."""
    from scenarios import walkthrough

    walkthrough.run(console)
