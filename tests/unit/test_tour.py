"""``intersessional tour`` walks through the rules without an engine: it must run to its end,
refusing what the rules refuse (CO-7, IM-2, IM-3) and adopting the revised work plan."""

from __future__ import annotations

import os
import subprocess
import sys


def _tour(*options: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "cli", *options, "tour"], capture_output=True,
                          text=True, timeout=120, check=False, env=env)


def test_the_tour_runs_to_the_adoption() -> None:
    done = _tour()
    assert done.returncode == 0, done.stderr[-2000:]
    out = done.stdout
    for refused in ("refused CO-7 (2MSP P2.6)", "refused IM-2 (2MSP P1.1)",
                    "refused IM-3 (2MSP P1.1)"):
        assert refused in out
    assert "Adopted: work plan for 2026" in out
    assert "Traceback" not in done.stderr


def test_the_tour_speaks_french() -> None:
    done = _tour("--lang", "fr")
    assert done.returncode == 0, done.stderr[-2000:]
    assert "refusé CO-7 (2MSP P2.6)" in done.stdout
