"""The Coordination Committee deciding as a committee, from the command line (CC-5).

``workplan approve|return --present CODES``: its chair, the President, records the decision
with the members present. Before anything is sent the command shows a person at a terminal the
committee sitting that day, as the ledger records it (CC-3), marking who was named present —
what the dashboard's cycle page shows beside its boxes; a script (no terminal, or ``--json``)
reads one line, the receipt or the refusal, as for every step. The quorum and the chair's
presence are the domain's to judge under the cycle's profile; a code that names no one sitting
that day is refused here, before anything is sent, by the domain's own check (CC-5).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import typer
from rich.markup import escape
from rich.table import Table

from cli.common import console, fail, ledger
from i18n import N_, _

if TYPE_CHECKING:
    from domain.state import CycleState

PRESENT = typer.Option(None, "--present", metavar="CODES",
                       help="the members present, as the chair records them (CC-5): "
                            "comma-separated alpha-3 codes, ICRC, UN or CMC, the chair's own "
                            "among them")


def present_of(codes: str | None) -> tuple[str, ...]:
    """``--present`` as codes, each once and in capitals; none given, none recorded. A list
    with an empty entry is one sentence and exit 2, nothing sent."""
    if codes is None:
        return ()
    named = [code.strip().upper() for code in codes.split(",")]
    if not all(named):
        raise fail(N_("--present {codes!r} is not a list of codes (CC-5): give the members "
                      "present separated by commas, e.g. --present CHE,NOR,ICRC."), codes=codes)
    return tuple(dict.fromkeys(named))


def recorded(year: int) -> CycleState | None:
    """The ``year`` cycle as the ledger records it, if it does (else the engine answers)."""
    from contracts import cycle_id
    from reading.streams import state_of

    with ledger() as held:
        state: CycleState | None = state_of(held, cycle_id(year))
    return state


def show(year: int, state: CycleState, day: date, present: tuple[str, ...]) -> None:
    """The committee sitting on ``day`` (CC-3), each seat marked if named present."""
    from domain.convention import COMMITTEE_ORGANISATIONS, shipped_registry

    registry = shipped_registry()
    table = Table(_("Present"), _("Member"), _("Basis"), _("Sits as"), "2MSP",
                  title=_("The Coordination Committee on {day} (the {year} cycle, {profile} "
                          "profile)").format(day=day, year=year, profile=state.profile.name))
    for m in state.committee_on(day):
        name = m.represents if m.represents in COMMITTEE_ORGANISATIONS else (
            registry.describe(m.represents))
        table.add_row("✔" if m.represents in present else "", escape(name), escape(m.basis),
                      m.sits_as.value, m.paragraph)
    console.print(table)
    needed = state.profile.needed(len(_members(state, day)))
    console.print(_("quorum: {needed} members present").format(needed=needed) if needed else
                  _("no quorum under this profile: present is recorded, not required"),
                  highlight=False)


def check_sitting(state: CycleState, day: date, present: tuple[str, ...]) -> None:
    """Refuse (CC-5: a ``RuleViolation``, nothing sent) a code naming no one sitting on
    ``day``, as the domain judges it (``domain.committee_decisions.check_sitting``)."""
    from domain.committee_decisions import check_sitting as sitting_that_day

    sitting_that_day(state.committee_on(day), present, day)


def _members(state: CycleState, day: date) -> list[str]:
    from domain.committee import deciding_members

    return deciding_members(state.committee_on(day))
