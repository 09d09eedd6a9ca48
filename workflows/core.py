"""The one core every kind of process runs on: validate → record → apply.

A workflow class per kind (``workflows.cycle``, ``workflows.coalition``, ``workflows.silence``)
names its :class:`domain.kinds.Kind` and writes only what is its own — how it begins, its
timers, how it ends. Every step a person takes reaches :meth:`ProcessCore.step`, one update
handler for every update name the kind's entry lists (``approve_workplan``, ``break_silence``
…): its validator converts the payload into the step's input model and asks the domain whether
this actor may take this step now, with this data (a refusal carries the rule id, its paragraph
and one sentence; nothing is recorded, not even in history). Accepted, the handler judges again
under ``_lock`` (another step may have been recorded since) and records the event.

Every state change goes through :meth:`ProcessCore._record`: judged by the kind's ``apply``,
appended to the ledger by the ``record_event`` activity under an id from ``workflow.uuid4()``
(so a retried activity never writes twice), and only then applied to the workflow's state.
The ledger alone therefore rebuilds every stream. Activities are called by their registered
names (``contracts``): nothing that does I/O is imported here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import Any, ClassVar, Generic, TypeVar

from temporalio import workflow
from temporalio.common import RawValue, RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, ValidationError

    from contracts import (
        READ_REGISTRY,
        RECORD_EVENT,
        ReadRegistry,
        Receipt,
        RecordedEvent,
        RecordEvent,
        RegistryRead,
    )
    from domain.convention import Actor, Role, State
    from domain.errors import RuleViolation
    from domain.kinds import Kind
    from domain.procedure import PendingStep

T = TypeVar("T")
S = TypeVar("S", bound=BaseModel)
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
_RECORD_TIMEOUT = timedelta(seconds=30)


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


class ProcessCore(Generic[S]):
    """The state of one stream of ``KIND``, its lock, the receipt of its first event, and the
    registry of States its steps are judged on."""

    KIND: ClassVar[Kind[Any]]
    #: whether recording first asks ``workflow.patched(LOCAL_RECORDING)`` — the annual
    #: cycle's, whose early histories recorded through a regular activity
    PATCHED_RECORDING: ClassVar[bool] = False

    _state: S
    _lock: asyncio.Lock
    _begun: Receipt | None
    _registry: Mapping[str, State]

    def _setup(self) -> None:
        self._state = self.KIND.state()
        self._lock = asyncio.Lock()
        self._begun = None
        self._registry = {}

    async def _read_registry(self, purpose: str) -> None:
        read: RegistryRead = await workflow.execute_activity(
            READ_REGISTRY, ReadRegistry(purpose=purpose), result_type=RegistryRead,
            start_to_close_timeout=timedelta(minutes=2))
        self._registry = {s.iso3: s for s in read.registry}

    def _stream(self, event: RecordedEvent) -> str:
        """The ledger stream ``event`` goes to: the workflow id."""
        return workflow.info().workflow_id

    async def _record(self, event: RecordedEvent) -> Receipt:
        """Judge ``event`` once more, append it to the stream, then apply it. The caller
        holds ``_lock``."""
        after = judged(lambda: self.KIND.apply(self._state, event))
        request = RecordEvent(stream=self._stream(event),
                              expected_version=self._state.event_count,  # type: ignore[attr-defined]
                              event_id=workflow.uuid4(), event=event)
        if self.PATCHED_RECORDING and not workflow.patched(LOCAL_RECORDING):
            # cycles started before LOCAL_RECORDING replay as they ran
            receipt: Receipt = await workflow.execute_activity(
                RECORD_EVENT, request, result_type=Receipt,
                start_to_close_timeout=_RECORD_TIMEOUT, retry_policy=RECORDING)
        else:
            receipt = await workflow.execute_local_activity(
                RECORD_EVENT, request, result_type=Receipt,
                start_to_close_timeout=_RECORD_TIMEOUT, retry_policy=RECORDING)
        self._state = after
        workflow.logger.info("recorded %s at ledger position %s", event.type, receipt.position)
        return receipt

    async def _begin(self, decision: Callable[[], RecordedEvent]) -> Receipt:
        """Record the stream's first event, as ``decision`` decides it."""
        async with self._lock:
            self._begun = await self._record(judged(decision))
        return self._begun

    async def _began(self) -> Receipt:
        await workflow.wait_condition(lambda: self._begun is not None)
        assert self._begun is not None
        return self._begun

    def _command(self, name: str, args: Sequence[RawValue]) -> BaseModel:
        """The input of step ``name``, as its model (``KIND.commands``) reads the payload."""
        model = self.KIND.commands.get(name)
        if model is None or name == self.KIND.begins or len(args) != 1:
            raise ApplicationError(f"a {self.KIND.title} takes no update {name!r} with "
                                   f"{len(args)} argument(s)", type="NoSuchStep",
                                   non_retryable=True)
        try:
            command: BaseModel = workflow.payload_converter().from_payload(args[0].payload,
                                                                           model)
        except (ValidationError, ValueError, TypeError) as error:
            raise ApplicationError(f"{name} takes a {model.__name__}: {error}",
                                   type="InvalidStep", non_retryable=True) from None
        return command

    def _decide(self, command: BaseModel) -> RecordedEvent:
        event: RecordedEvent = judged(lambda: self.KIND.decide(self._state, command,
                                                             self._registry, workflow.now()))
        return event

    @workflow.update(dynamic=True)
    async def step(self, name: str, args: Sequence[RawValue]) -> Receipt:
        """Any step of the kind, by its update's name: its receipt once recorded."""
        command = self._command(name, args)
        await workflow.wait_condition(lambda: self._begun is not None)
        async with self._lock:
            return await self._record(self._decide(command))

    @step.validator
    def _may(self, name: str, args: Sequence[RawValue]) -> None:
        """May this actor take this step now, with this data? Before the stream has begun
        the handler waits and judges instead."""
        command = self._command(name, args)
        if self._begun is not None:
            self._decide(command)

    @workflow.query
    def state(self) -> S:
        return self._state

    @workflow.query
    def pending(self) -> list[PendingStep]:
        """The steps open now, who may take them and by when."""
        return self.KIND.pending(self._state)
