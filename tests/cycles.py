"""A year's cycle through the one step client (``stepping.client``), by year: what the tests
of the annual cycle say over and over, said once."""

from __future__ import annotations

from temporalio.client import Client

from contracts import cycle_id
from domain.kinds import CYCLE
from domain.procedure import PendingStep
from domain.state import CycleState
from scenarios.scripted import open_cycle, take_step
from stepping import client as engine


async def cycle_state(client: Client, year: int) -> CycleState:
    state: CycleState = await engine.state(client, CYCLE, cycle_id(year))
    return state


async def pending(client: Client, year: int) -> list[PendingStep]:
    return await engine.pending(client, cycle_id(year))


__all__ = ["cycle_state", "open_cycle", "pending", "take_step"]
