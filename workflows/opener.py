"""``OpenCycleWorkflow``: what a Temporal Schedule runs to open each year's cycle on its date,
so that the ISU need not remember to (``intersessional cycle schedule --on MM-DD``)."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.calendar import DEFAULT_COMMITTEE_WEEKS, DEFAULT_REMINDER_DAYS, default_calendar
    from domain.convention import Actor, Role
    from workflows.models import ScheduledOpening

from workflows.cycle import start_cycle


@workflow.defn(name="OpenCycle")
class OpenCycleWorkflow:
    @workflow.run
    async def run(self, request: ScheduledOpening) -> str:
        """Open the cycle due now, unless it is open already; return its workflow id."""
        year = workflow.now().year + request.year_offset
        calendar = None
        if request.committee_weeks is not None or request.reminder_days is not None:
            calendar = default_calendar(
                year, request.committee_weeks or DEFAULT_COMMITTEE_WEEKS,
                request.reminder_days or DEFAULT_REMINDER_DAYS)
        return await start_cycle(year, Actor(name="intersessional engine, on the ISU's "
                                             "schedule", role=Role.ENGINE), calendar)
