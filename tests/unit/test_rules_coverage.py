"""docs/RULES-COVERAGE.md is current, and every required rule is named by code and by a test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "rules_coverage.py"


def test_rules_coverage_document_is_current_and_complete() -> None:
    """`make rules-coverage` has been run since the last change, and it reports no gap."""
    done = subprocess.run([sys.executable, str(SCRIPT), "--check",
                           str(ROOT / "docs" / "RULES-COVERAGE.md")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_a_gap_is_reported(tmp_path: Path) -> None:
    """The checker fails on a document that is not what the code and tests imply."""
    stale = tmp_path / "stale-coverage.md"
    stale.write_text("# Rules coverage\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(SCRIPT), "--check", str(stale)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "stale" in done.stderr
