"""What the coalition and silence-procedure workflows share: one state, one lock, one record
path (the same ``record_event`` local activity as the annual cycle's), the receipt of the
first event, and the registry of States read once as the workflow begins.

The workflow id is the ledger stream: every event of the process is appended to it under an
id from ``workflow.uuid4()``, judged once more by the domain's ``apply`` just before.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any, Generic, Protocol, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.models import LedgerEvent, ReadRegistry, RecordEvent, RegistryRead
    from activities.recording import CycleActivities
    from domain.convention import State
    from ledger.records import Receipt

from workflows.core import judged, record_locally


class Folded(Protocol):
    @property
    def event_count(self) -> int: ...


S = TypeVar("S", bound=Folded)
E = TypeVar("E", bound=LedgerEvent)


class ProcessCore(Generic[S]):
    """The state ``S`` folded by ``_apply``; subclasses set both in ``_setup``."""

    _state: S
    _apply: Callable[[S, Any], S]
    _lock: asyncio.Lock
    _begun: Receipt | None
    _registry: Mapping[str, State]

    def _setup(self, state: S, apply: Callable[[S, Any], S]) -> None:
        self._state, self._apply = state, apply
        self._lock = asyncio.Lock()
        self._begun = None
        self._registry = {}

    async def _read_registry(self, purpose: str) -> None:
        read: RegistryRead = await workflow.execute_activity_method(
            CycleActivities.read_registry, ReadRegistry(purpose=purpose),
            start_to_close_timeout=timedelta(minutes=2))
        self._registry = {s.iso3: s for s in read.registry}

    async def _record(self, event: LedgerEvent) -> Receipt:
        """Judge ``event`` once more, append it to the stream, then apply it (under
        ``_lock``)."""
        after = judged(lambda: self._apply(self._state, event))
        receipt = await record_locally(RecordEvent(
            stream=workflow.info().workflow_id, expected_version=self._state.event_count,
            event_id=workflow.uuid4(), event=event))
        self._state = after
        workflow.logger.info("recorded %s at ledger position %s", event.type, receipt.position)
        return receipt

    async def _take(self, decision: Callable[[], LedgerEvent]) -> Receipt:
        """Record what ``decision`` decides once the process has begun; judged again under
        the lock, as another step may have been recorded since the validator ran."""
        await workflow.wait_condition(lambda: self._begun is not None)
        async with self._lock:
            return await self._record(judged(decision))

    async def _begin(self, decision: Callable[[], LedgerEvent]) -> None:
        async with self._lock:
            self._begun = await self._record(judged(decision))

    async def _began(self) -> Receipt:
        await workflow.wait_condition(lambda: self._begun is not None)
        assert self._begun is not None
        return self._begun
