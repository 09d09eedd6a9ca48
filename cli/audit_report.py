"""``intersessional audit report``: the Review Conference's report of some years, written as one
self-contained HTML file (and, if asked, a PDF), with the ledger's verification at its top.

A plain function: ``audit_cli`` registers it on the ``audit`` app. It reads; it never changes
the ledger.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from cli.common import console, fail

if TYPE_CHECKING:
    pass

FROM_YEAR = typer.Option(..., "--from-year", min=2011, max=2999,
                         help="the first cycle the report covers")
TO_YEAR = typer.Option(..., "--to-year", min=2011, max=2999,
                       help="the last cycle the report covers")
OUT = typer.Option(..., "--out", dir_okay=False, help="where to write the HTML report")
PDF = typer.Option(None, "--pdf", dir_okay=False, show_default=False,
                   help="also print the report to this PDF (needs Chromium: apt-get install "
                   "chromium)")


def report(from_year: int = FROM_YEAR, to_year: int = TO_YEAR, out: Path = OUT,
           pdf: Path | None = PDF) -> None:
    """What a Review Conference reviews (CO-9, CC-4, ISU-5): coordinators, intersessional
    meetings, work plans and budgets, approvals and deviations of each year. Exit 2 with
    nothing written when a year has no recorded cycle, and otherwise when ``--pdf`` is asked
    without Chromium (the ledger is judged first: the answer does not depend on what is
    installed); exit 1 when the ledger is not intact (the report is written, and says so at its
    top)."""
    from sqlalchemy.exc import SQLAlchemyError

    from attesting import published_keyring
    from audit import pdf as printing
    from audit.report import ReportError, report_html
    from audit.verification import verify_ledger
    from cli.db import ledger_engine
    from ledger import Ledger
    from ledger.checkpoints import checkpoint_public_key
    from settings import Settings

    if from_year > to_year:
        raise fail(f"--from-year {from_year} is after --to-year {to_year}; the report runs "
                   "forwards.")
    settings = Settings()
    engine = ledger_engine(settings)
    try:
        verification = verify_ledger(engine,
                                     checkpoint_public_key(settings.effective_signing_key),
                                     None, published_keyring(settings.effective_attestation_key))
        html = report_html(Ledger(engine), from_year, to_year, verification)
    except ReportError as error:
        raise fail(str(error)) from None
    except SQLAlchemyError as error:
        raise fail(f"the ledger at {settings.shown_ledger_url} cannot be read: "
                   f"{type(error).__name__}; `intersessional db upgrade` creates it.") from None
    finally:
        engine.dispose()
    # after the ledger, so that years without a cycle are refused alike with or without a
    # browser installed; before anything is written
    if pdf is not None and not printing.CHROMIUM.exists():
        raise fail("--pdf needs Chromium (apt-get install chromium).")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    verdict = "ledger intact" if verification.intact else "[red]ledger NOT intact[/red]"
    console.print(f"wrote {escape(str(out))}: the review of {from_year}–{to_year}, "
                  f"{verification.events} events, {verdict}")
    if pdf is not None:
        try:
            printing.print_pdf(html, pdf, printing.CHROMIUM)
        except ReportError as error:
            console.print(f"[red]{escape(str(error))}[/red]")
            raise typer.Exit(1) from None
        console.print(f"wrote {escape(str(pdf))}: the same report as a PDF, "
                      f"{pdf.stat().st_size // 1024} KiB")
    if not verification.intact:
        raise typer.Exit(1)
