"""The report as a document in each of the UN's six languages, with the catalogs as shipped:
the title, the table of contents and "page x of y" in the language's own words, every section
where its contents line says, the symbol on every page, Arabic right to left."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

import i18n
from audit.document import document
from audit.pdf import print_pdf
from audit.report import CONTENTS, gather, render, report_events
from audit.verification import verify_ledger
from i18n.territories import state_name
from ledger import Ledger, create_ledger_engine
from tests.audit.conftest import YEARS, World
from tests.audit.pdf_pages import has_line, page_texts, pango_or_skip
from tests.audit.test_report_document import checked_contents

FIRST, LAST = YEARS[0], YEARS[-1]
SYMBOL = "CCM/CONF/2032/WP.1"


@pytest.mark.parametrize("code", list(i18n.LANGUAGES))
def test_the_report_in_each_language(code: str, world: World, tmp_path: Path) -> None:
    pango_or_skip()
    engine = create_ledger_engine(f"sqlite:///{world.ledger_file}")
    try:
        verification = verify_ledger(engine, None)
        facts = gather(report_events(Ledger(engine), FIRST, LAST), FIRST, LAST)
    finally:
        engine.dispose()
    with i18n.speaking(code):
        html = render(facts, verification, document(FIRST, LAST, SYMBOL, date(2032, 9, 1)))
        titles = [i18n._(title) for _, title in CONTENTS]
        page_of = i18n._("Page {page} of {pages}")
    assert f'<html lang="{code}" dir="{i18n.direction(code)}">' in html
    if code != "en":  # the sections' titles are the catalog's, not the English
        english = [title for _, title in CONTENTS]
        assert sum(a != b for a, b in zip(titles, english, strict=True)) == len(titles)
    pdf = print_pdf(html, tmp_path / f"report-{code}.pdf")
    pages = page_texts(pdf)
    assert len(pages) > len(titles)
    assert all(SYMBOL in text for text in pages)
    for number, text in enumerate(pages, 1):
        assert has_line(text, page_of.format(page=number, pages=len(pages))), (code, number)
    checked_contents(pdf, pages, titles)
    if code in ("ar", "zh", "ru"):  # in another script, the States by their names in it
        serving = {c.state for y in facts.years for seats in y.seats.values()
                   for c in seats.coordinators}
        with i18n.speaking(code):
            named = {state_name(iso3, facts.names[iso3]) for iso3 in serving}
        assert serving
        assert not named & set(facts.names.values())
        flat = "".join("".join(text.split()) for text in pages)  # a name may break its line
        missing = [name for name in named if "".join(name.split()) not in flat]
        assert missing == [], missing
