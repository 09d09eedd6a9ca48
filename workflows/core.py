"""What every part of the cycle workflow shares: the state, the judge and the one way to record.

Every state change goes through :meth:`CycleCore._record`: the event is judged by
:func:`domain.cycle.apply` once more, appended to the ledger by the ``record_event`` activity
under an id from ``workflow.uuid4()`` (so a retried activity never writes twice), and only then
applied to the workflow's state. The ledger alone therefore rebuilds the cycle. Steps record
one at a time, under ``_lock``: a step judged while another is being recorded is judged again
once it holds the lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.models import RecordEvent, cycle_id
    from activities.recording import CycleActivities
    from domain import decide
    from domain.commands import StepCommand
    from domain.convention import Actor, Role, State
    from domain.cycle import apply
    from domain.errors import RuleViolation
    from domain.events import CycleEvent
    from domain.state import CycleState
    from ledger.records import Receipt

T = TypeVar("T")
#: Events are recorded by a *local* activity: it runs in the worker that took the step, within
#: the same workflow task, so a step is one round trip to the server instead of three (schedule
#: the activity, run it, resume the workflow) — about half the server's work per step. Its
#: result is kept in history as a marker, and a retry after a crash reuses the same event id
#: (``workflow.uuid4()`` replays), so the ledger still records each event once.
LOCAL_RECORDING = "record-events-locally"
ENGINE = Actor(name="intersessional engine", role=Role.ENGINE)
#: the ledger may be down for a while: keep retrying, at most a minute apart
RECORDING = RetryPolicy(maximum_interval=timedelta(minutes=1),
                        non_retryable_error_types=["WrongExpectedVersion", "EventIdConflict"])


async def record_locally(request: RecordEvent) -> Receipt:
    """Append one event through the ``record_event`` local activity (see above)."""
    receipt: Receipt = await workflow.execute_local_activity_method(
        CycleActivities.record_event, request, start_to_close_timeout=timedelta(seconds=30),
        retry_policy=RECORDING)
    return receipt


def refusal(violation: RuleViolation) -> ApplicationError:
    """The refusal a person receives: the rule id, its paragraph and one sentence."""
    return ApplicationError(str(violation), {"rule_id": violation.rule_id,
                                             "source": violation.source,
                                             "message": violation.message},
                            type="RuleViolation", non_retryable=True)


def judged(decision: Callable[[], T]) -> T:
    """``decision()``, with a refusal by the rules turned into the error the caller receives."""
    try:
        return decision()
    except RuleViolation as violation:
        raise refusal(violation) from None


class CycleCore:
    _state: CycleState
    _registry: Mapping[str, State]
    _lock: asyncio.Lock
    _opened: Receipt | None

    def _setup(self) -> None:
        self._state = CycleState()
        self._registry = {}
        self._lock = asyncio.Lock()
        self._opened = None

    def _decide(self, command: StepCommand) -> CycleEvent:
        return judged(lambda: decide.decide(self._state, command, self._registry,
                                            workflow.now()))

    def _judge(self, command: StepCommand) -> None:
        """The update validator's question: may this actor take this step now, with this
        data? Before the cycle is opened the handler waits and judges instead."""
        if self._opened is not None:
            self._decide(command)

    async def _take(self, command: StepCommand) -> Receipt:
        await workflow.wait_condition(lambda: self._opened is not None)
        async with self._lock:
            return await self._record(self._decide(command))

    async def _record(self, event: CycleEvent) -> Receipt:
        """Judge ``event`` once more, append it to the ledger, then apply it. The caller
        holds ``_lock``."""
        after = judged(lambda: apply(self._state, event))
        request = RecordEvent(stream=cycle_id(event.year),
                              expected_version=self._state.event_count,
                              event_id=workflow.uuid4(), event=event)
        if workflow.patched(LOCAL_RECORDING):
            receipt = await record_locally(request)
        else:  # cycles started before LOCAL_RECORDING replay as they ran
            receipt = await workflow.execute_activity_method(
                CycleActivities.record_event, request,
                start_to_close_timeout=timedelta(seconds=30), retry_policy=RECORDING)
        self._state = after
        workflow.logger.info("recorded %s at ledger position %s", event.type, receipt.position)
        return receipt
