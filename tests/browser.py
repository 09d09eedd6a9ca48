"""Debian's Chromium for the browser tests, driven by playwright with ``executable_path`` (no
browser is downloaded). Without ``/usr/bin/chromium`` a test is skipped with the reason — unless
``INTERSESSIONAL_REQUIRE_CHROMIUM=1`` (set by ``.ci/run``), under which it fails."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def chromium_or_skip() -> Path:
    """The Chromium binary; its absence skips the test, or fails it where CI requires it."""
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("INTERSESSIONAL_REQUIRE_CHROMIUM") == "1":
            pytest.fail(f"{reason} (INTERSESSIONAL_REQUIRE_CHROMIUM=1)")
        pytest.skip(reason)
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
