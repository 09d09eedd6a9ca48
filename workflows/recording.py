"""How a workflow writes to the ledger and, when the two disagree, yields to it.

Every state change goes through :meth:`Recording._record`: the decision is judged by the kind's
``apply``, appended by the ``record_event`` activity under an id from ``workflow.uuid4()`` at
the version the workflow holds, and only then applied. The ledger is the authority, so when it
refuses the append because it holds more of the stream than the workflow has applied — a
workflow task retried after its worker died (the same step, recorded by the first attempt at
another ``workflow.now()``), Temporal's database rolled back to an older copy, a ``temporal
workflow reset`` — the workflow reads what it lacks (``read_stream``), applies it, and either
finds its own step there (the first attempt's, whose receipt it returns) or judges the decision
again on the state the ledger holds. What can never succeed — the ledger holding *less* of the
stream than the workflow applied, or an event that does not follow under the rules — is noted
as needing attention (``note_attention``) and fails the run with the cause and the repair,
``intersessional engine recover``; it is never retried in a loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any, ClassVar, Generic, NoReturn, TypeVar
from uuid import UUID, uuid5

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from contracts import (
        NOTE_ATTENTION,
        READ_STREAM,
        RECORD_EVENT,
        LedgerEntry,
        NoteAttention,
        ReadStream,
        Receipt,
        RecordedEvent,
        RecordEvent,
        StreamRead,
    )
    from domain.attestation import attestation_of, canonical_input
    from domain.errors import RuleViolation
    from domain.kinds import Kind

S = TypeVar("S", bound=BaseModel)
#: Events are recorded by a *local* activity: it runs in the worker that took the step, within
#: the same workflow task, so a step is one round trip to the server instead of three (schedule
#: the activity, run it, resume the workflow) — about half the server's work per step. Its
#: result is kept in history as a marker, and a retry after a crash reuses the same event id
#: (``workflow.uuid4()`` replays), so the ledger still records each event once.
LOCAL_RECORDING = "record-events-locally"
#: patch: a refused append reads the ledger and goes on from it (runs before it failed the step)
CATCHING_UP = "catch-up-from-ledger"
#: patch: a run reads its stream from the ledger before it begins, and resumes what it finds
RESUMING = "resume-from-ledger"
#: patch: an event's id is named by the run, the stream and the version it is recorded at
EVENT_IDS = "event-ids-by-version"
#: patch: a person's step is bound to its attestation, which is recorded with its event
ATTESTED = "attested-steps"
#: patch: every patch a run asks is asked as it starts (``Recording._later_patches``)
PATCHES_FIRST = "patches-asked-first"
_IDS = UUID("5b4c1f0e-9d1e-4c55-9a43-2f8e6f0b7a11")  # the namespace of those names
RECOVER = "run `intersessional engine recover` to start it again from the ledger"
#: the ledger may be down for a while: keep retrying, at most a minute apart
RECORDING = RetryPolicy(maximum_interval=timedelta(minutes=1),
                        non_retryable_error_types=["WrongExpectedVersion", "EventIdConflict"])
_LEDGER_AHEAD = ("WrongExpectedVersion", "EventIdConflict")
_TIMEOUT = timedelta(seconds=30)
#: the heartbeat timeout of the activities that heartbeat while they run
#: (``activities.beating``): a worker killed while it ran one is found out this soon, where
#: the start-to-close timeout alone (minutes) would leave the stream waiting on it
BEATING = timedelta(seconds=10)


def refusal(violation: RuleViolation) -> ApplicationError:
    """The refusal a person receives: the rule id, its paragraph and one sentence."""
    # the English sentence stays the error's message (old clients, logs); the details add its
    # template and values, so the API and the CLI give it in their reader's language
    return ApplicationError(str(violation), violation.details(), type="RuleViolation",
                            non_retryable=True)


T = TypeVar("T")


def judged(decision: Callable[[], T]) -> T:
    """``decision()``, with a refusal by the rules turned into the error the caller receives."""
    try:
        return decision()
    except RuleViolation as violation:
        raise refusal(violation) from None


def needs_attention(cause: str) -> ApplicationError:
    return ApplicationError(f"{cause}; {RECOVER}.", type="NeedsAttention", non_retryable=True)


def _ledger_ahead(error: ActivityError | ApplicationError) -> bool:
    """Whether the recording failed because the ledger holds more of the stream (a local
    activity's failure arrives as the activity's own error, a regular one's as its cause)."""
    refused = error.cause if isinstance(error, ActivityError) else error
    return isinstance(refused, ApplicationError) and refused.type in _LEDGER_AHEAD


def _refused_by_rules(error: ActivityError | ApplicationError) -> ApplicationError | None:
    """The refusal by a rule (an attestation the recording would not keep) the error is."""
    refused = error.cause if isinstance(error, ActivityError) else error
    return refused if isinstance(refused, ApplicationError) and refused.type == "RuleViolation" \
        else None


def _substance(event: Any) -> dict[str, Any]:
    """What a step decided, without the moment the workflow task that decided it ran."""
    dumped: dict[str, Any] = event.model_dump(mode="json")
    dumped.pop("occurred_at", None)
    return dumped


class Recording(Generic[S]):
    """The state of one stream of ``KIND``, its lock, the receipt of its first event, and how
    it is recorded in, and caught up with, the ledger."""

    KIND: ClassVar[Kind[Any]]
    #: whether recording first asks ``workflow.patched(LOCAL_RECORDING)`` — the annual
    #: cycle's, whose early histories recorded through a regular activity
    PATCHED_RECORDING: ClassVar[bool] = False

    _state: S
    _lock: asyncio.Lock
    _begun: Receipt | None
    _attention: str | None
    _resuming: bool = False
    _ids_by_version: bool = False
    _catching_up: bool = False
    _attested: bool = False

    def _patches(self) -> None:
        """Which of the recording's changes this run was started with — asked once, first
        thing in the run. A patch asked for only where it is used can land in a later workflow
        task than the local activity result that led to it (a retried task completes after
        the result), and a replay then answers it otherwise: nondeterminism."""
        self._resuming = workflow.patched(RESUMING)
        self._ids_by_version = workflow.patched(EVENT_IDS)
        self._catching_up = workflow.patched(CATCHING_UP)
        self._attested = workflow.patched(ATTESTED)

    def _later_patches(self) -> None:
        """Ask, as the run starts, the patches histories from before ``patches-asked-first``
        ask where they are used: asked there, a patch's marker lands in whichever workflow task
        the code reaches it in, which a retried task, a step adopted from the ledger or
        another handler holding the lock can change between the run and its replay (the chaos
        tests' cross-check once found a marker its replay did not ask for). Asked here, each
        is answered once and remembered for the run."""
        if self.PATCHED_RECORDING:
            workflow.patched(LOCAL_RECORDING)

    @property
    def _version(self) -> int:
        version: int = self._state.event_count  # type: ignore[attr-defined]
        return version

    def _stream(self, event: RecordedEvent) -> str:
        """The ledger stream ``event`` goes to: the workflow id."""
        return workflow.info().workflow_id

    async def _record(self, decision: Callable[[], RecordedEvent | None],
                      by: BaseModel | None = None) -> Receipt | None:
        """Record what ``decision`` decides on the state held now (nothing if it decides
        nothing), then apply it; if the ledger turns out to hold more of the stream, apply
        that first and decide again. ``by`` is the command of the person's step that decides
        it: its attestation is recorded with the event. The caller holds ``_lock``."""
        if self._attention is not None:
            raise needs_attention(self._attention)
        attestation = attestation_of(by) if by is not None and self._attested else None
        while (event := judged(decision)) is not None:
            after = judged(lambda: self.KIND.apply(self._state, event))
            stream = self._stream(event)
            request = RecordEvent(
                stream=stream, expected_version=self._version, event_id=self._event_id(stream),
                event=event, attestation=attestation,
                input=canonical_input(by) if by is not None and attestation else None)
            try:
                receipt = await self._append(request)
            except (ActivityError, ApplicationError) as error:
                if (refused := _refused_by_rules(error)) is not None:
                    raise refused from None  # the ledger's own check of the attestation
                if not _ledger_ahead(error) or not self._catching_up:
                    raise
                workflow.logger.warning("the ledger holds more of %s: catching up (%s)",
                                        request.stream, error)
                adopted = await self._catch_up(request)
                if adopted is not None:
                    return adopted
                continue
            self._state = after
            if receipt.version == 1:
                self._begun = receipt
            workflow.logger.info("recorded %s at ledger position %s", event.type,
                                 receipt.position)
            return receipt
        return None

    def _event_id(self, stream: str) -> UUID:
        """The id of the event this run records at the stream's next version: the same on a
        retried workflow task (so the ledger knows the first attempt's event), and never one
        a lost part of this run's history already used — as ``workflow.uuid4()``'s sequence
        would, replayed from an older copy of Temporal's database after the ledger moved on."""
        if not self._ids_by_version:
            return workflow.uuid4()  # histories from before the patch replay as they ran
        info = workflow.info()
        return uuid5(_IDS, f"{info.workflow_id}/{info.run_id}/{stream}/{self._version + 1}")

    async def _append(self, request: RecordEvent) -> Receipt:
        if self.PATCHED_RECORDING and not workflow.patched(LOCAL_RECORDING):
            # cycles started before LOCAL_RECORDING replay as they ran
            receipt: Receipt = await workflow.execute_activity(
                RECORD_EVENT, request, result_type=Receipt, start_to_close_timeout=_TIMEOUT,
                retry_policy=RECORDING)
            return receipt
        receipt = await workflow.execute_local_activity(
            RECORD_EVENT, request, result_type=Receipt, start_to_close_timeout=_TIMEOUT,
            retry_policy=RECORDING)
        return receipt

    async def _catch_up(self, offered: RecordEvent | None = None) -> Receipt | None:
        """Apply every event the ledger holds beyond the state held now. With ``offered`` (an
        append the ledger refused): the receipt of that very step if the ledger holds it
        (by its id, or decided alike at another moment), else ``None``."""
        stream, adopted, applied = workflow.info().workflow_id, None, 0
        while True:
            read: StreamRead = await workflow.execute_local_activity(
                READ_STREAM, ReadStream(stream=stream, after=self._version),
                result_type=StreamRead, start_to_close_timeout=_TIMEOUT, retry_policy=RECORDING)
            if read.version < self._version:
                await self._stop(f"the ledger holds {read.version} events of {stream} but the "
                                 f"engine had applied {self._version} (was the ledger restored "
                                 "from an older copy?)")
            for entry in read.entries:
                await self._apply_recorded(stream, entry)
                applied += 1
                if offered is not None and (
                        entry.receipt.event_id == offered.event_id
                        or _substance(entry.event) == _substance(offered.event)):
                    adopted = entry.receipt
            if self._version >= read.version:
                break
        if offered is not None and not applied:
            await self._stop(f"the ledger refused event {offered.event_id} of {stream} at "
                             f"version {offered.expected_version + 1} yet holds nothing beyond "
                             f"version {self._version}")
        if applied:
            workflow.logger.info("applied %s events of %s from the ledger", applied, stream)
        return adopted

    async def _apply_recorded(self, stream: str, entry: LedgerEntry) -> None:
        if entry.receipt.version != self._version + 1:
            await self._stop(f"the ledger's event at version {entry.receipt.version} of "
                             f"{stream} does not follow version {self._version}")
        try:
            self._state = self.KIND.apply(self._state, entry.event)
        except RuleViolation as violation:
            await self._stop(f"the ledger's event at version {entry.receipt.version} of "
                             f"{stream} ({entry.event.type}) does not follow under the rules "
                             f"from the state the engine holds ({violation})")
        if entry.receipt.version == 1:
            self._begun = entry.receipt

    async def _stop(self, cause: str) -> NoReturn:
        """Note that this stream needs attention, and fail: the update in hand with the cause,
        and the run as soon as it next waits (:meth:`_until`)."""
        stream = workflow.info().workflow_id
        workflow.logger.error("%s needs attention: %s", stream, cause)
        await workflow.execute_local_activity(
            NOTE_ATTENTION, NoteAttention(stream=stream, cause=cause, repair=RECOVER),
            start_to_close_timeout=_TIMEOUT, retry_policy=RECORDING)
        self._attention = cause
        raise needs_attention(cause)

    async def _until(self, condition: Callable[[], bool], *, handler: bool = False) -> None:
        """Wait for ``condition``; if meanwhile the stream needs attention, fail — the run
        once the steps in hand are answered (each with the cause), or the ``handler``."""
        await workflow.wait_condition(lambda: condition() or self._attention is not None)
        if self._attention is not None:
            if not handler:
                await workflow.wait_condition(workflow.all_handlers_finished)
            raise needs_attention(self._attention)
