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

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from domain.convention import Role
from scenarios.scripted import workplan
from tests.api.conftest import YEAR, Api, to_the_committee
from tests.browser import ARTIFACTS, headless

SCREENSHOT = ARTIFACTS / "dashboard.png"
WAIT = 30_000  # milliseconds for a page to show what a step recorded


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with headless() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def plan_hash(api: Api) -> str:
    """The year's work plan, with the Coordination Committee."""
    return to_the_committee(api)


def test_my_tasks_after_sign_in_link_to_where_each_is_taken(browser: Browser, api: Api,
                                                            plan_hash: str) -> None:
    """The President signs in on the front page: the steps waiting for them come first, with
    their deadlines, each a link to the page where it is taken; an auditor has none."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(api.url)
    expect(page.locator("#tasks")).to_have_count(0)  # no one signed in
    page.fill("#token", api.tokens["president"])
    page.get_by_role("button", name="Sign in").click()
    tasks = page.locator("#tasks")
    expect(tasks).to_contain_text("approving the work plan for the Coordination Committee")
    expect(tasks).to_contain_text(f"The {YEAR} cycle")
    due = api.state().calendar.committee_due  # type: ignore[union-attr]
    expect(tasks.locator('tr[data-step="approve_workplan"]')).to_contain_text(
        f"{due:%B} {due.day}, {due.year}")  # babel's English long date
    with api.client("president") as http:
        listed = http.get("/tasks").json()
    assert {(t["stream"], t["step"]) for t in listed} >= {
        (f"cycle-{YEAR}", "approve_workplan"), (f"cycle-{YEAR}", "return_workplan")}
    tasks.get_by_role("link", name="approving the work plan").click()
    expect(page).to_have_url(f"{api.url}/dashboard/{YEAR}/approve_workplan/confirm")
    expect(page.locator("#confirm-sha256")).to_have_text(plan_hash)

    auditing = browser.new_context().new_page()
    auditing.goto(api.url)
    auditing.fill("#token", api.tokens["auditor"])
    auditing.get_by_role("button", name="Sign in").click()
    expect(auditing.locator("#tasks")).to_contain_text("No step waits for you now.")
    context.close()


def test_the_president_sees_confirms_and_keeps_a_receipt(browser: Browser, api: Api,
                                                         plan_hash: str) -> None:
    """The work plan's items (mandate letters in words), budget lines, total and full hash on
    the cycle's page; the button leads to a confirmation naming the document and its SHA-256;
    only confirming records, and a receipt follows, with the attestation, as JSON too."""
    plan = workplan(YEAR + 1, "612000.00")
    chair = api.people["president"].name
    context = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
    page = context.new_page()
    page.goto(f"{api.url}/dashboard/{YEAR}")
    expect(page.locator("#phase .phase")).to_have_text("work plan and budget")
    expect(page.locator("#pending")).to_contain_text(
        "approving the work plan for the Coordination Committee")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)  # not signed in
    document = page.locator("#workplan")
    expect(document.locator("#workplan-sha256")).to_have_text(plan_hash)
    for item in plan.items:
        expect(document.locator("#workplan-items")).to_contain_text(item.title)
    expect(document).to_contain_text(
        "(i) report on its activities to each MSP")
    expect(document.locator("#workplan-total")).to_have_text(
        f"CHF{plan.total():,}")  # babel's en currency format, e.g. CHF1,062,000.00
    for line in plan.budget:
        expect(document.locator("#workplan-budget")).to_contain_text(line.label)

    page.fill("#token", api.tokens["president"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signed-in")).to_contain_text(chair)
    expect(page).to_have_url(f"{api.url}/dashboard/{YEAR}")

    # CC-5: the committee sitting today, the chair's box ticked; the members present ticked
    deciding = page.locator(f'form[action="/dashboard/{YEAR}/approve_workplan/confirm"]')
    presiding = api.people["president"].represents
    expect(deciding.locator(f'input[name="present"][value="{presiding}"]')).to_be_checked()
    sitting = api.present()
    for code in sitting:
        deciding.locator(f'input[name="present"][value="{code}"]').check()
    before = api.head()
    deciding.get_by_role("button", name="Approve").click()

    # the confirmation: nothing recorded yet; the document named with its full SHA-256
    expect(page.locator("#confirm-sha256")).to_have_text(plan_hash)
    expect(page.locator("#confirm-what")).to_contain_text(f"Work plan and budget for {YEAR + 1}")
    expect(page.locator("#workplan-items")).to_contain_text(plan.items[0].title)
    for code in sitting:  # what the person ticked, carried
        expect(page.locator(f'input[name="present"][value="{code}"]')).to_be_checked()
    assert api.head() == before
    stale = context.new_page()  # the same confirmation, left open in another tab
    stale.goto(page.url)  # GET: the chair's box only; enough under the first reading
    page.get_by_role("button", name="Confirm and record").click()

    the_receipt(page, api, before, sitting, plan_hash)

    page.goto(f"{api.url}/dashboard/{YEAR}")
    approved_row = page.locator("#timeline tr", has_text="approved the work plan")
    expect(approved_row).to_contain_text(chair)
    expect(approved_row).to_contain_text("the President")
    expect(page.locator("#phase .phase")).to_have_text("submission to the MSP")
    expect(page.get_by_role("button", name="Submit to the MSP")).to_be_visible()

    head = api.head()
    stale.get_by_role("button", name="Confirm and record").click()
    expect(stale.locator("#notice")).to_have_text(re.compile(r"^Refused: ISU-3 \(2MSP P4\.4\(h\)\)"
                                                             r": .+\.$"))
    assert [e.type for e in api.events(head) if e.role != Role.ENGINE] == []
    recorded = [(e.type, e.actor, e.role) for e in api.events() if e.type.startswith("Workplan")]
    assert recorded[-1] == ("WorkplanApprovedByCommittee", chair, "president")
    context.close()


def the_receipt(page: Page, api: Api, before: int, sitting: list[str], plan_hash: str
                ) -> None:
    """The receipt page after the approval: where the ledger recorded it, who, the hash, the
    attestation; its JSON downloaded; printable."""
    chair = api.people["president"].name
    expect(page.locator("#receipt-event-id")).to_be_visible(timeout=WAIT)
    approved = [e for e in api.events(before) if e.type == "WorkplanApprovedByCommittee"]
    assert [e.payload["present"] for e in approved] == [sitting]
    (event,) = approved
    expect(page.locator("#receipt-event-id")).to_have_text(str(event.event_id))
    expect(page.locator("#receipt-position")).to_have_text(str(event.position))
    expect(page.locator("#receipt-stream")).to_contain_text(f"cycle-{YEAR}")
    expect(page.locator("#receipt-who")).to_contain_text(chair)
    expect(page.locator("#receipt-content-hash")).to_have_text(plan_hash)
    expect(page.locator("#receipt-sentence")).to_contain_text(
        "The Coordination Committee approved the work plan")
    expect(page.locator("#attestation-signature")).not_to_be_empty()
    with page.expect_download() as downloading:
        page.locator("#receipt-json").click()
    kept = json.loads(Path(downloading.value.path()).read_text())
    assert (kept["event_id"], kept["position"], kept["hash"]) == (
        str(event.event_id), event.position, event.hash)
    assert kept["attestation"]["statement"]["step"] == "approve_workplan"
    assert kept["attestation"]["statement"]["name"] == chair
    page.emulate_media(media="print")  # printable: the site's header and links hidden
    expect(page.locator("header")).to_be_hidden()
    page.emulate_media(media="screen")
    SCREENSHOT.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)



def test_no_approval_is_recorded_from_the_dashboard_without_the_confirmation(api: Api) -> None:
    """A POST of the step without the confirmed SHA-256 (400), or with a SHA-256 other than
    the draft's now (409): one sentence, nothing recorded; the confirmed POST then records it,
    and leads to its receipt. A year of its own (twenty on: the same State presides)."""
    year = YEAR + 20
    plan = to_the_committee(api, year)
    with httpx.Client(base_url=api.url, timeout=30) as http:
        api.sign_in(http, "president")
        shown = http.get(f"/dashboard/{year}/approve_workplan/confirm")
        assert shown.status_code == 200
        assert plan in shown.text
        assert 'name="confirmed_sha256"' in shown.text
        head = api.head()
        bare = http.post(f"/dashboard/{year}/approve_workplan",
                         data={"content_hash": plan, "present": api.present(year)})
        stale = http.post(f"/dashboard/{year}/approve_workplan",
                          data={"content_hash": plan, "confirmed_sha256": "f" * 64,
                                "present": api.present(year)})
        assert (bare.status_code, stale.status_code) == (400, 409)
        assert "Not taken: a decision on the work plan is recorded only once" in bare.text
        assert f"you confirmed the work plan with SHA-256 {'f' * 64}, but the cycle now " \
               f"holds {plan}" in stale.text
        assert api.head() == head  # nothing recorded
        assert api.state(year).workplan_status == "with_committee"
        taken = http.post(f"/dashboard/{year}/approve_workplan",
                          data={"content_hash": plan, "confirmed_sha256": plan,
                                "present": api.present(year)})
        assert taken.status_code == 303, taken.text
        receipt = http.get(taken.headers["location"] + ".json")
    assert taken.headers["location"].startswith(f"/dashboard/receipts/cycle-{year}/")
    assert receipt.status_code == 200
    assert receipt.json()["type"] == "WorkplanApprovedByCommittee"
    assert receipt.json()["content_hash"] == plan
    assert api.state(year).workplan_status == "approved"


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
