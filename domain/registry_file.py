"""The registry of States as the shipped file ``domain/data/states.csv`` holds it, read with
the standard library alone: one row a State. ``domain.convention`` builds its ``State``s from
these rows; ``intersessional states`` prints them without loading anything more."""

from __future__ import annotations

import csv
from importlib import resources
from typing import NamedTuple

STATE_PARTY = "state_party"


class Row(NamedTuple):
    """One line of the file (header ``iso3,name,status,affected,donor,note`` and, where the
    Depositary's record gives them, ``joined,in_force,withdrew``: dates, ISO 8601)."""

    iso3: str
    name: str
    status: str
    affected: bool
    donor: bool
    note: str
    joined: str = ""
    in_force: str = ""
    withdrew: str = ""

    @property
    def is_state_party(self) -> bool:
        return self.status == STATE_PARTY


def _parse_bool(text: str, where: str) -> bool:
    if text not in ("true", "false"):
        raise ValueError(f"{where}: expected true or false, found {text!r}")
    return text == "true"


def rows(text: str) -> list[Row]:
    """The rows of the registry's CSV ``text``; a boolean that is neither ``true`` nor
    ``false`` is refused with its line."""
    found = []
    for line, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        where = f"states.csv line {line}"
        found.append(Row(iso3=row["iso3"], name=row["name"], status=row["status"],
                         affected=_parse_bool(row["affected"], where),
                         donor=_parse_bool(row["donor"], where), note=row.get("note") or "",
                         joined=row.get("joined") or "", in_force=row.get("in_force") or "",
                         withdrew=row.get("withdrew") or ""))
    return found


def shipped_text() -> str:
    """The text of the registry shipped with the package."""
    return resources.files("domain").joinpath("data/states.csv").read_text(encoding="utf-8")
