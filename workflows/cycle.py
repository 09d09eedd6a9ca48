"""``AnnualCycleWorkflow``: one year of the Convention's intersessional machinery.

One workflow per year, id ``cycle-<year>``. It opens the cycle (carrying over what the previous
cycle's recorded events leave running), takes people's steps as updates (``workflows.core``),
watches the year's deadlines with durable timers, and, once the MSP has decided on the work
plan, closes the year, signs a ledger checkpoint and opens the next year's cycle as a workflow
of its own (see docs/CYCLE.md for why a new workflow and not continue-as-new).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from contracts import (
        PREPARE_CYCLE,
        TAKE_CHECKPOINT,
        CheckpointTaken,
        CycleBasis,
        FromLedger,
        PrepareCycle,
        Receipt,
        RecordedEvent,
        TakeCheckpoint,
        cycle_id,
    )
    from contracts.notices import START_NOTICES, PlanNotices
    from domain import decide
    from domain.awaiting import owes_notices
    from domain.calendar import CycleCalendar, following_calendar
    from domain.commands import OpenCycle
    from domain.convention import Actor, Role, shared_registry
    from domain.deadlines import Watch, escalated_to, met, watches
    from domain.events import CycleClosed, DeadlineMissed, DeadlineReminderSent
    from domain.kinds import CYCLE
    from domain.profile import FIRST_READING, profile
    from domain.state import Phase
    from workflows.models import CycleOutcome

from workflows.by_silence import DecidingBySilence
from workflows.core import ENGINE
from workflows.recording import BEATING

_PREPARING = timedelta(minutes=2)
#: patch ids: the default profile from the worker's setting; past deadlines stay quiet
CONVENTION_PROFILE, QUIET_PAST = "convention-profile", "past-deadlines-stay-quiet"
#: patch id: each recorded event starts the workflow of the notices it owes (issue 21)
NOTICES_SENT = "notices-sent"
#: patch id: the next year opens with this year's lead times
NEXT_CALENDAR = "next-cycle-keeps-lead-times"
#: patch id: the year closes in a workflow task after the one that answers its adoption
CLOSE_APART, _APART = "close-after-the-adoption-is-answered", timedelta(milliseconds=1)
#: starting a workflow is one call to Temporal: retried while Temporal is busy or down
_STARTING, STARTING = timedelta(seconds=30), RetryPolicy(maximum_interval=timedelta(minutes=1))


T = TypeVar("T")


def _unique(items: tuple[T, ...]) -> tuple[T, ...]:
    return tuple(dict.fromkeys(items))


@workflow.defn(name="AnnualCycle")
class AnnualCycleWorkflow(DecidingBySilence):
    KIND = CYCLE
    PATCHED_RECORDING = True

    @workflow.init
    def __init__(self, opening: OpenCycle | FromLedger) -> None:
        self._setup()
        self._quiet_until: datetime | None = None

    @workflow.run
    async def run(self, opening: OpenCycle | FromLedger) -> CycleOutcome:
        """The year from its opening — or, from the ledger, from where its events leave it —
        to its close, the checkpoint and the next year's opening."""
        year = (opening.year if isinstance(opening, OpenCycle)
                else int(workflow.info().workflow_id.removeprefix("cycle-")))
        basis = await workflow.execute_activity(
            PREPARE_CYCLE, PrepareCycle(year=year), result_type=CycleBasis,
            start_to_close_timeout=_PREPARING, heartbeat_timeout=BEATING)
        self._registry = shared_registry(basis.registry)
        # a year recovered from the ledger keeps its past deadlines quiet (asked only where
        # recovery says when the ledger last recorded: histories before it never ask)
        self._quiet_until = (opening.quiet_until if isinstance(opening, FromLedger)
                             and opening.quiet_until is not None
                             and workflow.patched(QUIET_PAST) else None)
        await self._begin(opening, lambda command: self._opening(command, basis))
        watchers = [asyncio.create_task(self._watch(w)) for w in watches(self._state)]
        await self._until(lambda: self._state.phase in (Phase.CLOSING, Phase.CLOSED)
                          and not self._lock.locked())
        if workflow.patched(CLOSE_APART):
            # the MSP's adoption is answered as soon as it is recorded: an update's answer
            # leaves with its workflow task, which waited for CycleClosed's append too
            await workflow.sleep(_APART)
        async with self._lock:  # closed already where a recovered run resumes after it
            await self._record(lambda: CycleClosed(year=year, occurred_at=workflow.now(),
                                                   actor=ENGINE)
                               if self._state.phase is Phase.CLOSING else None)
        for watcher in watchers:
            watcher.cancel()
        checkpoint = await workflow.execute_activity(
            TAKE_CHECKPOINT, TakeCheckpoint(reason=f"the {year} cycle closed"),
            result_type=CheckpointTaken, start_to_close_timeout=_PREPARING,
            heartbeat_timeout=BEATING)
        # the next year keeps this year's lead times (INTERSESSIONAL_COMMITTEE_WEEKS, …);
        # histories from before the patch opened it on the default calendar
        calendar = (following_calendar(self._state.calendar)
                    if self._state.calendar is not None
                    and workflow.patched(NEXT_CALENDAR) else None)
        next_cycle = await start_cycle(year + 1, Actor(
            name=f"intersessional engine, as the {year} cycle closed", role=Role.ENGINE),
            calendar)
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._starting_notices:  # every event's notices started before the year ends
            await asyncio.gather(*self._starting_notices)
        return CycleOutcome(year=year, workplan_status=self._state.workplan_status,
                            events=self._state.event_count, checkpoint=checkpoint,
                            next_cycle=next_cycle)

    def _patches(self) -> None:
        super()._patches()
        # asked first thing, with the recording's patches (``Recording._patches``)
        self._notifying = workflow.patched(NOTICES_SENT)
        self._starting_notices: list[asyncio.Task[None]] = []

    def _later_patches(self) -> None:
        super()._later_patches()
        for patch in (CONVENTION_PROFILE, QUIET_PAST, NEXT_CALENDAR, CLOSE_APART):
            workflow.patched(patch)

    async def _record(self, decision: Callable[[], RecordedEvent | None],
                      by: BaseModel | None = None) -> Receipt | None:
        """Record as every kind does; then, if the event can owe anyone a notice (a deadline's,
        or a step it opened), start the workflow that plans and sends them (histories from
        before ``notices-sent`` replay without it)."""
        before = self._state
        receipt = await super()._record(decision, by)
        if receipt is not None and self._notifying and owes_notices(before, self._state):
            # not awaited here: the step's answer does not wait on it (the run waits for every
            # start before it ends)
            self._starting_notices.append(asyncio.create_task(self._notify(receipt)))
        return receipt

    async def _notify(self, receipt: Receipt) -> None:
        """Have the event's ``Notices`` workflow started (a local activity, ``start_notices``):
        the year goes on at once, whatever the mail server does, and hears nothing back."""
        await workflow.execute_local_activity(
            START_NOTICES, PlanNotices(stream=receipt.stream, version=receipt.version,
                                       event_id=receipt.event_id),
            start_to_close_timeout=_STARTING, retry_policy=STARTING)

    @staticmethod
    def _opening(opening: OpenCycle, basis: CycleBasis) -> RecordedEvent:
        # a cycle opened without a profile runs by the engine's setting; histories from
        # before profiles opened it by the first reading
        default = (basis.profile if workflow.patched(CONVENTION_PROFILE)
                   else profile(FIRST_READING))
        return decide.opening(opening, _unique(basis.carried_terms + opening.carried_terms),
                              _unique(basis.carried_presidencies
                                      + opening.carried_presidencies), workflow.now(),
                              default_profile=default)

    def _quiet(self, moment: datetime) -> bool:
        """Whether ``moment`` had passed when the ledger last recorded this year
        (``FromLedger.quiet_until``): its reminder or escalation stays unrecorded."""
        return self._quiet_until is not None and moment < self._quiet_until

    async def _watch(self, watch: Watch) -> None:
        """Remind before a deadline, escalate after it: both recorded, or nothing if met."""
        for moment, reminding in ((watch.remind_at, True), (watch.missed_at, False)):
            delay = moment - workflow.now()
            if delay > timedelta(0):
                # a timeout means the moment came and the obligation is still open
                with contextlib.suppress(TimeoutError):
                    await workflow.wait_condition(lambda: met(watch.deadline, self._state),
                                                  timeout=delay)
            if met(watch.deadline, self._state):
                return
            if reminding and workflow.now() >= watch.missed_at:
                continue  # opened too late to remind: straight to the missed deadline
            if self._quiet(moment):
                continue  # past when the year was recorded: the year waits at its step
            async with self._lock:
                if met(watch.deadline, self._state):
                    return
                await self._record(functools.partial(self._deadline, watch, reminding))

    def _deadline(self, watch: Watch, reminding: bool) -> RecordedEvent | None:
        """The reminder or the missed deadline, unless the obligation has been met since."""
        if met(watch.deadline, self._state):
            return None
        common = {"year": self._state.year, "occurred_at": workflow.now(), "actor": ENGINE,
                  "deadline": watch.deadline, "due": watch.due}
        return (DeadlineReminderSent(**common) if reminding else
                DeadlineMissed(**common, escalated_to=escalated_to(self._state, watch.due)))

    def _stream(self, event: RecordedEvent) -> str:
        return cycle_id(event.year)  # type: ignore[attr-defined]  # every cycle event has one

    @workflow.update
    async def wait_opened(self) -> Receipt:
        """The receipt of ``CycleOpened``, once recorded: how an opener knows it is open."""
        return await self._began()

    @workflow.query
    def phase(self) -> Phase:
        return self._state.phase


async def start_cycle(year: int, opener: Actor, calendar: CycleCalendar | None = None) -> str:
    """Open the ``year`` cycle (on ``calendar``, else the default one) as a workflow of its own
    that outlives its starter; if it is already open, leave it be. Returns its workflow id."""
    try:
        await workflow.start_child_workflow(
            AnnualCycleWorkflow.run, OpenCycle(year=year, actor=opener, calendar=calendar),
            id=cycle_id(year),
            parent_close_policy=workflow.ParentClosePolicy.ABANDON,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
    except WorkflowAlreadyStartedError:
        workflow.logger.info("the %s cycle was already open", year)
    return cycle_id(year)
