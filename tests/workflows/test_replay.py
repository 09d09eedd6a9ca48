"""Replays: today's workflows must replay the histories they make, and the golden histories
committed under tests/histories/, without non-determinism. A change that would break a
running cycle fails here; an intended one goes behind ``workflow.patched``."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from contracts import cycle_id
from domain.state import CycleState
from ledger.records import Receipt
from scenarios.scripted import run_year
from tests.workflows.conftest import Engine
from workflows.registered import WORKFLOWS

HISTORIES = sorted((Path(__file__).parents[1] / "histories").glob("*.json"))
REPLAYER = Replayer(workflows=list(WORKFLOWS), data_converter=pydantic_data_converter)


def test_the_golden_histories_are_there() -> None:
    names = {p.name.split(".")[0] for p in HISTORIES}
    assert {"year-with-return", "year-with-missed-deadlines", "scheduled-opening",
            "coalition-life", "silence-adopted", "silence-broken-withdrawn",
            "silence-recirculated-adopted", "year-with-notices"} <= names


@pytest.mark.parametrize("path", HISTORIES, ids=lambda p: p.name)
async def test_a_golden_history_replays(path: Path) -> None:
    workflow_id = path.name.split(".")[1]  # <scenario>.<workflow id>.json
    history = WorkflowHistory.from_json(workflow_id, path.read_text())
    result = await REPLAYER.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None, f"{path.name}: {result.replay_failure}"


async def test_the_histories_of_a_year_replay_at_every_step(engine: Engine) -> None:
    """The history as it stood after each step replays (a worker picking the cycle up there)."""
    handle = engine.client.get_workflow_handle(cycle_id(2027))
    replayed: list[int] = []

    async def replay(name: str, receipt: Receipt, state: CycleState) -> None:
        history = await handle.fetch_history()
        await REPLAYER.replay_workflow(history)  # raises on non-determinism
        replayed.append(len(history.events))

    await run_year(engine.client, 2027, engine.task_queue, step=replay)
    await handle.result()
    await REPLAYER.replay_workflow(await handle.fetch_history())
    assert len(replayed) == 13  # every person-step; the engine closes the year itself
    assert replayed == sorted(replayed)
