"""The report as a document of the Convention: a symbol, a date, "page x of y", running headers
and a table of contents whose page numbers are the pages its sections start on — typeset by
WeasyPrint, never a browser — its attestation and signature coverage in words, its tables as CSV
and JSON read back, and the same document in Arabic (right to left) and Chinese (its glyphs)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Iterator
from contextvars import copy_context
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from babel.messages.catalog import Catalog
from babel.messages.pofile import write_po
from typer.testing import CliRunner

import i18n
from attesting import published_keyring
from audit.attestations import Attestations
from audit.document import coverage, default_symbol, document
from audit.pdf import print_pdf
from audit.report import CONTENTS, ReportError, css_content, gather, render, report_events
from audit.verification import Verification, verify_ledger
from cli.audit_report import report
from ledger import Ledger, create_ledger_engine
from ledger.checkpoints import checkpoint_public_key
from settings import Settings, SettingsError, load
from tests.audit.conftest import YEARS, World
from tests.audit.pdf_pages import (
    contents,
    drawn_at,
    fonts,
    has_line,
    page_texts,
    pango_or_skip,
    starts,
)

FIRST, LAST = YEARS[0], YEARS[-1]
SYMBOL, ISSUED = "CCM/CONF/2032/WP.1", "2032-09-01"
TITLES = [title for _, title in CONTENTS]
#: a tiny catalog for the test: the title, the sections, the contents and the page numbers
CATALOGS = {
    "ar": {"Review of the intersessional programme, %(years)s": "تقرير %(years)s",
           "Contents": "المحتويات", "Page {page} of {pages}": "الصفحة {page} من {pages}",
           **dict(zip(TITLES, ["التحقق من السجل", "المنسقون",
                               "اجتماعات الدول الأطراف والمؤتمرات الاستعراضية",
                               "الاجتماعات بين الدورات", "خطط العمل والميزانيات", "الموافقات",
                               "الانحرافات", "التحالفات القطرية", "إجراءات الصمت"], strict=True))},
    "zh": {"Review of the intersessional programme, %(years)s": "闭会期间方案审议，%(years)s",
           "Contents": "目录", "Page {page} of {pages}": "第 {page} 页，共 {pages} 页",
           **dict(zip(TITLES, ["分类账核查", "协调员", "缔约国会议和审议会议", "闭会期间会议",
                               "工作计划和预算", "批准", "偏差", "国家联盟", "默许程序"],
                      strict=True))},
}


def checked_contents(pdf: Path, pages: list[str], titles: list[str]) -> dict[str, int]:
    """The table of contents on page 1 names every section, and each number is the page its
    section starts on."""
    toc = contents(pages[0], titles)
    assert list(toc) == titles
    assert all(starts(pdf, pages, title) == page for title, page in toc.items()), toc
    assert list(toc.values()) == sorted(toc.values())
    return toc


# --- the report through the CLI, in English: the PDF, the CSV files and the JSON ---

@pytest.fixture(scope="module")
def written(world: World, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    pango_or_skip()
    where = tmp_path_factory.mktemp("document")
    settings = world.copy(where / "data")
    files = {"html": where / "report.html", "pdf": where / "report.pdf",
             "csv": where / "tables", "json": where / "tables.json"}
    app = typer.Typer()
    app.command()(report)
    with pytest.MonkeyPatch.context() as env:
        for name in ("INTERSESSIONAL_LEDGER_URL", "INTERSESSIONAL_SIGNING_KEY"):
            env.delenv(name, raising=False)
        env.setenv("INTERSESSIONAL_DATA_DIR", str(settings.data_dir))
        env.setenv("INTERSESSIONAL_REPORT_SYMBOL", "CCM/MSP/2031/9")  # --symbol wins
        result = copy_context().run(CliRunner().invoke, app, [
            "--from-year", str(FIRST), "--to-year", str(LAST), "--out", str(files["html"]),
            "--pdf", str(files["pdf"]), "--symbol", SYMBOL, "--date", ISSUED, "--lang", "en",
            "--csv", str(files["csv"]), "--tables-json", str(files["json"])])
    assert result.exit_code == 0, result.output
    assert f"wrote 8 tables as CSV into {files['csv']}\n" in result.output
    assert f"wrote 8 tables as JSON into {files['json']}\n" in result.output
    return files | {"data": settings.data_dir}


def test_the_pdf_has_the_symbol_the_date_page_x_of_y_and_a_true_table_of_contents(
        written: dict[str, Path]) -> None:
    pages = page_texts(written["pdf"])
    n = len(pages)
    assert n > len(TITLES)  # a page per section at least
    assert "September 1, 2032" in pages[0]
    assert pages[0].index(SYMBOL) < pages[0].index("Contents")  # on the masthead
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {n}" in text
        if number > 1:  # the running header: the symbol and the title
            assert SYMBOL in text
            assert f"Review of the intersessional programme, {FIRST}–{LAST}" in text
    toc = checked_contents(written["pdf"], pages, TITLES)
    assert toc["Verification of the ledger"] == 2
    # A4 landscape
    assert drawn_at(written["pdf"], 1, SYMBOL)[1] == pytest.approx(841.89, abs=0.1)


def test_the_report_states_its_attestation_and_signature_coverage(
        written: dict[str, Path]) -> None:
    settings = Settings(data_dir=written["data"])
    engine = create_ledger_engine(settings.effective_ledger_url)
    verification = verify_ledger(engine, checkpoint_public_key(settings.effective_signing_key),
                                 None, published_keyring(settings.effective_attestation_key))
    engine.dispose()
    found = verification.attestations
    assert found is not None
    assert found.attested > 0
    assert found.by_engine > 0
    assert sum(found.unsigned_kinds.values()) == found.by_engine + found.before_attestations
    verification_page = " ".join(page_texts(written["pdf"])[1].split())
    assert (f"{found.attested} of {found.attested} steps taken by people are attested."
            in verification_page)
    assert (f"{found.by_engine} of {verification.events} events carry no person's attestation"
            in verification_page)
    assert "deadline reminder sent (" in verification_page
    assert (f"The checkpoint of {verification.tree_size} of {verification.events} events is "
            f"signed by key {verification.key_id}." in verification_page)


def test_the_tables_read_back_from_csv_and_json_are_the_reports(
        written: dict[str, Path], world: World) -> None:
    data = json.loads(written["json"].read_text(encoding="utf-8"))
    assert (data["symbol"], data["date"], data["from_year"], data["to_year"]) == (
        SYMBOL, ISSUED, FIRST, LAST)
    assert sorted(p.name for p in written["csv"].iterdir()) == sorted(
        f"{name}.csv" for name in data["tables"])
    for name, table in data["tables"].items():
        with (written["csv"] / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0] == table["columns"]
        assert rows[1:] == [["" if v is None else str(v) for v in row] for row in table["rows"]]
    engine = create_ledger_engine(f"sqlite:///{world.ledger_file}")
    facts = gather(report_events(Ledger(engine), FIRST, LAST), FIRST, LAST)
    engine.dispose()
    tables = {name: [dict(zip(t["columns"], row, strict=True)) for row in t["rows"]]
              for name, t in data["tables"].items()}
    assert len(tables["approvals"]) == sum(len(y.approvals) for y in facts.years)
    assert len(tables["deviations"]) == sum(len(y.deviations) for y in facts.years)
    assert len(tables["coordinators"]) == sum(len(y.held) for y in facts.years)
    for plan in tables["workplans"]:
        lines = [Decimal(line["amount"]) for line in tables["budget_lines"]
                 if line["year"] == plan["year"]]
        assert sum(lines) == Decimal(plan["total"])
    assert [a["position"] for a in tables["approvals"]] == [
        a.position for y in facts.years for a in y.approvals]


def test_the_pdf_is_typeset_without_starting_any_program(tmp_path: Path) -> None:
    """No browser: an audit hook refuses any program the typesetting would start but those
    with which Python finds the Pango library (``ctypes.util.find_library``)."""
    pango_or_skip()
    out = tmp_path / "report.pdf"
    script = """
import sys
from pathlib import Path

FIND_LIBRARY = {"ldconfig", "gcc", "cc", "ld", "objdump"}


def refuse(event, args):
    if event in ("subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn") \\
            and Path(str(args[0])).name not in FIND_LIBRARY:
        raise RuntimeError(f"started a program: {args}")


sys.addaudithook(refuse)
from audit.pdf import print_pdf

print_pdf('<h1 id=a>Report</h1><p style="break-before: page"><a href="#a">x</a></p>',
          Path(sys.argv[1]))
"""
    done = subprocess.run([sys.executable, "-c", script, str(out)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert len(page_texts(out)) == 2


# --- the document's parts, without a ledger ---

def test_the_symbol_is_checked_and_defaults_to_the_years() -> None:
    assert default_symbol(2027, 2031) == "CCM/AUDIT/2027-2031"
    assert default_symbol(2027, 2027) == "CCM/AUDIT/2027"
    made = document(2027, 2031, "CCM/MSP/2019/5", date(2032, 1, 2))
    assert (made.symbol, made.issued, made.language) == ("CCM/MSP/2019/5", date(2032, 1, 2), "en")
    for wrong in ("CCM", "ccm/msp/2019", "CCM//1", "CCM/MSP 2019", "/CCM/1"):
        with pytest.raises(ReportError, match=r"is not a document symbol"):
            document(2027, 2031, wrong)
    with pytest.raises(SettingsError, match="INTERSESSIONAL_REPORT_SYMBOL"):
        load({"INTERSESSIONAL_REPORT_SYMBOL": "a symbol"})
    assert load({"INTERSESSIONAL_REPORT_SYMBOL": SYMBOL}).report_symbol == SYMBOL


def test_page_x_of_y_becomes_css_in_the_translations_order() -> None:
    assert css_content("Page {page} of {pages}", page="counter(page)",
                       pages="counter(pages)") == '"Page " counter(page) " of " counter(pages)'
    assert css_content("{pages} 页中第 {page} 页", page="counter(page)",
                       pages="counter(pages)") == \
        'counter(pages) " 页中第 " counter(page) " 页"'
    assert css_content('a "quoted" \\ page {page}', page="counter(page)") == \
        '"a \\22 quoted\\22  \\5c  page " counter(page)'


def _verification(**attested: object) -> Verification:
    return Verification(events=27, streams=1, checkpoints=2, signatures_checked=True,
                        tree_size=27, root_hash="ab" * 32, key_id="cd" * 32,
                        taken_at="2031-12-01T10:00:00", attestations=Attestations(**attested))


def test_the_coverage_says_how_many_are_signed_and_which_kinds_are_not() -> None:
    assert coverage(_verification(attested=27)) == [
        "27 of 27 steps taken by people are attested.",
        f"The checkpoint of 27 of 27 events is signed by key {'cd' * 32}."]
    assert coverage(_verification(attested=14, by_engine=11, before_attestations=2,
                                  unsigned_kinds={"DeadlineReminderSent": 2, "CycleOpened": 9,
                                                  "WorkplanDrafted": 2}))[1:3] == [
        "13 of 27 events carry no person's attestation, of the kinds: cycle opened (9); "
        "deadline reminder sent (2); workplan drafted (2).",
        "Recorded by the engine itself: 11; by people before attestations were kept: 2."]
    unchecked = _verification(attested=1).model_copy(update={
        "attestations": None, "signatures_checked": False, "root_hash": None})
    assert coverage(unchecked) == ["Attestations were not checked: no keyring was given.",
                                   "No checkpoint is signed yet."]


# --- the same document in Arabic and Chinese ---

@pytest.fixture
def catalogs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for code, entries in CATALOGS.items():
        catalog = Catalog(locale=code)
        for source, translated in entries.items():
            catalog.add(source, translated)
        po = tmp_path / "locales" / code / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True)
        with po.open("wb") as out:
            write_po(out, catalog)
    monkeypatch.setattr(i18n, "LOCALES", tmp_path / "locales")
    i18n.catalog.cache_clear()
    yield
    i18n.catalog.cache_clear()


@pytest.mark.parametrize("code", ["ar", "zh"])
def test_the_report_in_arabic_and_chinese(code: str, catalogs: None, world: World,
                                          tmp_path: Path) -> None:
    pango_or_skip()
    engine = create_ledger_engine(f"sqlite:///{world.ledger_file}")
    verification = verify_ledger(engine, None)
    facts = gather(report_events(Ledger(engine), FIRST, LAST), FIRST, LAST)
    engine.dispose()
    with i18n.speaking(code):
        html = render(facts, verification, document(FIRST, LAST, SYMBOL, date(2032, 9, 1)))
    words = CATALOGS[code]
    assert f'<html lang="{code}" dir="{i18n.direction(code)}">' in html
    pdf = print_pdf(html, tmp_path / f"report-{code}.pdf")
    pages = page_texts(pdf)
    assert len(pages) > len(TITLES)
    assert SYMBOL in pages[0]
    assert all(SYMBOL in text for text in pages[1:])
    for number, text in enumerate(pages, 1):
        assert has_line(text, words["Page {page} of {pages}"].format(page=number,
                                                                     pages=len(pages)))
    checked_contents(pdf, pages, [words[title] for title in TITLES])
    x, width = drawn_at(pdf, 1, {"ar": "تقرير", "zh": "闭会期间方案审议"}[code])
    if code == "ar":  # right to left: the title begins in the right half of the page
        assert x > width / 2
        assert has_line(pages[0], "1 سبتمبر 2032")
    else:  # Chinese glyphs from a CJK font, laid left to right
        assert x < width / 4
        assert any("WenQuanYi" in f or "CJK" in f for f in fonts(pdf, 1))
        assert "2032年9月1日" in pages[0]
