"""What a test does when a server or system package it needs is absent: skipped with the
reason — unless ``.ci/run``, which installs every one of them, set
``INTERSESSIONAL_REQUIRE_<NEED>=1``: there its absence is a failure, never a skip."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest


def absent(reason: str, need: str) -> NoReturn:
    """Skip the test because of ``reason``, or fail it where CI requires ``need``
    (``POSTGRES``, ``CHROMIUM``, ``PANGO``, ``PROMETHEUS``)."""
    if os.environ.get(f"INTERSESSIONAL_REQUIRE_{need}") == "1":
        pytest.fail(f"{reason}, and INTERSESSIONAL_REQUIRE_{need}=1")
    pytest.skip(reason)
