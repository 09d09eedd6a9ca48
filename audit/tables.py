"""The report's tables as data, for a spreadsheet or a program: ``audit report --csv DIR`` (one
CSV file per table, ``<table>.csv``) and ``--tables-json FILE`` (every table in one JSON object).

Columns have stable English names and values stay as the ledger keeps them — ISO dates and
times (UTC), amounts as exact decimal text, rule ids, ISO 3166 codes — so that a table read
back is the same whatever the language of the printed report.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from audit.document import Document
from audit.review import ReviewFacts
from audit.verification import Verification

Row = tuple[Any, ...]
#: name -> (columns, rows)
Tables = dict[str, tuple[tuple[str, ...], list[Row]]]


def _plain(value: Any) -> Any:
    """A value JSON and CSV keep exactly: text for dates, times and amounts."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _coordinators(facts: ReviewFacts) -> Iterator[Row]:
    for y in facts.years:
        for m in y.coordinators:
            for c in m.coordinators:
                yield (y.year, m.key, m.letter, m.working_group, c.state, c.name, c.first_year,
                       c.last_year, c.affected, c.recorded, c.necessity)


def _meetings(facts: ReviewFacts) -> Iterator[Row]:
    for y in facts.years:
        m, held = y.meeting, y.meeting.meeting
        yield (y.year, held.place if held else None, held.first_day if held else None,
               held.last_day if held else None, held.days if held else None,
               held.back_to_back_with.value if held and held.back_to_back_with else None,
               m.convened_at, m.held_at, m.records_reference, m.dispensed_by,
               m.dispensed_reason or None, m.late)


def _workplans(facts: ReviewFacts) -> Iterator[Row]:
    for y in facts.years:
        if (w := y.workplan) is not None:
            yield (y.year, w.plan.for_year, w.plan.currency, w.plan.total(), w.drafts,
                   w.fate.value, w.approved_at, w.decided_at, w.content_hash)


def tables(facts: ReviewFacts, verification: Verification) -> Tables:
    """Every table of the report, by name."""
    return {
        "coordinators": (("year", "mandate", "letter", "working_group", "state", "name",
                          "first_year", "last_year", "affected", "standing_recorded",
                          "co7_necessity"), list(_coordinators(facts))),
        "closing_meetings": (("year", "meeting", "kind", "first_day", "last_day", "venue"), [
            (y.year, y.closing_meeting.name, y.closing_meeting.kind.value, p.first_day,
             p.last_day, p.venue)
            for y in facts.years if y.closing_meeting for p in y.closing_meeting.parts]),
        "intersessional_meetings": (("year", "place", "first_day", "last_day", "days",
                                     "back_to_back_with", "convened_at", "held_at",
                                     "records_reference", "dispensed_by", "dispensed_reason",
                                     "deadline_missed"), list(_meetings(facts))),
        "workplans": (("year", "for_year", "currency", "total", "drafts", "fate",
                       "approved_at", "decided_at", "content_hash"), list(_workplans(facts))),
        "budget_lines": (("year", "for_year", "label", "amount", "currency"), [
            (y.year, y.workplan.plan.for_year, line.label, line.amount, y.workplan.plan.currency)
            for y in facts.years if y.workplan for line in y.workplan.plan.budget]),
        "approvals": (("year", "step", "rule", "actor", "role", "represents", "occurred_at",
                       "recorded_at", "position", "stream", "version"), [
            (y.year, a.step, a.rule_id, a.actor, a.role, a.represents, a.occurred_at,
             a.recorded_at, a.position, a.stream, a.version)
            for y in facts.years for a in y.approvals]),
        "deviations": (("year", "kind", "rule", "what", "reason", "due", "escalated_to",
                        "occurred_at", "position"), [
            (d.year, d.kind.name.lower(), d.rule_id, d.what, d.reason or None, d.due,
             d.escalated_to, d.occurred_at, d.position)
            for y in facts.years for d in y.deviations]),
        "attested_steps": (("who", "steps"), sorted(
            verification.attestations.by_person.items() if verification.attestations
             else ())),
    }


def write_csv(found: Tables, into: Path) -> list[Path]:
    """One ``<table>.csv`` per table in ``into`` (a header row, then the rows; an empty cell
    for no value); the files written."""
    into.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (columns, rows) in found.items():
        path = into / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            writer.writerows([["" if v is None else _plain(v) for v in row] for row in rows])
        written.append(path)
    return written


def write_json(found: Tables, document: Document, facts: ReviewFacts, out: Path) -> Path:
    """Every table in one JSON object: the document's symbol, date and years, then each table
    as its columns and rows."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "symbol": document.symbol, "date": document.issued.isoformat(),
        "from_year": facts.from_year, "to_year": facts.to_year,
        "tables": {name: {"columns": list(columns),
                          "rows": [[_plain(v) for v in row] for row in rows]}
                   for name, (columns, rows) in found.items()},
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out
