"""The cycle page's documents in headless Chromium (Debian's, through playwright) on a real
uvicorn server over a real ``intersessional dev``: the ISU signs in, uploads a PDF on the
cycle page, which is attached to the work plan's draft (recorded by hash), and downloads it
byte-identical from the attachment's link; a PNG named ``.pdf`` is refused in one sentence,
nothing stored, nothing recorded. Skipped without ``/usr/bin/chromium`` unless
``INTERSESSIONAL_REQUIRE_CHROMIUM=1``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FilePayload, expect

from scenarios.scripted import workplan
from tests.api.conftest import YEAR, Api
from tests.api.test_documents_http import _to_the_draft, stored
from tests.browser import ARTIFACTS, headless
from tests.documents import samples

WAIT = 30_000  # milliseconds for a page to show what a step recorded


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with headless() as chromium:
        yield chromium


def test_the_isu_uploads_an_attachment_on_the_cycle_page_and_downloads_it(
        browser: Browser, api: Api, tmp_path: Path) -> None:
    _to_the_draft(api)
    api.step("isu", "draft_workplan", {"workplan": workplan(YEAR + 1, "612000.00").model_dump(
        mode="json")})
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(f"{api.url}/dashboard/{YEAR}")
    expect(page.locator("#documents")).to_contain_text("No document is attached")
    expect(page.locator('#documents input[type="file"]')).to_have_count(0)  # not signed in
    page.fill("#token", api.tokens["isu"])
    page.get_by_role("button", name="Sign in").click()

    # a PNG named .pdf: refused by its content, nothing stored or recorded
    before, head = stored(api), api.head()
    page.set_input_files('#documents input[type="file"]', files=[FilePayload(
        name="chart.pdf", mimeType="application/pdf", buffer=samples.png())])
    page.locator("#documents").get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator("#notice")).to_contain_text("Not stored: the file's content is "
                                                    "image/png")
    assert (stored(api), api.head()) == (before, head)

    annex = samples.pdf("Annex to the work plan")
    page.goto(f"{api.url}/dashboard/{YEAR}")
    page.set_input_files('#documents input[type="file"]', files=[FilePayload(
        name="annex.pdf", mimeType="application/pdf", buffer=annex)])
    page.locator("#documents").get_by_role("button", name="Upload", exact=True).click()
    link = page.locator("#documents a.attachment", has_text="annex.pdf")
    expect(link).to_have_count(1, timeout=WAIT)
    drafted = [e for e in api.events(head) if e.type == "WorkplanDrafted"]
    assert [a["filename"] for a in drafted[-1].payload["workplan"]["attachments"]] == [
        "annex.pdf"]

    with page.expect_download() as download:
        link.click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == annex
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "documents.png"), full_page=True)
    context.close()
