"""Ctrl-C at a question (docs/CLI.md: exit 130): ``workplan approve`` without ``--yes``, run
at a terminal — a pseudo-terminal that is the command's controlling terminal, so that the
Ctrl-C typed there reaches it as SIGINT, as a person's would — on the demo's data, whose next
year waits for the committee's approval. At the question the Ctrl-C stops it with exit 130
and nothing recorded; the same step with ``--yes`` is then recorded."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli.demo_data import COMMAND, DemoDev, engine_on, left, made_demo
from tests.e2e.conftest import INTERSESSIONAL

QUESTION = b"Record it?"
#: the child's first act: a session of its own, with the pseudo-terminal on its stdin as its
#: controlling terminal (the foreground process group the terminal's Ctrl-C signals)
CONTROLLING = ("import fcntl, os, sys, termios; os.setsid(); "
               "fcntl.ioctl(0, termios.TIOCSCTTY, 0); os.execv(sys.argv[1], sys.argv[1:])")


def at_a_terminal(dev: DemoDev, args: list[str], typed: bytes) -> tuple[int, str]:
    """``intersessional *args`` at a terminal of its own; once it asks :data:`QUESTION`,
    ``typed`` is typed there. Its exit code and what the terminal showed."""
    leader, follower = os.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", CONTROLLING, str(INTERSESSIONAL), *args],
            env={**dev.env, "COLUMNS": "120", "TERM": "dumb"},
            stdin=follower, stdout=follower, stderr=follower, close_fds=True)
    finally:
        os.close(follower)
    shown, asked = b"", False
    deadline = time.monotonic() + COMMAND
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 4096)
                except OSError:  # EIO: every process of the terminal has closed it
                    break
                if not chunk:
                    break
                shown += chunk
            if not asked and QUESTION in shown:
                os.write(leader, typed)
                asked = True
            if process.poll() is not None and not ready:
                break
        else:
            pytest.fail(f"intersessional {' '.join(args)} still running after {COMMAND:.0f} "
                        f"s at a terminal:\n{shown.decode(errors='replace')}")
        code = process.wait(timeout=COMMAND)
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()
            process.wait()
    said = shown.decode(errors="replace")
    assert asked, f"intersessional {' '.join(args)} asked nothing (exit {code}):\n{said}"
    return code, said


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return made_demo(tmp_path_factory.mktemp("interrupt"))


def test_ctrl_c_at_the_question_exits_130_and_records_nothing(data: Path) -> None:
    demo = left(data)
    with engine_on(data) as dev:
        chair = dev.add("Rosa Chair", "president", demo["PRESIDENT_STATE"])
        step = ["workplan", "approve", "--year", demo["NEXT_YEAR"], "--present",
                demo["PRESENT"], "--token", chair]
        before = dev.head()
        code, said = at_a_terminal(dev, step, b"\x03")
        assert code == 130, said
        assert "Traceback" not in said, said
        assert dev.head() == before, f"{' '.join(step)} recorded something after Ctrl-C"

        approved = json.loads(dev.cli(*step, "--yes", "--json").stdout)
        assert approved["position"] == before + 1, approved  # the next event: this step's
        recorded = {e.position: e for e in dev.stream(f"cycle-{demo['NEXT_YEAR']}")}
        taken = recorded[approved["position"]]
        assert (taken.type, taken.actor) == ("WorkplanApprovedByCommittee", "Rosa Chair")
