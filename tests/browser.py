"""Debian's Chromium for the browser tests, driven by playwright with ``executable_path`` (no
browser is downloaded). Without ``/usr/bin/chromium`` a test is skipped with the reason — unless
``INTERSESSIONAL_REQUIRE_CHROMIUM=1`` (set by ``.ci/run``), under which it fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

from tests.absent import absent

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def chromium_or_skip() -> Path:
    """The Chromium binary; its absence skips the test, or fails it where CI requires it."""
    if not CHROMIUM.exists():
        absent(f"{CHROMIUM} is missing: apt-get install chromium", "CHROMIUM")
    return CHROMIUM


@contextmanager
def headless() -> Iterator[Browser]:
    """Headless Chromium, closed afterwards."""
    executable = chromium_or_skip()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), headless=True)
        try:
            yield browser
        finally:
            browser.close()
