"""Every step a person takes, as a Temporal update with a validator.

The validator asks ``domain`` whether this actor, in this role, may take this step now with
this data; a refusal reaches the caller as an ``ApplicationError`` of type ``RuleViolation``
(rule id, paragraph, sentence) and nothing is recorded, not even in the workflow's history.
Accepted, the handler judges again under the lock and records the event; it returns the
ledger's receipt. Each update's name is its ``domain.steps.Step`` value.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from domain.commands import (
        AdoptWorkplan,
        ApproveWorkplan,
        ConveneMeeting,
        DesignatePresident,
        DispenseWithMeeting,
        DraftWorkplan,
        ElectCoordinators,
        HoldMeeting,
        RejectWorkplan,
        ReturnWorkplan,
        SendWorkplanToMSP,
        SubmitWorkplanToCommittee,
    )
    from ledger.records import Receipt

from workflows.core import CycleCore


class CycleSteps(CycleCore):
    @workflow.update
    async def elect_coordinators(self, command: ElectCoordinators) -> Receipt:
        """The President records the MSP's election of coordinators (CO-1..7, WG-2, WG-3)."""
        return await self._take(command)

    @elect_coordinators.validator
    def _may_elect_coordinators(self, command: ElectCoordinators) -> None:
        self._judge(command)

    @workflow.update
    async def designate_president(self, command: DesignatePresident) -> Receipt:
        """The President records the designation of the next President (CO-3)."""
        return await self._take(command)

    @designate_president.validator
    def _may_designate_president(self, command: DesignatePresident) -> None:
        self._judge(command)

    @workflow.update
    async def convene_meeting(self, command: ConveneMeeting) -> Receipt:
        """The President, with the coordinators, convenes the intersessional meeting (IM-1..7)."""
        return await self._take(command)

    @convene_meeting.validator
    def _may_convene_meeting(self, command: ConveneMeeting) -> None:
        self._judge(command)

    @workflow.update
    async def dispense_with_meeting(self, command: DispenseWithMeeting) -> Receipt:
        """The President records that this cycle holds no intersessional meeting (IM-8)."""
        return await self._take(command)

    @dispense_with_meeting.validator
    def _may_dispense_with_meeting(self, command: DispenseWithMeeting) -> None:
        self._judge(command)

    @workflow.update
    async def hold_meeting(self, command: HoldMeeting) -> Receipt:
        """The ISU or the President records that the meeting was held (IM-1)."""
        return await self._take(command)

    @hold_meeting.validator
    def _may_hold_meeting(self, command: HoldMeeting) -> None:
        self._judge(command)

    @workflow.update
    async def draft_workplan(self, command: DraftWorkplan) -> Receipt:
        """The ISU drafts (or revises) the work plan and budget (ISU-2)."""
        return await self._take(command)

    @draft_workplan.validator
    def _may_draft_workplan(self, command: DraftWorkplan) -> None:
        self._judge(command)

    @workflow.update
    async def submit_workplan_to_committee(self, command: SubmitWorkplanToCommittee) -> Receipt:
        """The ISU puts the draft before the Coordination Committee (ISU-2)."""
        return await self._take(command)

    @submit_workplan_to_committee.validator
    def _may_submit_workplan_to_committee(self, command: SubmitWorkplanToCommittee) -> None:
        self._judge(command)

    @workflow.update
    async def approve_workplan(self, command: ApproveWorkplan) -> Receipt:
        """The committee (its chair or a member, CC-3) approves the text it saw (ISU-3)."""
        return await self._take(command)

    @approve_workplan.validator
    def _may_approve_workplan(self, command: ApproveWorkplan) -> None:
        self._judge(command)

    @workflow.update
    async def return_workplan(self, command: ReturnWorkplan) -> Receipt:
        """The committee returns the text it saw for revision, with reasons (ISU-3)."""
        return await self._take(command)

    @return_workplan.validator
    def _may_return_workplan(self, command: ReturnWorkplan) -> None:
        self._judge(command)

    @workflow.update
    async def send_workplan_to_msp(self, command: SendWorkplanToMSP) -> Receipt:
        """The President submits the approved text, unaltered, to the MSP (ISU-3)."""
        return await self._take(command)

    @send_workplan_to_msp.validator
    def _may_send_workplan_to_msp(self, command: SendWorkplanToMSP) -> None:
        self._judge(command)

    @workflow.update
    async def adopt_workplan(self, command: AdoptWorkplan) -> Receipt:
        """The President records the MSP's adoption of the submitted text (ISU-3)."""
        return await self._take(command)

    @adopt_workplan.validator
    def _may_adopt_workplan(self, command: AdoptWorkplan) -> None:
        self._judge(command)

    @workflow.update
    async def reject_workplan(self, command: RejectWorkplan) -> Receipt:
        """The President records the MSP's rejection of the submitted text (ISU-3)."""
        return await self._take(command)

    @reject_workplan.validator
    def _may_reject_workplan(self, command: RejectWorkplan) -> None:
        self._judge(command)
