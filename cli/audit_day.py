"""``intersessional audit replay --as-of DAY`` with no stream named: the machinery on that day
— the cycle running, the President, the coordinators and the Coordination Committee as it
sat — as the ledger records it (``reading.on_day``)."""

from __future__ import annotations

import json
from datetime import datetime

from rich.markup import escape
from rich.table import Table

from cli.common import console, fail


def show_day(moment: datetime, as_json: bool) -> None:
    """Print the machinery on ``moment``'s day; exit 2 if the ledger holds no cycle by then."""
    from cli.db import ledger_engine
    from domain.convention import shipped_registry
    from ledger import Ledger
    from reading.on_day import on_day
    from settings import Settings

    day = moment.date()
    found = on_day(Ledger(ledger_engine(Settings())), day)
    if found is None:
        raise fail(f"the ledger holds no cycle that had opened by {day}.")
    if as_json:
        print(json.dumps(found.model_dump(mode="json"), indent=2))
        return
    names = shipped_registry()
    console.print(f"on {day}: the {found.year} cycle, phase "
                  f"[bold]{found.phase.replace('_', ' ')}[/bold] (profile {found.profile}); "
                  f"President: {escape(names.describe(found.president or '')) or 'none recorded'}"
                  + (f"; President-designate: "
                     f"{escape(', '.join(names.describe(s) for s in found.designated))}"
                     if found.designated else ""))
    table = Table(title=f"The Coordination Committee on {day}")
    for column in ("who", "seat", "sits as", "paragraph"):
        table.add_column(column)
    for member in found.committee:
        table.add_row(escape(names.describe(member.represents)), escape(member.basis),
                      member.sits_as.value, member.paragraph)
    console.print(table)
    if found.sources:
        console.print("recorded from: " + escape("; ".join(found.sources)))
