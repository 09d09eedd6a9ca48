"""The dashboard end to end, in headless Chromium (Debian's ``chromium`` package, driven by
playwright with ``executable_path``; no browser is downloaded) on a real uvicorn server over a
real ``intersessional dev``: the President signs in with a token, approves the pending work
plan, and sees it in the timeline under their name; a stale page's second approval is refused
in one sentence with the rule id. A screenshot is kept in ``test-artifacts/dashboard.png``.

Without ``/usr/bin/chromium`` the test is skipped, unless ``INTERSESSIONAL_REQUIRE_CHROMIUM=1``
(CI), where it fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from domain.convention import Role
from tests.api.conftest import YEAR, Api, to_the_committee
from tests.browser import ARTIFACTS, headless

SCREENSHOT = ARTIFACTS / "dashboard.png"
WAIT = 30_000  # milliseconds for a page to show what a step recorded


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with headless() as chromium:
        yield chromium


def test_the_president_approves_the_work_plan_from_the_dashboard(browser: Browser, api: Api
                                                                  ) -> None:
    plan_hash = to_the_committee(api)
    chair = api.people["president"].name
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{api.url}/dashboard/{YEAR}")
    expect(page.locator("#phase .phase")).to_have_text("workplan")
    expect(page.locator("#pending")).to_contain_text(
        "approving the work plan for the Coordination Committee")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)  # not signed in

    page.fill("#token", api.tokens["president"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signed-in")).to_contain_text(chair)
    expect(page).to_have_url(f"{api.url}/dashboard/{YEAR}")
    stale = context.new_page()  # the same dashboard, left open in another tab
    stale.goto(f"{api.url}/dashboard/{YEAR}")

    page.get_by_role("button", name="Approve").click()
    approved = page.locator("#timeline tr", has_text="WorkplanApprovedByCommittee")
    expect(approved).to_have_count(1, timeout=WAIT)
    expect(approved).to_contain_text(chair)
    expect(approved).to_contain_text("president")
    expect(approved).to_contain_text(f"sha256 {plan_hash[:12]}")
    expect(page.locator("#phase .phase")).to_have_text("submission")
    expect(page.get_by_role("button", name="Submit to the MSP")).to_be_visible()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    head = api.head()
    stale.get_by_role("button", name="Approve").click()
    expect(stale.locator("#notice")).to_have_text(re.compile(r"^Refused: ISU-3 \(2MSP P4\.4\(h\)\)"
                                                             r": .+\.$"))
    assert [e.type for e in api.events(head) if e.role != Role.ENGINE] == []
    recorded = [(e.type, e.actor, e.role) for e in api.events() if e.type.startswith("Workplan")]
    assert recorded[-1] == ("WorkplanApprovedByCommittee", chair, "president")
    context.close()
