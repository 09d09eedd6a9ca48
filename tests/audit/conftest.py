"""Five simulated years (``simulation.five_years``) under the time-skipping server, once per
test session: the ledger they leave (SQLite, in the session's data directory, with its signing
key) and the Temporal server still holding their histories — the cycles', the coalition's and
the two silence procedures'. Tests that tamper take a copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from attesting import keyring_path
from audit.engine import fetch_histories
from contracts import cycle_id
from ledger import Ledger, create_ledger_engine
from ledger.checkpoints import public_key_path
from ledger.schema import attestations, checkpoints, events, ledger_head
from runtime.embedded import installed_binary
from scenarios.simulation import ADOPTED, COALITION, WITHDRAWN, five_years
from settings import Settings
from tests.backends import ledger_database
from tests.ports import free_port
from worker import cycle_activities, cycle_worker, open_ledger
from workflows.cycle import AnnualCycleWorkflow

YEARS = (2027, 2028, 2029, 2030, 2031)
#: the coalition and the silence procedures beside the cycles (streams and workflow ids)
PROCESSES = (COALITION, ADOPTED, WITHDRAWN)


@dataclass(frozen=True)
class World:
    """What the five years left: the settings (data directory, ledger, key) and the server."""

    env: WorkflowEnvironment
    settings: Settings
    task_queue: str

    @property
    def client(self) -> Client:
        return self.env.client

    @property
    def ledger_file(self) -> Path:
        return self.settings.data_dir / "ledger.sqlite3"

    @property
    def public_key(self) -> Path:
        key = self.settings.effective_signing_key
        return public_key_path(key)

    def copy(self, into: Path) -> Settings:
        """Settings for a copy of the ledger and key in ``into`` (to tamper with)."""
        into.mkdir(parents=True, exist_ok=True)
        key = self.settings.effective_signing_key
        for source in (self.ledger_file, key, self.public_key,
                       keyring_path(self.settings.effective_attestation_key)):
            shutil.copy(source, into / source.name)
        return Settings(data_dir=into)


@pytest.fixture(scope="session")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=str(installed_binary("temporal-test-server")),
        port=free_port())
    settings = Settings(data_dir=tmp_path_factory.mktemp("five-years"))
    ledger, queue = open_ledger(settings), f"audit-{uuid.uuid4()}"

    async def wait_until(moment):  # type: ignore[no-untyped-def]
        await env.sleep(moment - await env.get_current_time())

    with ThreadPoolExecutor(max_workers=4) as executor:
        async with cycle_worker(env.client, queue, cycle_activities(ledger, settings),
                                executor, 4):
            assert await five_years(env.client, queue, wait_until) == list(YEARS)
            # 2031's close opened 2032: wait until its opening is recorded, so the world
            # holds the same events whenever the worker stops
            await env.client.get_workflow_handle(cycle_id(YEARS[-1] + 1)).execute_update(
                AnnualCycleWorkflow.wait_opened)
    ledger.engine.dispose()
    yield World(env=env, settings=settings, task_queue=queue)
    await env.shutdown()


@pytest.fixture
def world_copy(world: World, tmp_path: Path) -> Settings:
    """Settings for a copy of the five years' ledger, which the test may tamper with."""
    return world.copy(tmp_path / "copy")


def copy_ledger(source: Engine, target: Engine) -> None:
    """Every row of ``source``'s ledger into the empty, migrated ``target``."""
    with source.connect() as read, target.begin() as write:
        for table in (events, checkpoints, attestations):
            rows = [r._asdict() for r in read.execute(select(table))]
            if rows:
                write.execute(insert(table), rows)
        head = read.execute(select(ledger_head.c.position)).scalar_one()
        write.execute(ledger_head.update().values(position=head))


@pytest.fixture(params=["sqlite", "postgresql"])
def five_years_ledger(request: pytest.FixtureRequest, world: World, tmp_path: Path
                      ) -> Iterator[Ledger]:
    """The five years' ledger copied onto each backend (PostgreSQL: a schema of its own)."""
    source = create_ledger_engine(f"sqlite:///{world.ledger_file}")
    with ledger_database(request.param, tmp_path) as target:
        copy_ledger(source, target)
        source.dispose()
        yield Ledger(target)


INTERSESSIONAL = Path(sys.executable).parent / "intersessional"


def audit_cli(settings: Settings, *args: str, address: str | None = None
              ) -> subprocess.CompletedProcess[str]:
    """``intersessional audit …`` as a person runs it, on the ledger of ``settings`` (and the
    Temporal server at ``address``), without the developer's own INTERSESSIONAL_ settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
    env["INTERSESSIONAL_DATA_DIR"] = str(settings.data_dir)
    if address:
        env["INTERSESSIONAL_TEMPORAL_ADDRESS"] = address
    return subprocess.run([str(INTERSESSIONAL), "audit", *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


@pytest.fixture(scope="session")
async def histories(world: World) -> list[WorkflowHistory]:
    """The five years' workflow histories — the cycles', then the coalition's and the silence
    procedures' — fetched once from the server that ran them."""
    found, missing = await fetch_histories(world.client,
                                           [cycle_id(y) for y in YEARS] + list(PROCESSES))
    assert not missing
    assert [h.workflow_id for h in found] == [cycle_id(y) for y in YEARS] + list(PROCESSES)
    return found
