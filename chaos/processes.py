"""The engine's processes as an operator runs them: one data directory, its ports, and the
processes started on them (each in a session of its own, so that killing its group kills its
children too), their output in files under ``logs/``.

Nothing here knows about pytest: ``make chaos`` and ``tests/chaos`` both use it, the tests
giving it their per-worker ports and directories.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter

from ledger import Ledger, create_ledger_engine
from settings import Settings

BIN = Path(sys.executable).parent
INTERSESSIONAL = BIN / "intersessional"
TEMPORAL = BIN / "temporal"
ROOT = Path(__file__).resolve().parent.parent
TASK_QUEUE = "chaos"
STARTING = 60.0  # seconds for a server or worker to come up on a busy machine
COMMAND = 180.0  # seconds for one `intersessional …` command (cross-check replays histories)


class ExperimentError(Exception):
    """An experiment cannot go on; its one-sentence reason."""


@dataclass
class Process:
    """One OS process (the leader of its own process group) and its log."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the whole group (the process and its children), and reap the leader."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)
        gone_by = time.monotonic() + 10
        while _group_alive(self.popen.pid) and time.monotonic() < gone_by:
            time.sleep(0.05)

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 30.0) -> None:
        """``sig`` to the leader alone (it stops its children), then SIGKILL to whatever of
        the group is left after ``timeout``."""
        if self.alive:
            self.popen.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        self.kill()

    def wait_for(self, text: str, timeout: float = STARTING) -> None:
        """Until ``text`` appears in the log; :class:`ExperimentError` if the process exits
        first."""
        deadline = time.monotonic() + timeout
        while text not in self.output():
            if not self.alive:
                raise ExperimentError(f"{self.name} exited with {self.popen.returncode} before "
                             f"{text!r}: {self.output()[-500:]}")
            if time.monotonic() > deadline:
                raise ExperimentError(f"{self.name} did not say {text!r} within {timeout:.0f} s")
            time.sleep(0.05)


@functools.cache
def _quiet() -> Runtime:
    """A runtime whose client keeps its retries to itself (a server down for a moment is
    the experiment, not news): errors only."""
    errors = TelemetryFilter(core_level="ERROR", other_level="ERROR")
    return Runtime(telemetry=TelemetryConfig(logging=LoggingConfig(filter=errors)))


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class Engine:
    """A data directory, its ports, the ledger (SQLite there, or ``ledger_url``) and every
    process started on them. ``port()`` gives a free port (the tests' per-worker blocks)."""

    directory: Path
    port: Callable[[], int]
    ledger_url: str | None = None
    temporal_port: int = 0
    ui_port: int = 0
    api_port: int = 0
    processes: list[Process] = field(default_factory=list)
    _ledger: Ledger | None = None

    def __post_init__(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "logs").mkdir(exist_ok=True)
        self.temporal_port = self.temporal_port or self.port()
        self.ui_port = self.ui_port or self.port()
        self.api_port = self.api_port or self.port()

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    @property
    def settings(self) -> Settings:
        return Settings(data_dir=self.data_dir, temporal_address=self.address,
                        ledger_url=self.ledger_url, task_queue=TASK_QUEUE)

    def url_for(self, application: str) -> str | None:
        """The ledger's URL as process ``application`` connects (PostgreSQL names it, so that
        a fault can pick the worker's connections out of ``pg_stat_activity``)."""
        if self.ledger_url is None:
            return None
        url = make_url(self.ledger_url).update_query_dict({"application_name": application})
        return url.render_as_string(hide_password=False)

    def env(self, application: str = "chaos-cli") -> dict[str, str]:
        """This environment without the developer's INTERSESSIONAL_ settings, with this
        engine's."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
        env.update(INTERSESSIONAL_DATA_DIR=str(self.data_dir),
                   INTERSESSIONAL_TEMPORAL_ADDRESS=self.address,
                   INTERSESSIONAL_TEMPORAL_UI_PORT=str(self.ui_port),
                   INTERSESSIONAL_API_PORT=str(self.api_port),
                   INTERSESSIONAL_WORKER_HEALTH_PORT="0",
                   INTERSESSIONAL_WORKER_METRICS_PORT="0",
                   INTERSESSIONAL_TASK_QUEUE=TASK_QUEUE)
        url = self.url_for(application)
        if url:
            env["INTERSESSIONAL_LEDGER_URL"] = url
        return env

    def start(self, name: str, argv: list[str], application: str = "chaos-cli") -> Process:
        log = self.directory / "logs" / f"{len(self.processes) + 1:03d}-{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(argv, env=self.env(application), cwd=ROOT,
                                     stdin=subprocess.DEVNULL, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def server(self) -> Process:
        """The embedded Temporal server alone (:mod:`chaos.server`), once it listens."""
        process = self.start("server", [sys.executable, "-m", "chaos.server"])
        process.wait_for("chaos server: Temporal at")
        return process

    def worker(self, wait: bool = True) -> Process:
        """``intersessional worker``; with ``wait``, once it polls its task queue."""
        process = self.start("worker", [str(INTERSESSIONAL), "worker"], "chaos-worker")
        if wait:
            process.wait_for("worker_started")
        return process

    def dev(self) -> Process:
        """``intersessional dev`` (server, worker and API), once its worker polls."""
        process = self.start("dev", [str(INTERSESSIONAL), "dev"], "chaos-worker")
        process.wait_for("worker_started")
        return process

    async def client(self, timeout: float = STARTING) -> Client:
        """A client of this engine's Temporal, once it accepts one."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                async with asyncio.timeout(5):
                    return await Client.connect(self.address, namespace="default",
                                                data_converter=pydantic_data_converter,
                                                runtime=_quiet())
            except (RuntimeError, TimeoutError) as error:
                if time.monotonic() > deadline:
                    raise ExperimentError(f"no Temporal server at {self.address}: "
                                          f"{error}") from None
                await asyncio.sleep(0.2)

    def cli(self, *args: str, timeout: float = COMMAND) -> subprocess.CompletedProcess[str]:
        """``intersessional *args`` against this engine, its output captured (any exit)."""
        return subprocess.run([str(INTERSESSIONAL), *args], env=self.env(), cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout, check=False)

    def temporal(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Temporal's own CLI (``temporal workflow …``) against this engine's server."""
        return subprocess.run([str(TEMPORAL), *args, "--address", self.address,
                               "--namespace", "default"], capture_output=True, text=True,
                              timeout=COMMAND, check=False)

    def ledger(self) -> Ledger:
        """The ledger, read by this process (its own engine, kept until :meth:`close`)."""
        if self._ledger is None:
            url = self.url_for("chaos-harness") or self.settings.effective_ledger_url
            self._ledger = Ledger(create_ledger_engine(url))
        return self._ledger

    def close(self) -> None:
        """Kill every process still running; let the ledger's connections go."""
        for process in self.processes:
            process.kill()
        if self._ledger is not None:
            self._ledger.engine.dispose()
            self._ledger = None
