"""The one core every kind of process runs on: validate → record → apply.

A workflow class per kind (``workflows.cycle``, ``workflows.coalition``, ``workflows.silence``)
names its :class:`domain.kinds.Kind` and writes only what is its own — how it begins, its
timers, how it ends. Every step a person takes reaches :meth:`ProcessCore.step`, one update
handler for every update name the kind's entry lists (``approve_workplan``, ``break_silence``
…): its validator converts the payload into the step's input model, believes its attestation
only if its signature verifies, and asks whether this actor may take this step now, with this
data (``workflows.acting``: the attestation, the record of their office, the kind's rules; a
refusal carries the rule id, its paragraph and one sentence; nothing is recorded, not even in
history). Accepted, the handler judges again
under ``_lock`` (another step may have been recorded since) and records the event
(``workflows.recording``: the ledger alone rebuilds every stream, and where it holds more than
the workflow, the workflow yields to it).

A run begins by reading its stream from the ledger: started again from the ledger's events
(``contracts.FromLedger``, by ``intersessional engine recover``), or reset, it resumes where
the record says instead of beginning anew. Activities are called by their registered names
(``contracts``): nothing that does I/O is imported here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import TypeVar

from temporalio import workflow
from temporalio.common import RawValue
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel, ValidationError

    from contracts import (
        READ_REGISTRY,
        FromLedger,
        ReadRegistry,
        Receipt,
        RecordedEvent,
        RegistryRead,
    )
    from contracts.trust import TRUSTED
    from domain.attestation import attestation_of, bound
    from domain.authority import needs_record
    from domain.convention import Actor, Role, State, shared_registry
    from domain.procedure import PendingStep

from workflows.acting import READING_RECORD, Acting
from workflows.recording import BEATING, PATCHES_FIRST, judged

S = TypeVar("S", bound=BaseModel)
C = TypeVar("C", bound=BaseModel)
ENGINE = Actor(name="intersessional engine", role=Role.ENGINE)
_REGISTRY_TIMEOUT = timedelta(minutes=2)


class ProcessCore(Acting[S]):
    """A stream of ``KIND`` (``workflows.recording``), the registry of States its steps are
    judged on, and the handlers every kind shares: its steps, catching up, its queries."""

    _registry: Mapping[str, State]

    def _setup(self) -> None:
        self._state = self.KIND.state()
        self._lock = asyncio.Lock()
        self._begun = None
        self._attention = None
        self._registry = {}
        self._patches()  # in the run's first activation, before any command
        self._held_record = None
        # asked once, first thing, as the recording's patches are (``Recording._patches``)
        self._reads_record = self.KIND.reads_record and workflow.patched(READING_RECORD)
        if workflow.patched(PATCHES_FIRST):  # runs started since ask every patch here
            self._later_patches()

    async def _read_registry(self, purpose: str) -> None:
        read: RegistryRead = await workflow.execute_activity(
            READ_REGISTRY, ReadRegistry(purpose=purpose), result_type=RegistryRead,
            start_to_close_timeout=_REGISTRY_TIMEOUT, heartbeat_timeout=BEATING)
        self._registry = shared_registry(read.registry)

    async def _begin(self, beginning: C | FromLedger, decision: Callable[[C], RecordedEvent]
                     ) -> Receipt:
        """Resume the stream from the ledger if it has begun there, else record its first
        event as ``decision`` decides it from ``beginning``, the run's input (which cannot
        be a :class:`FromLedger` then: nothing was recorded to resume)."""
        async with self._lock:
            if self._resuming:
                await self._catch_up()
            if self._begun is None:
                if isinstance(beginning, FromLedger):
                    raise ApplicationError(f"the ledger holds no event of {beginning.stream} "
                                           "to resume from", type="NothingRecorded",
                                           non_retryable=True)
                await self._record(lambda: None if self._begun is not None
                                   else self._attested_beginning(beginning, decision),
                                   by=beginning)
        # no wait when begun: a wait_condition, even one already met, yields to the other
        # coroutines first, and the order of commands in histories recorded before must hold
        return self._begun if self._begun is not None else await self._began(handler=False)

    async def _began(self, *, handler: bool = True) -> Receipt:
        """The receipt of the stream's first event, once recorded (or applied)."""
        await self._until(lambda: self._begun is not None, handler=handler)
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

    @workflow.update(dynamic=True)
    async def step(self, name: str, args: Sequence[RawValue]) -> Receipt:
        """Any step of the kind, by its update's name: its receipt once recorded."""
        command = self._command(name, args)
        await self._until(lambda: self._begun is not None, handler=True)
        async with self._lock:
            if needs_record(command.actor):  # type: ignore[attr-defined]  # every step's has one
                await self._read_record(f"judging who may take {name}")  # what it is now
            await self._facts_for(command)
            receipt = await self._record(lambda: self._decide(command, name), by=command)
        assert receipt is not None  # a step's decision is an event, or a refusal
        return receipt

    @step.validator
    def _may(self, name: str, args: Sequence[RawValue]) -> None:
        """Does a believable attestation vouch for this step (AT-1: signed with a key the
        worker trusts — validators never run on replay, so a later keyring changes no
        history), and may this actor take it now, with this data? Before the stream has begun
        the handler waits and judges instead."""
        command = self._command(name, args)
        attestation = attestation_of(command)
        if attestation is not None:
            judged(lambda: TRUSTED.verify(attestation))
        if self._attention is not None:
            raise ApplicationError(f"{workflow.info().workflow_id} needs attention: "
                                   f"{self._attention}", type="NeedsAttention")
        if self._begun is not None and not self._handler_judges(command):
            self._decide(command, name, validating=True)
        elif attestation is None:
            judged(lambda: bound(command, stream=workflow.info().workflow_id, step=name,
                                 version=0))

    async def _facts_for(self, command: BaseModel) -> None:
        """Read from the ledger what ``command`` is judged on beyond this stream, where a kind
        needs it (the cycle: a committee decision by silence procedure, CC-5); by default
        nothing, and no command of the workflow's history is added."""

    def _handler_judges(self, command: BaseModel) -> bool:
        """Whether only the handler, having read ``_facts_for`` it, can judge ``command``: the
        validator (no activities there) lets it through."""
        return False

    @workflow.update(name="catch_up")
    async def catch_up(self) -> int:
        """Apply what the ledger holds beyond this workflow's state (``intersessional engine
        recover`` asks a running workflow that is behind): the version held after."""
        async with self._lock:
            await self._catch_up()
        return self._version

    @workflow.query
    def state(self) -> S:
        return self._state

    @workflow.query
    def version(self) -> int:
        """How many events of the stream this workflow has applied."""
        return self._version

    @workflow.query
    def pending(self) -> list[PendingStep]:
        """The steps open now, who may take them and by when."""
        return self.KIND.pending(self._state)
