"""Real processes: ``intersessional dev`` as a subprocess (the installed script, next to this
interpreter), driven over its Temporal port and read back from its ledger.

Each test gets its own data directory and free ports. Every wait has a deadline, and teardown
kills whatever a test left running — the dev process and its Temporal server, which share a
process group of their own — even when the test failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

import attesting
from ledger import Ledger, create_ledger_engine
from ledger.records import StoredEvent
from settings import Settings
from tests.ports import free_port

INTERSESSIONAL = Path(sys.executable).parent / "intersessional"
TASK_QUEUE = "e2e-cycles"
#: seconds for `intersessional dev` (or a server) to start. It takes 2-5; this catches a hang,
#: not a slow spell: in CI (2026-12-06, the machine at half speed) a dev process had, by all
#: its log showed, migrated its ledger and not started Temporal 30 s later (262 tests erred)
STARTUP = 120.0
#: seconds for it (or a topology's process) to exit after SIGINT or SIGTERM: a worker waits up
#: to 30 s for its activities
STOPPING = 60.0
COMMAND = 60.0  # seconds for one `intersessional …` command: a hang, not a slow spell (an
#: `audit export` took over 30 s once the shared machine ran at half speed, 2026-12-06)


def port_is_free(port: int) -> bool:
    """Nothing listens on 127.0.0.1:``port`` (connections in TIME_WAIT do not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # a process of the group exists, whoever owns it
        return True
    return True


@dataclass
class Dev:
    """One data directory and one pair of ports, and the ``intersessional dev`` processes
    started on them, one at a time (a restart reuses all three)."""

    data_dir: Path
    temporal_port: int
    ui_port: int
    api_port: int = field(default_factory=free_port)  # `dev` serves the API there too
    runs: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)
    _log: IO[bytes] | None = None

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    @property
    def settings(self) -> Settings:
        return Settings(data_dir=self.data_dir, temporal_address=self.address,
                        temporal_ui_port=self.ui_port, api_port=self.api_port,
                        task_queue=TASK_QUEUE)

    @property
    def env(self) -> dict[str, str]:
        """This environment without any INTERSESSIONAL_ setting of the developer's (a ledger
        URL or a signing key elsewhere), and with this engine's."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
        env.update(INTERSESSIONAL_DATA_DIR=str(self.data_dir),
                   INTERSESSIONAL_TEMPORAL_ADDRESS=self.address,
                   INTERSESSIONAL_TEMPORAL_UI_PORT=str(self.ui_port),
                   INTERSESSIONAL_API_PORT=str(self.api_port),
                   INTERSESSIONAL_TASK_QUEUE=TASK_QUEUE)
        return env

    @property
    def process(self) -> subprocess.Popen[bytes]:
        return self.runs[-1]

    def start(self) -> None:
        """Start ``intersessional dev`` in a session of its own, its output to a file."""
        assert not self.runs or self.process.poll() is not None, "one dev process at a time"
        log = self.data_dir.parent / f"dev-{len(self.runs) + 1}.log"
        if self._log:
            self._log.close()
        self._log = log.open("wb")
        self.logs.append(log)
        self.runs.append(subprocess.Popen([str(INTERSESSIONAL), "dev"], env=self.env,
                                          stdin=subprocess.DEVNULL, stdout=self._log,
                                          stderr=subprocess.STDOUT, start_new_session=True))

    def output(self) -> str:
        return self.logs[-1].read_text(errors="replace") if self.logs else ""

    async def client(self) -> Client:
        """A client of the running dev server, once it accepts one; fails with the process's
        output if it exits or does not answer in time. The test then steps as an entry point
        of this deployment would: its signer is the deployment's key."""
        attesting.configure(self.settings.effective_attestation_key)
        deadline = time.monotonic() + STARTUP
        while True:
            if self.process.poll() is not None:
                pytest.fail(f"intersessional dev exited with {self.process.returncode} before "
                            f"accepting a client:\n{self.output()}")
            try:
                async with asyncio.timeout(2):
                    return await Client.connect(self.address, namespace="default",
                                                data_converter=pydantic_data_converter)
            except (RuntimeError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"intersessional dev did not accept a client at {self.address} "
                                f"within {STARTUP:.0f} s:\n{self.output()}")
                await asyncio.sleep(0.1)

    def interrupt(self) -> None:
        """SIGINT to the dev process alone (not to its Temporal server: stopping that is the
        dev process's job); it exits 0."""
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=STOPPING)
        except subprocess.TimeoutExpired:
            pytest.fail(f"intersessional dev still running {STOPPING:.0f} s after SIGINT:\n"
                        f"{self.output()}")
        assert code == 0, f"intersessional dev exited with {code} on SIGINT:\n{self.output()}"

    def wait_gone(self, timeout: float = 30.0) -> bool:
        """Whether, within ``timeout``, every process the last run started has exited and its
        ports are free again."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not group_alive(self.process.pid) and all(
                    port_is_free(port) for port in (self.temporal_port, self.ui_port,
                                                    self.api_port)):
                return True
            time.sleep(0.05)
        return False

    def ready(self) -> None:
        """Wait until the worker has started — after the ledger is migrated, so that a command
        writing the database (``users add``) never races the dev process's own migration."""
        deadline = time.monotonic() + STARTUP
        while "worker_started" not in self.output():
            if self.process.poll() is not None:
                pytest.fail(f"intersessional dev exited with {self.process.returncode} before "
                            f"its worker started:\n{self.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"intersessional dev's worker did not start within {STARTUP:.0f} "
                            f"s:\n{self.output()}")
            time.sleep(0.05)

    def cli(self, *args: str, exit_code: int = 0, env: Mapping[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
        """``intersessional *args`` against this engine (``env`` added to its environment),
        which must exit with ``exit_code``; its output captured."""
        ran = subprocess.run([str(INTERSESSIONAL), *args], env={**self.env, **(env or {})},
                             capture_output=True, text=True, timeout=COMMAND, check=False)
        assert ran.returncode == exit_code, (
            f"intersessional {' '.join(args)} exited with {ran.returncode}, not "
            f"{exit_code}:\n{ran.stdout}{ran.stderr}")
        return ran

    def ledger(self) -> Ledger:
        return Ledger(create_ledger_engine(self.settings.effective_ledger_url))

    def head(self) -> int:
        """The position of the ledger's last event."""
        ledger = self.ledger()
        try:
            return ledger.head()
        finally:
            ledger.engine.dispose()

    def stream(self, stream: str) -> list[StoredEvent]:
        ledger = self.ledger()
        try:
            return ledger.read_stream(stream)
        finally:
            ledger.engine.dispose()

    def kill(self) -> None:
        """Teardown: stop a dev process still running (SIGINT, so that it stops its server),
        then kill whatever is left of every run's process group."""
        for run in self.runs:
            if run.poll() is None:
                run.send_signal(signal.SIGINT)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    run.wait(timeout=5)
            if group_alive(run.pid):
                os.killpg(run.pid, signal.SIGKILL)
            if run.poll() is None:
                run.wait(timeout=STOPPING)
        if self._log:
            self._log.close()


def _dev_in(base: Path) -> Dev:
    if not INTERSESSIONAL.exists():
        pytest.fail(f"{INTERSESSIONAL} is missing: install the project (make install)")
    return Dev(data_dir=base / "data", temporal_port=free_port(), ui_port=free_port())


@pytest.fixture
def dev(tmp_path: Path) -> Iterator[Dev]:
    """A data directory and free ports for ``intersessional dev``, not started yet. No skip
    without the installed script: `make install` provides it, and CI must run these."""
    engine = _dev_in(tmp_path)
    try:
        yield engine
    finally:
        engine.kill()


@pytest.fixture
def running(dev: Dev) -> Dev:
    """``intersessional dev`` started (a test connects with ``await dev.client()``)."""
    dev.start()
    return dev


@pytest.fixture(scope="module")
def shared_dev(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Dev]:
    """One ``intersessional dev`` for a whole test module, started and its worker ready: the
    module's tests share its engine and ledger (each in years, or with people, of its own)."""
    engine = _dev_in(tmp_path_factory.mktemp("dev"))
    try:
        engine.start()
        engine.ready()
        yield engine
    finally:
        engine.kill()


#: a rule's refusal as the CLI says it: ``refused CO-7 (2MSP P2.6): …``
REFUSAL = re.compile(r"^refused [A-Z]+-\d+ \(")


def refused(dev: Dev, *args: str, token: str | None = None, env: dict[str, str] | None = None,
            exit_code: int | None = None) -> str:
    """``intersessional *args`` says one line on stderr, nothing on stdout, and records
    nothing; that line. Its exit (docs/CLI.md): ``exit_code``, else 1 for a rule's refusal and
    2 for any other wrong input."""
    before = dev.head()
    command = [str(INTERSESSIONAL), *args, *(["--token", token] if token else [])]
    done = subprocess.run(command, env={**dev.env, **(env or {})}, capture_output=True,
                          text=True, timeout=COMMAND, check=False)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, (done.returncode, done.stdout, lines)
    assert "Traceback" not in lines[0]
    expected = exit_code if exit_code is not None else 1 if REFUSAL.match(lines[0]) else 2
    assert done.returncode == expected, (done.returncode, lines[0])
    assert done.stdout == "", done.stdout
    assert dev.head() == before, f"{' '.join(args)} recorded something"
    return lines[0]
