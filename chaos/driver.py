"""The people of one year, robust to a failing engine: the ledger says which steps are taken.

``scenarios.scripted.run_year`` takes each step once and gives up on the first error. Here each
year's plan is a list of steps, each with the event it records; before every attempt the
driver reads the year's stream from the ledger (the authority) and takes the first step whose
event is not there yet — so after an RPC error, a timeout or a refusal it re-reads and only
ever retries a step not yet recorded. A refusal after such a retry ("already done") is no
error of the engine's; every failure is kept as the year's last error, which is what a wedged
year reports. Driven years are :data:`SPACING` apart, as ``bench/cycle.py`` explains: closing
year Y opens Y + 1 by itself, which no other driven year may collide with.
"""

from __future__ import annotations

import asyncio
import functools
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from pydantic import BaseModel
from temporalio.client import Client

from attesting import Signer
from chaos.processes import TASK_QUEUE, Engine
from contracts import cycle_id
from domain import commands as c
from domain.convention import Actor, shipped_registry
from domain.cycle import fold
from domain.events import parse_event
from domain.kinds import CYCLE
from domain.state import CycleState
from ledger.records import StoredEvent
from reading.streams import state_of
from scenarios.scripted import (
    ISU,
    election,
    first_presidency,
    meeting,
    present,
    presidency,
    president,
    workplan,
)
from stepping import client as stepping

FIRST_YEAR = 2101  # far enough ahead that no deadline of any year falls during a run
SPACING = 3
STEP_TIMEOUT = 15.0  # seconds an update may take before the driver re-reads and retries
PAUSE = 0.5  # seconds between attempts after a failure
ENGINE_ONLY = frozenset({"DeadlineReminderSent", "DeadlineMissed"})


def years(n: int) -> list[int]:
    return [FIRST_YEAR + SPACING * i for i in range(n)]


@dataclass(frozen=True)
class Planned:
    """A step, the event it records, and its command given the year's state in the ledger."""

    step: str
    event: str
    command: Callable[[CycleState], BaseModel]


def _always(command: BaseModel) -> Callable[[CycleState], BaseModel]:
    """A step whose command does not depend on the year's state."""
    return lambda _: command


def _committee(decision: type[c.ApproveWorkplan | c.ReturnWorkplan], chair: Actor,
               content_hash: str, **more: str) -> Callable[[CycleState], BaseModel]:
    """The committee's decision, its chair recording the members present on the day it is
    sent (CC-5): the engine judges a step on its own clock, the wall clock's date here."""
    return lambda state: decision(actor=chair, content_hash=content_hash,
                                  present=present(state, datetime.now(UTC).date()), **more)


def plan(year: int, returns: int = 1) -> list[Planned]:
    """The year of ``scripted.run_year``: opened (the presidency in office carried in),
    coordinators elected, president designated, meeting convened and held, the work plan
    drafted and submitted ``returns + 1`` times (returned in between), approved, sent to the
    MSP and adopted."""
    chair, registry = president(year), shipped_registry()

    def cal(state: CycleState) -> tuple[date, date]:
        assert state.calendar is not None
        return state.calendar.opening_msp, state.calendar.closing_msp

    steps = [
        Planned("open_cycle", "CycleOpened", _always(c.OpenCycle(
            year=year, actor=ISU, carried_presidencies=(first_presidency(year),)))),
        Planned("elect_coordinators", "CoordinatorsElected", lambda s: c.ElectCoordinators(
            actor=chair, election=election(year, s, registry))),
        Planned("designate_president", "PresidentDesignated", lambda s: c.DesignatePresident(
            actor=chair, presidency=presidency(year, *cal(s)))),
        Planned("convene_meeting", "IntersessionalMeetingConvened",
                _always(c.ConveneMeeting(actor=chair, meeting=meeting(year)))),
        Planned("hold_meeting", "IntersessionalMeetingHeld",
                _always(c.HoldMeeting(actor=ISU, records_reference=f"ISU/{year}/IM")))]
    for attempt in range(returns + 1):
        plan_ = workplan(year + 1, str(612000 - 7000 * attempt) + ".00")
        h = plan_.content_hash()
        steps += [Planned("draft_workplan", "WorkplanDrafted", _always(
                      c.DraftWorkplan(actor=ISU, workplan=plan_))),
                  Planned("submit_workplan_to_committee", "WorkplanSubmittedToCommittee",
                          _always(c.SubmitWorkplanToCommittee(actor=ISU, content_hash=h)))]
        if attempt < returns:
            steps.append(Planned("return_workplan", "WorkplanReturnedForRevision", _committee(
                c.ReturnWorkplan, chair, h, reasons="staff costs above the previous level")))
    steps += [Planned("approve_workplan", "WorkplanApprovedByCommittee",
                      _committee(c.ApproveWorkplan, chair, h)),
              Planned("send_workplan_to_msp", "WorkplanSubmittedToMSP",
                      _always(c.SendWorkplanToMSP(actor=chair, content_hash=h))),
              Planned("adopt_workplan", "WorkplanAdoptedByMSP",
                      _always(c.AdoptWorkplan(actor=chair, content_hash=h)))]
    return steps


def expected(steps: list[Planned]) -> Counter[str]:
    """The events a year driven by ``steps`` records, by type: one per step, and its close."""
    return Counter([s.event for s in steps] + ["CycleClosed"])


def next_step(steps: list[Planned], recorded: list[StoredEvent]) -> Planned | None:
    """The first step whose event the stream lacks (the n-th draft needs n drafts)."""
    have, seen = Counter(e.type for e in recorded), Counter[str]()
    for s in steps:
        seen[s.event] += 1
        if have[s.event] < seen[s.event]:
            return s
    return None


def describe(error: BaseException) -> str:
    """An error and its causes, one line: ``Type: message ← Cause: message``."""
    parts, seen = [], 0
    current: BaseException | None = error
    while current is not None and seen < 4:
        message = str(current).splitlines()[0][:160] if str(current) else ""
        kind = getattr(current, "type", None) or type(current).__name__
        parts.append(f"{kind}: {message}" if message else str(kind))
        current, seen = current.__cause__, seen + 1
    return " ← ".join(parts)


@dataclass
class Until:
    """When the drivers give up (``time.monotonic()``); an experiment may bring it forward."""

    at: float
    #: give up sooner when the ledger records nothing for this many seconds (no year at a gate)
    stall: float | None = None
    #: why the drivers gave up, once they have: the time was up, or the ledger stood still
    why: str = "the time was up"

    @classmethod
    def after(cls, seconds: float, stall: float | None = None) -> Until:
        return cls(time.monotonic() + seconds, stall)

    @property
    def passed(self) -> bool:
        return time.monotonic() >= self.at


@dataclass
class Link:
    """The client the drivers use; an experiment replaces it after restarting Temporal."""

    client: Client


@dataclass
class Year:
    """One driven year: its plan, its progress and what went wrong last."""

    year: int
    steps: list[Planned]
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    sent: int = 0
    errors: int = 0
    last_error: str = ""
    waiting_at: str | None = None
    done: bool = False
    #: why the driver gave up on the year ('' while it drives, or once the year is done)
    gave_up: str = ""
    #: seconds a person takes between two steps, on average (0: at once)
    think: float = 0.0

    async def recorded(self, engine: Engine, year: int | None = None) -> list[StoredEvent]:
        stream = cycle_id(self.year if year is None else year)
        return await asyncio.to_thread(engine.ledger().read_stream, stream)

    def failed(self, step: str, error: BaseException) -> None:
        self.errors += 1
        self.last_error = f"{step}: {describe(error)}"

    async def drive(self, engine: Engine, link: Link, until: Until) -> None:
        """Every step, then until the engine has closed the year and opened the next."""
        while not until.passed:
            recorded = await self.recorded(engine)
            step = next_step(self.steps, recorded)
            if step is None:
                break
            if step.step in self.gates:
                self.waiting_at = step.step
                await self.gates.pop(step.step).wait()
                self.waiting_at = None
                continue  # read the ledger again: the gate may have been long
            state = fold(parse_event(e.payload) for e in recorded)
            await self.take(step, state, link, engine)
            if self.think:
                await asyncio.sleep(random.uniform(0, 2 * self.think))
        while not until.passed:
            closed = any(e.type == "CycleClosed" for e in await self.recorded(engine))
            if closed and await self.recorded(engine, self.year + 1):
                self.done = True
                return
            await asyncio.sleep(PAUSE)
        self.gave_up = until.why

    async def take(self, step: Planned, state: CycleState, link: Link, engine: Engine) -> None:
        command, self.sent = step.command(state), self.sent + 1
        # as the API and the CLI do: the ledger's word on the stream, so that a workflow
        # behind it (a step its lost workflow task recorded) catches up instead of refusing
        recorded = functools.partial(state_of, engine.ledger())
        # and attested as they attest it, with the deployment's attestation key
        signer = Signer.of(engine.settings.effective_attestation_key)
        try:
            async with asyncio.timeout(STEP_TIMEOUT):
                if step.step == "open_cycle":
                    await stepping.begin(link.client, CYCLE, command, TASK_QUEUE,
                                         recorded=recorded, signer=signer)
                else:
                    await stepping.take(link.client, CYCLE, cycle_id(self.year), command,
                                        recorded=recorded, signer=signer)
        except Exception as error: # every failure is re-read, kept, retried
            self.failed(step.step, error)
            await asyncio.sleep(PAUSE)


def driven(n: int, gates: dict[str, asyncio.Event] | None = None, think: float = 0.0
           ) -> list[Year]:
    return [Year(y, plan(y), dict(gates or {}), think=think) for y in years(n)]


async def drive_all(engine: Engine, link: Link, ys: list[Year], until: Until) -> None:
    """Every year at once (and, with ``until.stall``, a watch on the ledger's head)."""
    watching = asyncio.create_task(_watch_stall(engine, ys, until))
    try:
        await asyncio.gather(*(y.drive(engine, link, until) for y in ys))
    finally:
        watching.cancel()


async def _watch_stall(engine: Engine, ys: list[Year], until: Until) -> None:
    """Bring ``until`` forward once the ledger's head has not moved for ``until.stall``
    seconds while no year waits at a gate: the years are wedged, no need to wait them out."""
    if until.stall is None:
        return
    head, moved = -1, time.monotonic()
    while not until.passed:
        now = await asyncio.to_thread(engine.ledger().head)
        if now != head or any(y.waiting_at for y in ys):
            head, moved = now, time.monotonic()
        elif time.monotonic() - moved > until.stall:
            until.at, until.why = time.monotonic(), f"no event for {until.stall:.0f} s"
        await asyncio.sleep(1)
