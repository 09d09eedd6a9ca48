"""``NoticesWorkflow``: the notices one recorded event owes, planned once and each sent until it
is sent — without holding up the year that recorded it.

The cycle's workflow has it started (the local activity ``start_notices``, which starts it only
where someone registered has an address to mail) as a workflow of its own — the year neither waits
for it nor hears of its end — under the id :func:`contracts.notices.notices_id` of the event, so
that a start replayed or retried finds the same workflow instead of a second. Sending is retried
without limit, at most ten minutes apart: an unreachable mail server delays a notice, never loses
it, and never blocks a step.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from contracts.notices import (
        NOTICES_WORKFLOW,
        PLAN_NOTICES,
        SEND_NOTICE,
        NoticeOutcome,
        NoticesPlanned,
        PlanNotices,
        SendNotice,
    )

from workflows.recording import BEATING

#: unlimited attempts (``maximum_attempts`` 0), one second apart at first, at most ten minutes
SENDING = RetryPolicy(initial_interval=timedelta(seconds=1), backoff_coefficient=2.0,
                      maximum_interval=timedelta(minutes=10), maximum_attempts=0,
                      non_retryable_error_types=["NoSuchNotice"])
PLANNING = RetryPolicy(maximum_interval=timedelta(minutes=10),
                       non_retryable_error_types=["NoSuchEvent"])
_TIMEOUT = timedelta(minutes=2)


@workflow.defn(name=NOTICES_WORKFLOW)
class NoticesWorkflow:
    @workflow.run
    async def run(self, request: PlanNotices) -> list[NoticeOutcome]:
        """Plan the event's notices, then send each (at once, each retried on its own)."""
        planned: NoticesPlanned = await workflow.execute_activity(
            PLAN_NOTICES, request, result_type=NoticesPlanned, start_to_close_timeout=_TIMEOUT,
            heartbeat_timeout=BEATING, retry_policy=PLANNING)
        sending = [workflow.execute_activity(
            SEND_NOTICE, SendNotice(key=key), result_type=NoticeOutcome,
            start_to_close_timeout=_TIMEOUT, heartbeat_timeout=BEATING, retry_policy=SENDING)
            for key in planned.keys]
        return list(await asyncio.gather(*sending))
