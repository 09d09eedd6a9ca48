"""``intersessional``: one command for ISU staff, Presidents and auditors."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

import walkthrough
from domain.convention import shipped_registry
from domain.mandates import mandates
from ledger_cli import db

app = typer.Typer(no_args_is_help=True, help="The intersessional machinery of the Convention "
                  "on Cluster Munitions, as durable workflows over an auditable ledger.")
console = Console()
app.add_typer(db, name="db")


@app.command()
def demo() -> None:
    """Walk through the rules on the shipped registry: a first-round election with staggering,
    a refused consecutive term, the Coordination Committee of the year, one whole cycle."""
    walkthrough.run(console)


@app.command()
def states(
    parties_only: bool = typer.Option(False, "--parties", help="only States Parties"),
    affected_only: bool = typer.Option(False, "--affected", help="only affected States"),
) -> None:
    """List the States of the shipped registry."""
    table = Table("ISO", "State", "Status", "Affected", "Donor", title="States")
    for s in shipped_registry().values():
        if (parties_only and not s.is_state_party) or (affected_only and not s.affected):
            continue
        table.add_row(s.iso3, s.name, s.status.value.replace("_", " "),
                      "yes" if s.affected else "", "yes" if s.donor else "")
    console.print(table)


@app.command(name="mandates")
def list_mandates() -> None:
    """List the six working groups and two thematic areas (WG-1, WG-3)."""
    table = Table("Key", "Letter", "Mandate", "Seats", "Term (years)", title="Mandates")
    for m in mandates().values():
        table.add_row(m.key, m.letter or "—", m.name, str(m.max_seats), str(m.term_years))
    console.print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
