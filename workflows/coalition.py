"""``CoalitionWorkflow``: one country coalition (7MSP, CK-1 … CK-8), workflow id
``coalition-<iso3>-<n>`` (``coalition-lao-1``), which is also its ledger stream.

It begins with the Coordination Committee's identification of the candidate (CK-7), judged on
the registry of States read as it begins; every later step is an update whose validator asks
``domain.coalition`` whether this person may take it now, with this data, citing the rule on a
refusal (nothing recorded, not even in history). It ends when the coalition is closed.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain import coalition as rules
    from domain import coalition_events as ce
    from domain.coalition_state import STEPS, CoalitionPhase, CoalitionState
    from domain.procedure import OpenStep, open_steps
    from ledger.records import Receipt
    from workflows.models import CoalitionOutcome

from workflows.core import judged
from workflows.process import ProcessCore


@workflow.defn(name="Coalition")
class CoalitionWorkflow(ProcessCore[CoalitionState]):
    @workflow.init
    def __init__(self, identification: ce.IdentifyCandidate) -> None:
        self._setup(CoalitionState(), rules.apply)

    @workflow.run
    async def run(self, identification: ce.IdentifyCandidate) -> CoalitionOutcome:
        await self._read_registry("identifying a coalition's candidate country")
        coalition = workflow.info().workflow_id
        await self._begin(lambda: rules.identification(coalition, identification,
                                                       self._registry, workflow.now()))
        await workflow.wait_condition(
            lambda: self._state.phase is CoalitionPhase.CLOSED and not self._lock.locked())
        await workflow.wait_condition(workflow.all_handlers_finished)
        return CoalitionOutcome(coalition=coalition, events=self._state.event_count,
                                reports=tuple(r.msp_year for r in self._state.reports))

    def _judge(self, command: ce.CoalitionStepCommand) -> None:
        if self._begun is not None:
            judged(lambda: rules.decide(self._state, command, workflow.now()))

    async def _step(self, command: ce.CoalitionStepCommand) -> Receipt:
        return await self._take(lambda: rules.decide(self._state, command, workflow.now()))

    @workflow.update
    async def wait_identified(self) -> Receipt:
        """The receipt of ``CandidateIdentified``, once recorded."""
        return await self._began()

    @workflow.query
    def state(self) -> CoalitionState:
        return self._state

    @workflow.query
    def pending(self) -> list[OpenStep]:
        return open_steps(STEPS, self._state)

    @workflow.update
    async def agree_to_co_coordinate(self, command: ce.AgreeToCoCoordinate) -> Receipt:
        """A delegate of the affected or the partner State agrees for it (CK-2)."""
        return await self._step(command)

    @agree_to_co_coordinate.validator
    def _may_agree(self, command: ce.AgreeToCoCoordinate) -> None:
        self._judge(command)

    @workflow.update
    async def register_strategy(self, command: ce.RegisterStrategy) -> Receipt:
        """The affected State registers its national strategy document (CK-3)."""
        return await self._step(command)

    @register_strategy.validator
    def _may_register_strategy(self, command: ce.RegisterStrategy) -> None:
        self._judge(command)

    @workflow.update
    async def admit_participant(self, command: ce.AdmitParticipant) -> Receipt:
        """A co-coordinator admits a State, organisation, operator or expert (CK-4)."""
        return await self._step(command)

    @admit_participant.validator
    def _may_admit_participant(self, command: ce.AdmitParticipant) -> None:
        self._judge(command)

    @workflow.update
    async def record_departure(self, command: ce.RecordDeparture) -> Receipt:
        """A co-coordinator records that a participant left (CK-4)."""
        return await self._step(command)

    @record_departure.validator
    def _may_record_departure(self, command: ce.RecordDeparture) -> None:
        self._judge(command)

    @workflow.update
    async def plan_workshop(self, command: ce.PlanWorkshop) -> Receipt:
        """The affected State (or a coordinator) plans a country workshop (CK-7)."""
        return await self._step(command)

    @plan_workshop.validator
    def _may_plan_workshop(self, command: ce.PlanWorkshop) -> None:
        self._judge(command)

    @workflow.update
    async def hold_workshop(self, command: ce.HoldWorkshop) -> Receipt:
        """The workshop is recorded as held, with its outcomes (CK-7, 7MSP ¶8)."""
        return await self._step(command)

    @hold_workshop.validator
    def _may_hold_workshop(self, command: ce.HoldWorkshop) -> None:
        self._judge(command)

    @workflow.update
    async def coordinate_activity(self, command: ce.CoordinateActivity) -> Receipt:
        """An existing activity is recorded as coordinated, never twice (CK-6)."""
        return await self._step(command)

    @coordinate_activity.validator
    def _may_coordinate_activity(self, command: ce.CoordinateActivity) -> None:
        self._judge(command)

    @workflow.update
    async def report_progress(self, command: ce.ReportProgress) -> Receipt:
        """The year's progress, reported into the MSP's submission (CK-3)."""
        return await self._step(command)

    @report_progress.validator
    def _may_report_progress(self, command: ce.ReportProgress) -> None:
        self._judge(command)

    @workflow.update
    async def close_coalition(self, command: ce.CloseCoalition) -> Receipt:
        """A co-coordinator or the committee closes the coalition (CK-2)."""
        return await self._step(command)

    @close_coalition.validator
    def _may_close_coalition(self, command: ce.CloseCoalition) -> None:
        self._judge(command)
