"""``intersessional audit replay --as-of DAY`` with no stream named: the machinery on that day
— the cycle running, the President, the coordinators and the Coordination Committee as it
sat — as the ledger records it (``reading.on_day``)."""

from __future__ import annotations

from datetime import datetime

from rich.markup import escape
from rich.table import Table

from cli.common import Exit, console, fail
from i18n import N_, _


def show_day(moment: datetime, as_json: bool) -> None:
    """Print the machinery on ``moment``'s day; exit 4 if the ledger holds no cycle by then."""
    from cli.db import ledger_engine
    from domain.convention import shipped_registry
    from ledger import Ledger
    from reading.on_day import on_day
    from settings import Settings

    day = moment.date()
    found = on_day(Ledger(ledger_engine(Settings())), day)
    if found is None:
        raise fail(N_("the ledger holds no cycle that had opened by {day}."),
                   code=Exit.not_found, day=day)
    if as_json:
        from cli.output import emit

        emit(found.model_dump(mode="json"))
        return
    names = shipped_registry()
    from i18n.refusals import word

    console.print(_("on {day}: the {year} cycle, phase [bold]{phase}[/bold] (profile "
                    "{profile}); President: {president}").format(
                        day=day, year=found.year, phase=word(found.phase.replace("_", " ")),
                        profile=found.profile,
                        president=escape(names.describe(found.president or ""))
                        or _("none recorded"))
                  + ("; " + _("President-designate: {states}").format(
                      states=escape(", ".join(names.describe(s) for s in found.designated)))
                     if found.designated else ""))
    table = Table(title=_("The Coordination Committee on {day}").format(day=day))
    for column in (_("who"), _("seat"), _("sits as"), _("paragraph")):
        table.add_column(column)
    for member in found.committee:
        table.add_row(escape(names.describe(member.represents)), escape(member.basis),
                      member.sits_as.value, member.paragraph)
    console.print(table)
    if found.sources:
        console.print(_("recorded from: {sources}").format(
            sources=escape("; ".join(found.sources))))
