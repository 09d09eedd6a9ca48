"""The API's way to the engine: one Temporal client, connected at start-up or, if Temporal was
not up yet, at the first request that needs it; every call bounded in time, and what Temporal
answers turned into problems (404 for a stream it does not hold, 503 when it cannot be asked
or when the ledger holds a stream open that no workflow runs)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from api.metrics import step_recorded
from api.problems import ProblemError
from identities import Person
from ledger import Receipt
from runtime.observability import tracing_interceptors
from runtime.temporal import connect
from settings import Settings
from stepping.client import NotRunning

T = TypeVar("T")
CONNECT_TIMEOUT = 5.0  # seconds to reach Temporal's frontend
ANSWER_TIMEOUT = 30.0  # seconds for a query or an update (an update waits for a worker)
RETRY_AFTER = "60"  # seconds: a stream whose workflow is not running waits for a repair
log = logging.getLogger("intersessional.api")
steps = structlog.get_logger("intersessional.api.steps")

_UNREACHABLE = (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED,
                RPCStatusCode.CANCELLED, RPCStatusCode.RESOURCE_EXHAUSTED)


class Engine:
    """The Temporal client of the API, for ``settings``."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.interceptors = tracing_interceptors(settings, "intersessional-api")
        self._client: Client | None = None
        self._lock = asyncio.Lock()

    def _unavailable(self, why: str) -> ProblemError:
        return ProblemError(503, "engine-unavailable", f"the engine at "
                            f"{self.settings.temporal_address} {why}; is `intersessional dev` "
                            "(or a Temporal server and `intersessional worker`) running?")

    async def start(self) -> None:
        """Connect now if Temporal answers; otherwise the first request tries again."""
        try:
            await self.client()
        except ProblemError as error:
            log.warning("%s", error.detail)

    async def client(self) -> Client:
        if self._client is not None:
            return self._client
        async with self._lock:
            if self._client is None:
                try:
                    async with asyncio.timeout(CONNECT_TIMEOUT):
                        self._client = await connect(self.settings, self.interceptors)
                except (RuntimeError, OSError, TimeoutError) as error:
                    raise self._unavailable(f"could not be reached ({error})") from None
            return self._client

    def recorded(self, receipt: Receipt, person: Person, kind: str, step: str) -> Receipt:
        """Log ``person``'s ``step`` of a process of ``kind`` as recorded (workflow id, event
        id, actor), count it (:mod:`api.metrics`) and return its receipt."""
        steps.info("step_recorded", workflow_id=receipt.stream, event_id=str(receipt.event_id),
                   position=receipt.position, kind=kind, step=step, actor=person.name,
                   role=person.role.value, represents=person.represents)
        step_recorded(kind, step)
        return receipt

    async def ask(self, work: Callable[[Client], Awaitable[T]],
                  missing: ProblemError | None = None) -> T:
        """``work(client)`` within :data:`ANSWER_TIMEOUT`; Temporal's errors as problems — a
        workflow it does not hold as ``missing``, where given; a stream the ledger holds open
        whose workflow is not running as a 503 that names the repair."""
        client = await self.client()
        try:
            async with asyncio.timeout(ANSWER_TIMEOUT):
                return await work(client)
        except TimeoutError:
            raise self._unavailable(f"did not answer within {ANSWER_TIMEOUT:.0f} s") from None
        except NotRunning as error:
            raise ProblemError(503, "workflow-not-running", str(error),
                               {"Retry-After": RETRY_AFTER}) from None
        except RPCError as error:
            if error.status is RPCStatusCode.NOT_FOUND and missing is not None:
                raise missing from None
            if error.status in _UNREACHABLE:
                raise self._unavailable(f"could not be asked ({error.message})") from None
            raise
