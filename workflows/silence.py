"""``SilenceProcedureWorkflow``: one silence procedure — a documented extension (later
practice, not in the seed papers; rules SP-1 … SP-4). Workflow id ``silence-<year>-<n>``,
which is also its ledger stream.

The President's circulation begins it; a durable timer waits for the deadline, while State
Parties' delegates may break silence and the President may recirculate (a new deadline, the
timer starts again) or withdraw. At the deadline the engine records the outcome: adopted if
no State Party objected, not adopted otherwise — after which the President recirculates or
withdraws. It ends adopted or withdrawn.
"""

from __future__ import annotations

import contextlib

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts import FromLedger, Receipt
    from domain import silence as rules
    from domain import silence_events as se
    from domain.kinds import SILENCE
    from domain.silence import SilencePhase, SilenceState
    from workflows.models import SilenceOutcome

from workflows.core import ProcessCore

WAITING = (SilencePhase.UNDER_SILENCE, SilencePhase.SILENCE_BROKEN)


@workflow.defn(name="SilenceProcedure")
class SilenceProcedureWorkflow(ProcessCore[SilenceState]):
    KIND = SILENCE

    @workflow.init
    def __init__(self, circulation: se.CirculateText | FromLedger) -> None:
        self._setup()

    @workflow.run
    async def run(self, circulation: se.CirculateText | FromLedger) -> SilenceOutcome:
        await self._read_registry("judging who may break silence")
        await self._read_record("judging who presides as a text is circulated")
        procedure = workflow.info().workflow_id
        await self._begin(circulation, lambda command: self._circulated(procedure, command))
        while not self._state.finished:
            await self._until_deadline_or_change()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return SilenceOutcome(procedure=procedure, phase=self._state.phase.value,
                              circulations=self._state.circulation,
                              events=self._state.event_count)

    def _circulated(self, procedure: str, command: se.CirculateText) -> se.TextCirculated:
        """The circulation, once the record says its actor's State presides today (CO-3)."""
        self._authorised(command)
        return rules.circulation(procedure, command, workflow.now())

    async def _until_deadline_or_change(self) -> None:
        """Wait for the current circulation's deadline (recording its outcome), or for the
        President to recirculate or withdraw, whichever comes first."""
        circulation = self._state.circulation
        if self._state.phase in WAITING and self._state.deadline is not None:
            changed = lambda: self._state.finished or self._state.circulation != circulation  # noqa: E731
            left = self._state.deadline - workflow.now()
            with contextlib.suppress(TimeoutError):  # the deadline came
                await workflow.wait_condition(changed, timeout=max(left.total_seconds(), 0.001))
            async with self._lock:
                await self._record(lambda: rules.outcome(self._state, workflow.now())
                                   if self._state.circulation == circulation
                                   and self._state.phase in WAITING else None)
        # not adopted: the President recirculates or withdraws; nothing else happens
        await self._until(lambda: self._state.finished or self._state.phase in WAITING)

    @workflow.update
    async def wait_circulated(self) -> Receipt:
        """The receipt of ``TextCirculated``, once recorded."""
        return await self._began()
