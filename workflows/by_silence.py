"""The annual cycle's committee decisions taken by silence procedure among the Coordination
Committee's members (CC-5, issue 20): before judging an ``approve_workplan`` or
``return_workplan`` that names a silence stream (``by_silence``), the cycle's handler reads
that stream from the ledger (``contracts.READ_STREAM``) and folds it (``domain.silence``); the
rules then judge the step on the procedure's outcome (``domain.committee_decisions``) and the
event records it (``domain.silence_decision.SilenceDecision``).

Only a step naming ``by_silence`` reads anything: histories recorded before it never did, and
replay unchanged. The validator, which runs no activities, lets such a step through to the
handler, which judges it fully; a refusal records nothing.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from contracts import READ_STREAM, ReadStream, RecordedEvent, StreamRead
    from domain import decide
    from domain.errors import RuleViolation
    from domain.kinds import SILENCE
    from domain.silence_decision import SilenceDecision, silence_decision
    from domain.state import CycleState

from workflows.core import ProcessCore
from workflows.recording import _TIMEOUT, RECORDING


def _named(command: BaseModel) -> str | None:
    named = getattr(command, "by_silence", None)
    return named if isinstance(named, str) else None


class DecidingBySilence(ProcessCore[CycleState]):
    """The cycle's hooks (``workflows.core``) for a committee decision by silence procedure."""

    #: the procedure's decision read for the step in hand, or why there is none
    _silence: SilenceDecision | RuleViolation | None = None

    def _handler_judges(self, command: BaseModel) -> bool:
        return _named(command) is not None

    async def _facts_for(self, command: BaseModel) -> None:
        """Read the silence stream ``command`` names, every event of it, and fold it."""
        stream, self._silence = _named(command), None
        if stream is None:
            return
        events: list[object] = []
        while True:
            read: StreamRead = await workflow.execute_local_activity(
                READ_STREAM, ReadStream(stream=stream, after=len(events)),
                result_type=StreamRead, start_to_close_timeout=_TIMEOUT, retry_policy=RECORDING)
            events += [entry.event for entry in read.entries]
            if len(events) >= read.version or not read.entries:
                break
        try:
            self._silence = silence_decision(stream, SILENCE.fold(events))
        except RuleViolation as refusal:  # judged with the step, so refused as it is
            self._silence = refusal

    def _judge(self, command: BaseModel) -> RecordedEvent:
        silence = self._silence if _named(command) is not None else None
        if isinstance(silence, RuleViolation):
            raise silence
        event: RecordedEvent = decide.decide(self._state, command,  # type: ignore[arg-type]
                                             self._registry, workflow.now(), silence)
        return event
