"""``audit report`` as a person runs it: files written and one line each, or one sentence and
exit 2 with nothing written (and nothing recorded: the report only reads); a tampered ledger
still gets its report, and exit 1."""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner, Result

from audit.pdf import print_pdf
from audit.report import ReportError
from cli.audit_report import report
from ledger import Ledger, create_ledger_engine
from tests.audit.conftest import YEARS, World
from tests.audit.pdf_pages import pango_or_skip

FIRST, LAST = YEARS[0], YEARS[-1]


def run(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str,
        tamper: bool = False) -> Result:
    settings = world.copy(tmp_path / "data")
    if tamper:
        with sqlite3.connect(settings.data_dir / "ledger.sqlite3") as db:
            db.execute("UPDATE events SET actor = 'someone else' WHERE position = 11")
    for name in ("INTERSESSIONAL_LEDGER_URL", "INTERSESSIONAL_SIGNING_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INTERSESSIONAL_DATA_DIR", str(settings.data_dir))
    app = typer.Typer()
    app.command()(report)
    return CliRunner().invoke(app, list(args))


def test_the_report_is_written_with_one_line(world: World, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "review" / "report.html"
    result = run(world, tmp_path, monkeypatch, "--from-year", str(FIRST), "--to-year",
                 str(LAST), "--out", str(out))
    assert result.exit_code == 0, result.output
    # the count is the ledger's: the cycles' (2032's opening with them) and the processes'
    events = Ledger(create_ledger_engine(f"sqlite:///{world.ledger_file}")).head()
    assert events > 63
    assert re.fullmatch(rf"wrote {out}: the review of {FIRST}–{LAST}, {events} events, ledger "
                        r"intact\n", result.output)
    page = out.read_text(encoding="utf-8")
    assert f"Review of the intersessional programme, {FIRST}–{LAST}" in page
    assert "The ledger is intact" in page


@pytest.mark.parametrize(("span", "said", "code"), [
    ((2019, FIRST), "the ledger holds no cycle for 2019–2026.", 4),
    ((2035, 2040), "the ledger holds no cycle for 2035–2040.", 4),
    ((LAST, FIRST), f"--from-year {LAST} is after --to-year {FIRST}; the report runs forwards.",
     2),
])
def test_years_without_a_cycle_are_one_sentence_and_nothing_is_written(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *,
        span: tuple[int, int], said: str, code: int) -> None:
    out, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    result = run(world, tmp_path, monkeypatch, "--from-year", str(span[0]), "--to-year",
                 str(span[1]), "--out", str(out), "--pdf", str(pdf))
    assert (result.exit_code, result.output) == (code, said + "\n")
    assert not out.exists()
    assert not pdf.exists()


def test_pdf_without_its_typesetter_is_refused_before_anything_is_written(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if not installed
    out = tmp_path / "report.html"
    result = run(world, tmp_path, monkeypatch, "--from-year", str(FIRST), "--to-year",
                 str(LAST), "--out", str(out), "--pdf", str(tmp_path / "report.pdf"))
    assert (result.exit_code, result.output) == (
        2, "--pdf needs WeasyPrint and Pango (apt-get install libpango-1.0-0 "
        "libpangoft2-1.0-0).\n")
    assert not out.exists()


@pytest.mark.parametrize(("args", "said"), [
    (("--symbol", "ccm conf 1"), "'ccm conf 1' is not a document symbol: capital letters and "
     "digits separated by '/', e.g. CCM/CONF/2025/WP.1."),
    (("--lang", "de"), "unknown language 'de': choose one of ar, zh, en, fr, ru, es (the six "
     "languages of the United Nations)."),
    (("--date", "5 December"), "--date '5 December' is not a day: write it as YYYY-MM-DD."),
])
def test_a_wrong_symbol_language_or_date_is_one_sentence_and_nothing_is_written(
        world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, str],
        said: str) -> None:
    out, pdf, tables, data = (tmp_path / "report.html", tmp_path / "report.pdf",
                              tmp_path / "tables", tmp_path / "tables.json")
    head = Ledger(create_ledger_engine(f"sqlite:///{world.ledger_file}")).head()
    common = ("--from-year", str(FIRST), "--to-year", str(LAST), "--out", str(out))
    result = run(world, tmp_path, monkeypatch, *common, "--pdf", str(pdf), "--csv",
                 str(tables), "--tables-json", str(data), *args)
    assert (result.exit_code, result.output) == (2, said + "\n")
    assert not any(p.exists() for p in (out, pdf, tables, data))
    copied = Ledger(create_ledger_engine(f"sqlite:///{tmp_path / 'data' / 'ledger.sqlite3'}"))
    assert copied.head() == head  # nothing recorded
    # the next, valid, run writes its report
    again = run(world, tmp_path / "again", monkeypatch, *common)
    assert again.exit_code == 0, again.output
    assert out.exists()


def test_a_tampered_ledger_gets_its_report_and_exit_1(world: World, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "report.html"
    result = run(world, tmp_path, monkeypatch, "--from-year", str(FIRST), "--to-year",
                 str(LAST), "--out", str(out), tamper=True)
    assert result.exit_code == 1
    assert result.output.endswith("ledger NOT intact\n")
    assert "The ledger is NOT intact" in out.read_text(encoding="utf-8")


def test_a_pdf_that_cannot_be_written_is_one_sentence(tmp_path: Path) -> None:
    pango_or_skip()
    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")
    out = tmp_path / "a-file" / "report.pdf"
    with pytest.raises(ReportError, match=r"^the PDF could not be written to .*/a-file/"
                                          r"report\.pdf: FileExistsError: .*\.$"):
        print_pdf("<p>report</p>", out)
    assert not out.exists()
