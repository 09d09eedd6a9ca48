"""``intersessional audit report``: the Review Conference's report of some years as a document
of the Convention — one self-contained HTML file, and if asked a PDF (WeasyPrint), its tables
as CSV files and as JSON — with the ledger's verification at its top.

A plain function: ``audit_cli`` registers it on the ``audit`` app. It reads; it never changes
the ledger.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from cli.common import JSON, Exit, console, fail
from cli.telling import unreadable_ledger
from i18n import _

if TYPE_CHECKING:
    from audit.document import Document
    from audit.review import ReviewFacts
    from audit.tables import Tables

FROM_YEAR = typer.Option(..., "--from-year", metavar="YEAR", min=2011, max=2999,
                         help="the first cycle the report covers")
TO_YEAR = typer.Option(..., "--to-year", metavar="YEAR", min=2011, max=2999,
                       help="the last cycle the report covers")
OUT = typer.Option(..., "--out", metavar="FILE.html", dir_okay=False,
                   help="where to write the HTML report")
PDF = typer.Option(None, "--pdf", metavar="FILE.pdf", dir_okay=False, show_default=False,
                   help="also typeset the report into this PDF (WeasyPrint; needs Pango)")
SYMBOL = typer.Option(None, "--symbol", metavar="SYMBOL", show_default=False,
                      help="the document symbol, e.g. CCM/CONF/2025/WP.1 (default: "
                      "INTERSESSIONAL_REPORT_SYMBOL, else CCM/AUDIT/<years>)")
LANG = typer.Option(None, "--lang", metavar="ar|zh|en|fr|ru|es", show_default=False,
                    help="the report's language: ar, zh, en, fr, ru or es (default: "
                    "INTERSESSIONAL_LANGUAGE, else en)")
DATE = typer.Option(None, "--date", metavar="YYYY-MM-DD", show_default=False,
                    help="the report's date, YYYY-MM-DD (default: today, UTC)")
CSV = typer.Option(None, "--csv", metavar="DIR", file_okay=False, show_default=False,
                   help="also write each of the report's tables as <table>.csv in this folder")
TABLES_JSON = typer.Option(None, "--tables-json", metavar="FILE.json", dir_okay=False,
                           show_default=False,
                           help="also write every table of the report into this JSON file")


def _document(from_year: int, to_year: int, symbol: str | None, lang: str | None,
              on: str | None) -> Document:
    """The report's language (set for the rest of the command), symbol and date, or exit 2
    with one sentence."""
    import i18n
    from audit.document import document
    from audit.review import ReportError

    if lang is not None:
        try:
            i18n.use(lang)
        except i18n.UnknownLanguage as error:
            raise fail(str(error)) from None
    if from_year > to_year:
        raise fail(_("--from-year {first} is after --to-year {last}; the report runs "
                     "forwards.").format(first=from_year, last=to_year))
    try:
        issued = date.fromisoformat(on) if on is not None else None
    except ValueError:
        raise fail(_("--date {text!r} is not a day: write it as YYYY-MM-DD.").format(
            text=on)) from None
    try:
        return document(from_year, to_year, symbol, issued)
    except ReportError as error:
        raise fail(str(error)) from None


def report(*, from_year: int = FROM_YEAR, to_year: int = TO_YEAR, out: Path = OUT,
           pdf: Path | None = PDF, symbol: str | None = SYMBOL, lang: str | None = LANG,
           on: str | None = DATE, csv: Path | None = CSV,
           tables_json: Path | None = TABLES_JSON, as_json: bool = JSON) -> None:
    """What a Review Conference reviews (CO-9, CC-4, ISU-5): coordinators, intersessional
    meetings, work plans and budgets, approvals and deviations of each year. Exit 2 with
    nothing written for a wrong symbol, language or date, and when ``--pdf`` is asked where
    it cannot be typeset or written (the ledger is judged first: the answer does not depend
    on what is installed); exit 4 when a year has no recorded cycle; exit 1 when the ledger is
    not intact (the report is written, and says so at its top) or holds an event the report
    cannot read."""
    from sqlalchemy.exc import SQLAlchemyError

    from attesting import published_keyring
    from audit import pdf as printing
    from audit import tables as exported
    from audit.report import ReportError, gather, render, report_events
    from audit.review.section import NoCycle
    from audit.verification import verify_ledger
    from cli.db import ledger_engine
    from ledger import Ledger
    from ledger.checkpoints import checkpoint_public_key
    from settings import Settings

    settings = Settings()
    made = _document(from_year, to_year, symbol or settings.report_symbol, lang, on)
    engine = ledger_engine(settings)
    try:
        verification = verify_ledger(engine,
                                     checkpoint_public_key(settings.effective_signing_key),
                                     None, published_keyring(settings.effective_attestation_key))
        facts = gather(report_events(Ledger(engine), from_year, to_year), from_year, to_year)
    except NoCycle as error:
        raise fail(str(error), code=Exit.not_found) from None
    except ReportError as error:  # an event the report cannot read: the record is wrong
        raise fail(str(error), code=Exit.refused) from None
    except SQLAlchemyError as error:
        raise unreadable_ledger(engine, error) from None
    finally:
        engine.dispose()
    # after the ledger, so that years without a cycle are refused alike with or without the
    # typesetter installed; before anything is written
    if pdf is not None and (missing := printing.typesetter_missing()) is not None:
        raise fail(missing)
    html = render(facts, verification, made)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    verdict = _("ledger intact") if verification.intact else _("[red]ledger NOT intact[/red]")
    console.print(_("wrote {out}: the review of {first}–{last}, {events} events, {verdict}")
                  .format(out=escape(str(out)), first=from_year, last=to_year,
                          events=verification.events, verdict=verdict))
    files = [("html", out), *_tables(exported.tables(facts, verification), made, facts, csv,
                                     tables_json)]
    if pdf is not None:
        try:
            printing.print_pdf(html, pdf)
        except ReportError as error:  # the PDF could not be written where --pdf says
            raise fail(str(error)) from None
        console.print(_("wrote {pdf}: the same report as a PDF, {size} KiB").format(
            pdf=escape(str(pdf)), size=pdf.stat().st_size // 1024))
        files.append(("pdf", pdf))
    if as_json:
        from cli.output import emit, written

        emit({"from_year": from_year, "to_year": to_year, "symbol": made.symbol,
              "issued": made.issued,
              "language": made.language, "intact": verification.intact,
              "events": verification.events,
              "files": [{"kind": kind, **written(path)} for kind, path in files]})
    if not verification.intact:
        raise typer.Exit(1)


def _tables(found: Tables, made: Document, facts: ReviewFacts, csv: Path | None,
            tables_json: Path | None) -> list[tuple[str, Path]]:
    """The report's tables, as CSV files into ``csv`` and as JSON into ``tables_json``; the
    files written, each with its kind."""
    from audit import tables as exported

    files: list[tuple[str, Path]] = []
    if csv is not None:
        made_csv = exported.write_csv(found, csv)
        console.print(_("wrote {count} tables as CSV into {folder}").format(
            count=len(made_csv), folder=escape(str(csv))))
        files += [("csv", Path(one)) for one in made_csv]
    if tables_json is not None:
        exported.write_json(found, made, facts, tables_json)
        console.print(_("wrote {count} tables as JSON into {file}").format(
            count=len(found), file=escape(str(tables_json))))
        files.append(("tables_json", tables_json))
    return files
