"""``CoalitionWorkflow``: one country coalition (7MSP, CK-1 … CK-8), workflow id
``coalition-<iso3>-<n>`` (``coalition-lao-1``), which is also its ledger stream.

It begins with the Coordination Committee's identification of the candidate (CK-7), judged on
the registry of States read as it begins; every later step is an update of the one core
(``workflows.core``), judged by ``domain.coalition``. It ends when the coalition is closed.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from contracts import FromLedger, Receipt
    from domain import coalition as rules
    from domain import coalition_events as ce
    from domain.coalition_state import CoalitionPhase, CoalitionState
    from domain.kinds import COALITION
    from workflows.models import CoalitionOutcome

from workflows.core import ProcessCore


@workflow.defn(name="Coalition")
class CoalitionWorkflow(ProcessCore[CoalitionState]):
    KIND = COALITION

    @workflow.init
    def __init__(self, identification: ce.IdentifyCandidate | FromLedger) -> None:
        self._setup()

    @workflow.run
    async def run(self, identification: ce.IdentifyCandidate | FromLedger
                  ) -> CoalitionOutcome:
        await self._read_registry("identifying a coalition's candidate country")
        await self._read_record("judging who identifies a coalition's candidate country")
        coalition = workflow.info().workflow_id
        await self._begin(identification, lambda command: self._identified(coalition, command))
        await self._until(
            lambda: self._state.phase is CoalitionPhase.CLOSED and not self._lock.locked())
        await workflow.wait_condition(workflow.all_handlers_finished)
        return CoalitionOutcome(coalition=coalition, events=self._state.event_count,
                                reports=tuple(r.msp_year for r in self._state.reports))

    def _identified(self, coalition: str, command: ce.IdentifyCandidate
                    ) -> ce.CandidateIdentified:
        """The identification, once the record says its actor sits on the committee (CK-7)."""
        self._authorised(command)
        return rules.identification(coalition, command, self._registry, workflow.now())

    @workflow.update
    async def wait_identified(self) -> Receipt:
        """The receipt of ``CandidateIdentified``, once recorded."""
        return await self._began()
