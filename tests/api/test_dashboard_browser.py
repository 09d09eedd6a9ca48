"""The dashboard end to end, in headless Chromium (Debian's ``chromium`` package, driven by
playwright with ``executable_path``; no browser is downloaded) on a real uvicorn server over a
real ``intersessional dev``: the President signs in with a token, approves the pending work
plan with the members present ticked (CC-5), and sees it in the timeline under their name; a
stale page's second approval is refused in one sentence with the rule id. A screenshot is kept
in ``test-artifacts/dashboard.png``. A page of another site that frames the dashboard gets a
blank frame (``frame-ancestors``).

Without ``/usr/bin/chromium`` the test is skipped, unless ``INTERSESSIONAL_REQUIRE_CHROMIUM=1``
(CI), where it fails.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer

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

    # CC-5: the committee sitting today, the chair's box ticked; the members present ticked
    # beside it, enough for the quorum
    deciding = page.locator(f'form[action="/dashboard/{YEAR}/approve_workplan"]')
    presiding = api.people["president"].represents
    expect(deciding.locator(f'input[name="present"][value="{presiding}"]')).to_be_checked()
    sitting = api.present()
    for code in sitting:
        deciding.locator(f'input[name="present"][value="{code}"]').check()
    before = api.head()
    page.get_by_role("button", name="Approve").click()
    approved = page.locator("#timeline tr", has_text="WorkplanApprovedByCommittee")
    expect(approved).to_have_count(1, timeout=WAIT)
    assert [e.payload["present"] for e in api.events(before)
            if e.type == "WorkplanApprovedByCommittee"] == [sitting]
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



@contextmanager
def another_site(framing: str) -> Iterator[str]:
    """A page of another origin (127.0.0.1 on a port of its own) that frames ``framing``."""
    page = (f'<!doctype html><h1>Win a prize</h1><iframe id="victim" src="{framing}" '
            'width="800" height="600"></iframe>').encode()

    class Attacker(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *_: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Attacker)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


def test_the_dashboard_refuses_to_be_framed_by_another_site(browser: Browser, api: Api) -> None:
    """A page of another origin frames the dashboard (to have its approve button clicked
    through): Chromium receives the page and keeps the frame blank, saying why."""
    context = browser.new_context()
    page = context.new_page()
    said: list[str] = []
    blocked: list[str] = []
    page.on("console", lambda message: said.append(message.text))
    page.on("requestfailed", lambda request: blocked.append(f"{request.url} {request.failure}"))
    dashboard = f"{api.url}/dashboard/{YEAR}"
    with another_site(dashboard) as attacker:
        page.goto(attacker)
        expect(page.locator("h1")).to_have_text("Win a prize")
        page.wait_for_timeout(1000)  # time for the frame to show anything it would
    [framed] = [f for f in page.frames if f is not page.main_frame]
    assert framed.url.startswith("chrome-error://"), framed.url  # not the dashboard
    assert framed.locator("#token").count() == 0
    assert "intersessional" not in framed.content()
    assert blocked == [f"{dashboard} net::ERR_BLOCKED_BY_RESPONSE"]
    assert any("frame-ancestors 'none'" in line for line in said), said
    own = context.new_page()  # the same page, not framed, shows as it should
    own.goto(dashboard)
    expect(own.locator("#token")).to_be_visible()
    context.close()
