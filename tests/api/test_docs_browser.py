"""The API's documentation offline, in headless Chromium (Debian's, through playwright) on a
real uvicorn server: with every request to another host aborted — the network cut, as on a
machine without one — ``/docs`` draws Swagger UI with the API's operations and ``/redoc`` draws
ReDoc, each from the files the API serves itself (``/docs-assets``, the ``fastapi-offline``
package's); no request leaves the test's own host and the Content-Security-Policy, this site
only, is violated by nothing (but ReDoc's hard-coded attempt at Redocly's logo, which it
keeps from loading). Skipped without ``/usr/bin/chromium`` unless
``INTERSESSIONAL_REQUIRE_CHROMIUM=1``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Route, expect

from tests.api.conftest import Api, engineless
from tests.browser import ARTIFACTS, headless

WAIT = 30_000  # milliseconds for a page to draw the API's document
REDOCLY_LOGO = "'https://cdn.redoc.ly/redoc/logo-mini.svg'"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with headless() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """The API alone (its documentation needs no engine), over a migrated ledger."""
    with engineless(tmp_path_factory.mktemp("docs")) as server:
        yield server


@dataclass
class Offline:
    """A page whose requests to any host but ``host`` are aborted and recorded, with what
    its console said."""

    page: Page
    host: str
    requested: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def route(self, route: Route) -> None:
        url = route.request.url
        self.requested.append(url)
        if urlsplit(url).netloc == self.host:
            route.continue_()
        else:
            self.aborted.append(url)
            route.abort("internetdisconnected")

    def said(self, message: ConsoleMessage) -> None:
        self.console.append(f"{message.type}: {message.text}")

    def violations(self) -> list[str]:
        return [m for m in self.console if "Content Security Policy" in m]


@pytest.fixture
def offline(browser: Browser, served: Api) -> Iterator[Offline]:
    context = browser.new_context()
    page = context.new_page()
    cut = Offline(page, urlsplit(served.url).netloc)
    page.route("**/*", cut.route)
    page.on("console", cut.said)
    page.on("pageerror", lambda error: cut.console.append(f"pageerror: {error}"))
    yield cut
    context.close()


def test_swagger_ui_draws_the_operations_with_the_network_cut(offline: Offline,
                                                              served: Api) -> None:
    offline.page.goto(f"{served.url}/docs")
    operation = offline.page.locator(".opblock-summary-path", has_text="/health")
    expect(operation.first).to_be_visible(timeout=WAIT)
    expect(offline.page.locator(".swagger-ui .info .title")).to_contain_text("intersessional")
    expect(offline.page.locator(".opblock-tag").first).to_be_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    offline.page.screenshot(path=str(ARTIFACTS / "docs-offline.png"))
    assert offline.aborted == []
    assert offline.violations() == [], offline.console
    paths = {urlsplit(u).path for u in offline.requested}
    assert {"/docs", "/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css",
            "/openapi.json"} <= paths


def test_redoc_draws_the_document_with_the_network_cut(offline: Offline, served: Api) -> None:
    offline.page.goto(f"{served.url}/redoc")
    expect(offline.page.locator("h1").first).to_contain_text("intersessional", timeout=WAIT)
    expect(offline.page.get_by_text("/health").first).to_be_attached(timeout=WAIT)
    ARTIFACTS.mkdir(exist_ok=True)
    offline.page.screenshot(path=str(ARTIFACTS / "redoc-offline.png"))
    assert offline.aborted == []
    # ReDoc's bundle draws Redocly's logo from its CDN, unconditionally (no option hides it):
    # the policy keeps that one image from loading — it is never requested — and ReDoc drops
    # the broken image; anything else the policy had to refuse would be a fault of ours
    assert [v for v in offline.violations() if REDOCLY_LOGO not in v] == [], offline.console
    paths = {urlsplit(u).path for u in offline.requested}
    assert {"/redoc", "/docs-assets/redoc.standalone.js", "/openapi.json"} <= paths


def test_the_cut_is_real(offline: Offline, served: Api) -> None:
    """The check above could fail: a page that asks another host is seen and refused."""
    offline.page.goto(f"{served.url}/docs")
    offline.page.evaluate("fetch('https://cdn.jsdelivr.net/npm/redoc@2').catch(() => null)")
    offline.page.wait_for_timeout(500)
    assert offline.aborted == []  # the policy refuses it before it is even requested
    assert offline.violations(), offline.console
