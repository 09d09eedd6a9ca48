"""The production topology as real local processes, each started as its compose service is.

:class:`Topology` holds one run's pieces: a PostgreSQL database of its own for the ledger, free
ports, a task queue of its own, the log of every process under ``tmp_path``, and the processes
themselves — each in a session (process group) of its own, so that teardown kills all of them
and whatever they started, even when the test failed. Every wait has a deadline and fails with
the logs of the processes it waited on.

PostgreSQL comes from ``INTERSESSIONAL_TEST_POSTGRES_URL`` (default: the local server, see
:mod:`tests.backends`): without a reachable server the test skips with the reason, unless
``INTERSESSIONAL_REQUIRE_POSTGRES=1`` (set by ``.ci/run``), under which it fails.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from runtime.embedded import installed_binary
from settings import PREFIX, Settings, variable
from tests.backends import postgres_url, server_url, worker_database
from tests.e2e.conftest import INTERSESSIONAL, STARTUP, STOPPING, group_alive, port_is_free
from tests.ports import free_port

COMMAND = 60.0  # seconds for one one-shot command (migrate, keygen, users add, audit …)
HTTP = 60.0  # seconds for one request: a step may wait out a dead worker's sticky queue


@dataclass
class Process:
    """One long-running process of the topology and its log (stdout and stderr)."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    handle: IO[bytes]
    slot: int | None = None  # a worker's: which of the two health ports it has

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def running(self) -> bool:
        return self.popen.poll() is None

    def must_run(self, waiting_for: str) -> None:
        if not self.running():
            pytest.fail(f"{self.name} exited with {self.popen.returncode} while waiting for "
                        f"{waiting_for}:\n{self.output()}")

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = STOPPING) -> int:
        """Send ``sig`` to the process alone; its exit code, within ``timeout``."""
        self.popen.send_signal(sig)
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{self.name} still running {timeout:.0f} s after {sig.name}:\n"
                        f"{self.output()}")

    def kill(self) -> None:
        """Teardown: SIGTERM if still running, then SIGKILL to whatever is left of its group."""
        if self.running():
            self.popen.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=5)

        if group_alive(self.pid):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)
        if self.running():
            self.popen.wait(timeout=STOPPING)
        self.handle.close()


def child_environment(settings: dict[str, Any]) -> dict[str, str]:
    """This environment without any ``INTERSESSIONAL_*`` variable of the developer's (a ledger
    URL, a signing key elsewhere, the test suite's own switches), with ``settings`` — fields of
    :class:`settings.Settings` only, since a process refuses an unknown name."""
    unknown = set(settings) - set(Settings.model_fields)
    assert not unknown, f"not settings of intersessional: {sorted(unknown)}"
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(PREFIX)}
    env.update({variable(name): str(value) for name, value in settings.items()})
    return env


@dataclass
class Topology:
    """One run of the production topology: its ports, ledger, key, processes and logs."""

    base: Path
    ledger_url: str
    task_queue: str = field(default_factory=lambda: f"topology-{uuid.uuid4().hex[:12]}")
    temporal_port: int = 0
    api_port: int = 0
    processes: list[Process] = field(default_factory=list)
    commands: int = 0

    def __post_init__(self) -> None:
        # Temporal, the API, one health port per worker (four different ports)
        self.temporal_port, self.api_port, *self._health_ports = (free_port() for _ in range(4))
        (self.base / "logs").mkdir(parents=True, exist_ok=True)

    @property
    def temporal_address(self) -> str:
        return f"127.0.0.1:{self.temporal_port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def signing_key(self) -> Path:
        return self.base / "signing-key.pem"

    def settings(self, name: str, **more: Any) -> dict[str, Any]:
        """What every process of the topology is given (compose's shared environment), with
        a data directory of its own and ``more``."""
        return {"temporal_address": self.temporal_address, "temporal_namespace": "default",
                "ledger_url": self.ledger_url, "signing_key": self.signing_key,
                "task_queue": self.task_queue, "data_dir": self.base / "data" / name,
                "log_format": "json", **more}

    def _log(self, name: str) -> tuple[Path, IO[bytes]]:
        log = self.base / "logs" / f"{name}.log"
        return log, log.open("wb")

    def spawn(self, name: str, args: Sequence[str], env: dict[str, str],
              slot: int | None = None) -> Process:
        """Start ``args`` in a session of its own, its output to ``logs/<name>.log``."""
        log, handle = self._log(name)
        popen = subprocess.Popen(list(args), env=env, stdin=subprocess.DEVNULL, stdout=handle,
                                 stderr=subprocess.STDOUT, start_new_session=True)
        process = Process(name, popen, log, handle, slot)
        self.processes.append(process)
        return process

    def run(self, *args: str, exit_code: int = 0, timeout: float = COMMAND
            ) -> subprocess.CompletedProcess[str]:
        """``intersessional *args`` as a one-shot process with the topology's settings, which
        must exit with ``exit_code``; its output captured and kept under ``logs/``."""
        self.commands += 1
        env = child_environment(self.settings(f"command-{self.commands}"))
        try:
            ran = subprocess.run([str(INTERSESSIONAL), *args], env=env, capture_output=True,
                                 text=True, timeout=timeout, check=False,
                                 stdin=subprocess.DEVNULL, start_new_session=True)
        except subprocess.TimeoutExpired as expired:
            pytest.fail(f"intersessional {' '.join(args)} did not exit within {timeout:.0f} "
                        f"s:\n{expired.stdout!r}{expired.stderr!r}")
        words = "-".join(re.sub(r"\W+", "_", a) for a in args[:2])
        (self.base / "logs" / f"command-{self.commands:02d}-{words}.log").write_text(
            ran.stdout + ran.stderr)
        assert ran.returncode == exit_code, (
            f"intersessional {' '.join(args)} exited with {ran.returncode}, not {exit_code}:"
            f"\n{ran.stdout}{ran.stderr}")
        return ran

    # -- the services ----------------------------------------------------------------------

    def start_temporal(self, metrics_port: int | None = None) -> Process:
        """``temporal server start-dev`` on its own SQLite file (compose's ``temporal``),
        serving its metrics on ``metrics_port`` if given."""
        env = child_environment({})
        metrics = ["--metrics-port", str(metrics_port)] if metrics_port else []
        return self.spawn("temporal", [
            str(installed_binary("temporal")), "server", "start-dev",
            "--db-filename", str(self.base / "temporal.sqlite3"),
            "--ip", "127.0.0.1", "--port", str(self.temporal_port), "--headless",
            "--namespace", "default", "--log-level", "warn", *metrics], env)

    def wait_temporal(self, temporal: Process) -> None:
        """Until the frontend answers ``operator cluster health`` with SERVING."""
        deadline = time.monotonic() + STARTUP
        while True:
            temporal.must_run("Temporal to serve")
            with contextlib.suppress(subprocess.TimeoutExpired):
                health = subprocess.run(
                    [str(installed_binary("temporal")), "operator", "cluster", "health",
                     "--address", self.temporal_address, "--namespace", "default"],
                    env=child_environment({}), capture_output=True, text=True, timeout=5,
                    check=False, stdin=subprocess.DEVNULL)
                if health.returncode == 0 and "SERVING" in health.stdout:
                    return
            if time.monotonic() > deadline:
                pytest.fail(f"Temporal did not serve at {self.temporal_address} within "
                            f"{STARTUP:.0f} s:\n{temporal.output()}")
            time.sleep(0.2)

    def start_worker(self, name: str, slot: int, metrics_port: int = 0) -> Process:
        """``intersessional worker`` (compose's ``worker``), the health port of ``slot``
        (0 or 1): a restarted worker keeps its slot's port; its metrics on ``metrics_port``
        (0: none)."""
        port = self._health_ports[slot]
        deadline = time.monotonic() + STARTUP
        while not port_is_free(port):  # a killed predecessor's socket may linger a moment
            if time.monotonic() > deadline:
                pytest.fail(f"port {port} still taken {STARTUP:.0f} s later")
            time.sleep(0.05)
        # no metrics endpoint unless asked: two workers on one host cannot share the default
        env = child_environment(self.settings(name, worker_health_port=port,
                                              worker_metrics_port=metrics_port))
        return self.spawn(name, [str(INTERSESSIONAL), "worker"], env, slot=slot)

    def health_port(self, worker: Process) -> int:
        assert worker.slot is not None, f"{worker.name} is not a worker"
        return self._health_ports[worker.slot]

    def wait_worker(self, worker: Process) -> str:
        """Until the worker's ``GET /health`` answers 200 with JSON — or, from a worker that
        serves no health endpoint (nothing listens on its port), its ``worker_started`` log
        line; which of the two said it."""
        deadline = time.monotonic() + STARTUP
        while True:
            worker.must_run("it to poll")
            try:
                answer = httpx.get(f"http://127.0.0.1:{self.health_port(worker)}/health",
                                   timeout=2)
                if answer.status_code == 200 and answer.json().get("worker") == "polling":
                    return "health"
            except httpx.ConnectError:
                # TODO: drop this fallback once every worker answers GET /health
                if "worker_started" in worker.output():
                    return "log"
            except (httpx.TransportError, ValueError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"{worker.name} did not poll within {STARTUP:.0f} s:\n"
                            f"{worker.output()}")
            time.sleep(0.1)

    def start_api(self, **more: Any) -> Process:
        """``intersessional api`` (compose's ``api``), with the settings ``more`` besides."""
        # lead times other than the defaults: the API opens 2027 with them, the engine carries
        # them to the years it opens
        env = child_environment(self.settings("api", api_host="127.0.0.1",
                                              api_port=self.api_port, committee_weeks=4,
                                              reminder_days=10, **more))
        return self.spawn("api", [str(INTERSESSIONAL), "api"], env)

    def wait_api(self, api: Process) -> None:
        """Until ``GET /health`` answers 200 (Temporal and the ledger answer it)."""
        deadline = time.monotonic() + STARTUP
        while True:
            api.must_run("GET /health")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200:
                    return
            if time.monotonic() > deadline:
                pytest.fail(f"the API did not answer /health within {STARTUP:.0f} s:\n"
                            f"{api.output()}")
            time.sleep(0.1)

    def register(self, name: str, role: str, represents: str | None = None) -> str:
        """``intersessional users add``: the new person's token."""
        ran = self.run("users", "add", name, "--role", role,
                       *(["--state", represents] if represents else []))
        found = re.search(r"token: (\S+)", ran.stdout)
        assert found, ran.stdout
        return found.group(1)

    def logs(self) -> dict[str, str]:
        """Every log under ``logs/``, by file name."""
        return {p.name: p.read_text(errors="replace")
                for p in sorted((self.base / "logs").iterdir())}

    def kill(self) -> None:
        """Teardown: the API and the workers first, Temporal last; every group gone."""
        for process in reversed(self.processes):
            with contextlib.suppress(Exception):
                process.kill()


@contextlib.contextmanager
def ledger_database() -> Iterator[str]:
    """The URL of a PostgreSQL database of this run's own (named after the xdist worker too),
    empty (``ledger-migrate`` creates the schema), dropped afterwards."""
    postgres_url()  # skips, or fails under INTERSESSIONAL_REQUIRE_POSTGRES=1, without a server
    name = f"{worker_database('topology')}_{uuid.uuid4().hex[:12]}"
    server = server_url()
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def topology_at(base: Path, ledger_url: str) -> Iterator[Topology]:
    """The ports, ledger and log directory of one run under ``base``, nothing started yet;
    on leaving, every process started in it is killed, whatever happened."""
    if not INTERSESSIONAL.exists():
        pytest.fail(f"{INTERSESSIONAL} is missing: install the project (make install)")
    run = Topology(base=base, ledger_url=ledger_url)
    try:
        yield run
    finally:
        run.kill()


@pytest.fixture
def postgres_ledger() -> Iterator[str]:
    """:func:`ledger_database`, for one test."""
    with ledger_database() as url:
        yield url


@pytest.fixture
def topology(tmp_path: Path, postgres_ledger: str) -> Iterator[Topology]:
    """:func:`topology_at`, for one test: its processes killed when it ends, even failed."""
    with topology_at(tmp_path, postgres_ledger) as run:
        yield run
