"""The demo's data for the command-line tests that run on it: ``intersessional demo`` run once
into a temporary root (its data in ``<root>/demo``), the values it leaves in ``demo.env``, the
installed command run as a process on that data, and ``intersessional dev`` started on it as
a reader starts it (the demo's task queue, which its cycles run on)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scenarios.demo_env import FILE
from tests.e2e.conftest import INTERSESSIONAL, Dev
from tests.ports import free_port

DEMO = 180.0  # seconds for `intersessional demo` (it takes 3-10)
COMMAND = 60.0
TOKEN = re.compile(r"token: (isx_[A-Za-z0-9_-]{43})")


def environment(data: Path, **more: str) -> dict[str, str]:
    """This environment without any ``INTERSESSIONAL_*`` of the developer's, on ``data``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
    return {**env, "INTERSESSIONAL_DATA_DIR": str(data), **more}


def ran(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(INTERSESSIONAL), *args], env=env, capture_output=True,
                          text=True, timeout=COMMAND, check=False)


def made_demo(root: Path) -> Path:
    """``intersessional demo`` with ``root`` as its data directory; the demo's data."""
    made = subprocess.run([str(INTERSESSIONAL), "demo"], env=environment(root),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=DEMO, check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    return root / "demo"


def left(data: Path) -> dict[str, str]:
    """The variables the demo wrote to ``demo.env`` ($YEAR, $NEXT_YEAR, $PRESIDENT_STATE …)."""
    found = {}
    for line in (data / FILE).read_text(encoding="utf-8").splitlines():
        if line.startswith("export "):
            name, _, value = shlex.split(line.removeprefix("export "))[0].partition("=")
            found[name] = value
    return found


class DemoDev(Dev):
    """``intersessional dev`` on the demo's data, its workflows' task queue the demo's."""

    @property
    def env(self) -> dict[str, str]:
        return {k: v for k, v in super().env.items() if k != "INTERSESSIONAL_TASK_QUEUE"}

    def add(self, name: str, role: str, state: str | None = None) -> str:
        """``users add``: the new person's token."""
        added = self.cli("users", "add", name, "--role", role,
                         *(["--state", state] if state else []))
        found = TOKEN.search(added.stdout)
        assert found, added.stdout
        return found[1]


@contextmanager
def engine_on(data: Path) -> Iterator[DemoDev]:
    """``intersessional dev`` on ``data``, its worker ready; stopped (SIGINT, every port
    free again) on leaving, and killed if that failed or the body did."""
    dev = DemoDev(data, free_port(), free_port())
    try:
        dev.start()
        dev.ready()
        yield dev
        dev.interrupt()
        assert dev.wait_gone(), f"intersessional dev left something running:\n{dev.output()}"
    finally:
        dev.kill()
