"""Where the audit finds Temporal's histories: the engine the settings point at, or — when
nothing answers there but the data directory holds the embedded server's database (an
``intersessional dev`` or ``make demo`` since stopped) and the address is a loopback one — that
server, started for the while.

An auditor can then export or cross-check the demo's years without starting the engine first;
the embedded server is stopped again when the command is done.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode

from runtime.embedded import loopback_ip, start_embedded
from runtime.temporal import connect
from settings import Settings


class NoEngine(Exception):  # noqa: N818 - a state of affairs, said in one sentence
    """No Temporal answers, and no embedded server's database is there to start one."""


@asynccontextmanager
async def histories_engine(settings: Settings) -> AsyncIterator[Client]:
    """A client of the Temporal that holds the histories (see the module's docstring).
    Raises :class:`NoEngine` when there is none."""
    try:
        client = await connect(settings)
    except RuntimeError:  # the SDK's connection error: the address says it, not the transport
        if loopback_ip(settings.temporal_address) is None:  # a cluster: nothing to start
            raise NoEngine(f"no Temporal server answers at {settings.temporal_address}"
                           ) from None
        if not settings.temporal_database.exists():
            raise NoEngine(f"no Temporal server answers at {settings.temporal_address}, and "
                           f"{settings.data_dir} holds no embedded engine to start") from None
    else:
        yield client
        return
    env = await start_embedded(settings, ui=False, quiet=True)  # stdout is the command's
    try:
        yield env.client
    finally:
        await env.shutdown()


async def fetch_histories(client: Client, workflow_ids: Sequence[str]
                          ) -> tuple[list[WorkflowHistory], dict[str, str]]:
    """The history of every run of each workflow — a cycle, a coalition, a silence procedure:
    runs are listed by workflow id, whatever the type — and why any could not be fetched. A
    server without visibility (the time-skipping test server) gives each workflow's latest
    run."""
    histories: list[WorkflowHistory] = []
    missing: dict[str, str] = {}
    for workflow_id in workflow_ids:
        try:
            runs: list[str | None] = [e.run_id async for e in client.list_workflows(
                f'WorkflowId = "{workflow_id}"')]
        except RPCError as error:
            if error.status is not RPCStatusCode.UNIMPLEMENTED:
                missing[workflow_id] = f"Temporal could not list its runs ({error.message})"
                continue
            runs = [None]
        if not runs:
            missing[workflow_id] = "Temporal holds no run of it (never started, or past its " \
                                   "retention)"
        for run_id in runs:
            try:
                histories.append(await client.get_workflow_handle(
                    workflow_id, run_id=run_id).fetch_history())
            except RPCError as error:
                missing[workflow_id] = (
                    "Temporal holds no history of it (never started, or past its retention)"
                    if error.status is RPCStatusCode.NOT_FOUND
                    else f"Temporal could not give its history ({error.message})")
    return histories, missing
