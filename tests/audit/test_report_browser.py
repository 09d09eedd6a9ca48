"""The report's page as a person sees it on screen, in headless Chromium (Debian's
``chromium``, driven by playwright with ``executable_path``; no browser is downloaded): the page
``audit report`` writes shows its sections and a chart with a real size, fits 1280 px without
scrolling sideways, and is kept as ``test-artifacts/audit-report.png``. (The PDF is typeset
without a browser: tests/audit/test_report_document.py.)

Without ``/usr/bin/chromium`` the tests are skipped, unless ``INTERSESSIONAL_REQUIRE_CHROMIUM=1``
(CI), where they fail.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from playwright.sync_api import Browser, expect
from typer.testing import CliRunner

from cli.audit_report import report
from tests.audit.conftest import YEARS, World
from tests.browser import ARTIFACTS, chromium_or_skip, headless

SCREENSHOT = ARTIFACTS / "audit-report.png"
WIDTH = 1280  # the report must be legible on a laptop screen of this width
SECTIONS = ("Coordinators", "Intersessional meetings", "Work plans and budgets", "Approvals",
            "Deviations", "Country coalitions", "Silence procedures")


@pytest.fixture(scope="module")
def chromium() -> Path:
    return chromium_or_skip()


@pytest.fixture(scope="module")
def written(chromium: Path, world: World, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``audit report --out …`` over a copy of the five years."""
    where = tmp_path_factory.mktemp("report")
    settings = world.copy(where / "data")
    html = where / "report.html"
    app = typer.Typer()
    app.command()(report)
    with pytest.MonkeyPatch.context() as env:
        for name in ("INTERSESSIONAL_LEDGER_URL", "INTERSESSIONAL_SIGNING_KEY"):
            env.delenv(name, raising=False)
        env.setenv("INTERSESSIONAL_DATA_DIR", str(settings.data_dir))
        result = CliRunner().invoke(app, ["--from-year", str(YEARS[0]), "--to-year",
                                          str(YEARS[-1]), "--out", str(html)])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(rf"wrote {html}: .*\n", result.output)
    return html


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with headless() as launched:
        yield launched


def test_the_page_reads_in_chromium(browser: Browser, written: Path) -> None:
    page = browser.new_page(viewport={"width": WIDTH, "height": 900})
    page.goto(written.as_uri())
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Review of the intersessional programme, {YEARS[0]}–{YEARS[-1]}")
    expect(page.locator("#verification .verdict")).to_have_text("✔ The ledger is intact")
    for section in SECTIONS:
        expect(page.get_by_role("heading", level=2, name=re.compile(f"^{section}"))
               ).to_be_visible()
    chart = page.locator("svg.budget-chart")
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] > 600
    assert box["height"] > 200
    bars = chart.locator("rect.bar")
    expect(bars).to_have_count(len(YEARS))
    for i in range(len(YEARS)):
        bar = bars.nth(i).bounding_box()
        assert bar is not None
        assert bar["width"] > 20
        assert bar["height"] > 100
    # legible at 1280 px: no table pushes the page sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.close()

