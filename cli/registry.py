"""``intersessional states``, ``mandates`` and ``tour``: the shipped registry and the rules,
read without an engine, a ledger or the settings."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from i18n import _

console = Console()
JSON = typer.Option(False, "--json", help="print the result as JSON, for scripts")


def states(
    parties_only: bool = typer.Option(False, "--parties", help="only States Parties"),
    affected_only: bool = typer.Option(False, "--affected", help="only affected States"),
    as_json: bool = JSON,
) -> None:
    """List the States of the shipped registry."""
    # the file's rows, as domain.convention reads them, without building the models
    from domain.registry_file import rows, shipped_text

    chosen = [s for s in rows(shipped_text())
              if not (parties_only and not s.is_state_party)
              and not (affected_only and not s.affected)]
    if as_json:
        from cli.output import emit

        emit([{**s._asdict(), **{d: getattr(s, d) or None for d in DATES}} for s in chosen])
        return
    table = Table("ISO", _("State"), _("Status"), _("Affected"), _("Donor"), title=_("States"))
    yes = _("yes")
    for s in chosen:
        table.add_row(s.iso3, s.name, s.status.replace("_", " "),
                      yes if s.affected else "", yes if s.donor else "")
    console.print(table)


def mandates(as_json: bool = JSON) -> None:
    """List the six working groups and two thematic areas (WG-1, WG-3)."""
    from domain.mandates import mandates as shipped

    if as_json:
        from cli.output import emit

        emit([m.model_dump(mode="json") for m in shipped().values()])
        return

    table = Table(_("Key"), _("Letter"), _("Mandate"), _("Seats"), _("Term (years)"),
                  title=_("Mandates"))
    for m in shipped().values():
        table.add_row(m.key, m.letter or "—", m.name, str(m.max_seats), str(m.term_years))
    console.print(table)


#: a State's dates in the registry (ISO 8601), none where the Depositary's record gives none
DATES = ("joined", "in_force", "withdrew")


def tour() -> None:
    """Walk through the rules on the shipped registry, without an engine: a staggered first
    round, a refused consecutive term, the Coordination Committee of the day, one cycle."""
    from scenarios import walkthrough

    walkthrough.run(console)
