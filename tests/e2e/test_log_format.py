"""The logs of ``intersessional dev`` as structlog's standard switch writes them (the default
``INTERSESSIONAL_LOG_FORMAT=auto``): coloured console lines when stderr is a terminal — here a
pseudo-terminal the test holds — and one JSON object per line when it is a pipe. The worker's
own lines, uvicorn's and alembic's (standard-library loggers) go through the same renderer in
both."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pty
import re
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

from runtime.observability import rendering
from tests.e2e.conftest import INTERSESSIONAL, STARTUP, STOPPING, Dev, group_alive
from tests.ports import free_port

#: the escape sequences of the console renderer's colours
ANSI = re.compile(r"\x1b\[[0-9;]*m")
#: a console line: ISO time, the level in brackets, the event (structlog.dev.ConsoleRenderer)
CONSOLE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z \[(\w+)\s*\] (.+)$")


def _dev(tmp_path: Path) -> Dev:
    return Dev(data_dir=tmp_path / "data", temporal_port=free_port(), ui_port=free_port())


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOPPING)
    if group_alive(process.pid):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _read_until(fd: int, text: str, process: subprocess.Popen[bytes]) -> str:
    """What the terminal ``fd`` shows until ``text`` appears (or the process ends)."""
    shown = b""
    deadline = time.monotonic() + STARTUP
    while text.encode() not in shown:
        assert time.monotonic() < deadline, shown.decode(errors="replace")
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: every holder of the terminal has gone
                break
            shown += chunk
        elif process.poll() is not None:
            break
    return shown.decode(errors="replace")


def test_on_a_terminal_the_logs_are_console_lines(tmp_path: Path) -> None:
    dev = _dev(tmp_path)
    dev.data_dir.mkdir(parents=True)
    controller, terminal = pty.openpty()
    process = subprocess.Popen([str(INTERSESSIONAL), "dev"], env=dev.env,
                               stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal,
                               start_new_session=True)
    os.close(terminal)
    try:
        shown = _read_until(controller, "Uvicorn running", process)  # after the others
    finally:
        _stop(process)
        os.close(controller)
    assert "\x1b[" in shown  # coloured for the person at the terminal
    lines = [ANSI.sub("", line).rstrip() for line in shown.splitlines()]
    logged = [m for m in map(CONSOLE.match, lines) if m]
    events = " ".join(m.group(2) for m in logged)
    assert "worker_started" in events  # the worker's structlog line
    assert "Running upgrade" in events
    assert "alembic.runtime.migration" in events
    assert "Application startup complete" in events
    assert "uvicorn.error" in events
    assert {m.group(1) for m in logged} == {"info"}
    assert not [line for line in lines if line.startswith('{"')], shown  # no JSON line


def test_through_a_pipe_every_log_line_is_a_json_object(tmp_path: Path) -> None:
    dev = _dev(tmp_path)
    dev.data_dir.mkdir(parents=True)
    errors = tmp_path / "stderr"
    with errors.open("wb") as sink:
        process = subprocess.Popen([str(INTERSESSIONAL), "dev"], env=dev.env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=sink, start_new_session=True)
        try:
            deadline = time.monotonic() + STARTUP
            while "Application startup complete" not in errors.read_text(errors="replace"):
                assert process.poll() is None, errors.read_text(errors="replace")
                assert time.monotonic() < deadline, errors.read_text(errors="replace")
                time.sleep(0.1)
        finally:
            _stop(process)
    lines = errors.read_text().splitlines()
    objects = [json.loads(line) for line in lines]  # every line: one JSON object
    assert all(isinstance(o, dict) for o in objects)
    # ours (structlog's, the standard library's through it) and the embedded Temporal
    # server's own (Go's slog, "msg"), each a JSON object
    entries = [o for o in objects if "event" in o]
    assert all({"level", "timestamp"} <= set(e) for e in entries)
    assert all({"msg", "level", "time"} <= set(o) for o in objects if "event" not in o)
    assert "worker_started" in [e["event"] for e in entries]
    assert {"alembic.runtime.migration", "uvicorn.error", "temporalio.worker._worker"} <= {
        e.get("logger") for e in entries}
    assert "\x1b[" not in "\n".join(e["event"] for e in entries)


@pytest.mark.parametrize(("form", "terminal", "expected"), [
    ("auto", True, "console"), ("auto", False, "json"), ("json", True, "json"),
    ("console", False, "console")])
def test_a_format_set_is_forced(form: str, terminal: bool, expected: str) -> None:
    controller, held = pty.openpty()
    try:
        with open(held, "w", closefd=False) as tty:
            assert rendering(form, tty if terminal else io.StringIO()) == expected
    finally:
        os.close(controller)
        os.close(held)
