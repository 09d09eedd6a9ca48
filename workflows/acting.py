"""Who acted, and whether they may: what every kind of process judges of a step's actor
before the rules of the step — the attestation that proves who sent it (``domain.attestation``,
AT-1, AT-2: since the ``attested-steps`` patch) and the record that says whether they hold
their role that day (``domain.authority``: since the ``authority-from-the-record`` patch, read
from the ledger by the ``read_record`` activity where the kind's state does not hold it).
``workflows.core`` judges every step through :meth:`Acting._decide`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import BaseModel

    from contracts import READ_RECORD, ReadRecord, RecordedEvent
    from domain.attestation import attestation_of, bound
    from domain.authority import Record
    from domain.convention import Actor, Role, State
    from domain.errors import RuleViolation

from workflows.recording import Recording, judged

S = TypeVar("S", bound=BaseModel)
C = TypeVar("C", bound=BaseModel)
#: patch: a coalition's or silence procedure's steps are judged on the record of who holds
#: office (``domain.authority``), read from the ledger as it begins and before each step
READING_RECORD = "authority-from-the-record"
_READING = timedelta(minutes=2)


class Acting(Recording[S]):
    """A stream's judgement of who acts: their attestation, then the record of their office,
    then the kind's rules (``_decide``)."""

    _registry: Mapping[str, State]
    _held_record: Record | None
    _record_day: date | None = None
    _reads_record: bool

    async def _read_record(self, purpose: str) -> None:
        """Read who holds office around today from the ledger's cycle streams
        (``domain.authority``), where this run judges authority on the record."""
        if not self._reads_record:
            return  # a run from before the patch replays as it ran
        self._record_day = workflow.now().date()
        self._held_record = await workflow.execute_local_activity(
            READ_RECORD, ReadRecord(day=self._record_day, purpose=purpose),
            result_type=Record, start_to_close_timeout=_READING)

    def _authorised(self, command: BaseModel, *, validating: bool = False) -> None:
        """Refuse ``command`` if the record held does not give its actor their role today.
        The validator judges on a record read today only: one read on an earlier day may not
        know an office taken since, which the handler, reading it again, judges."""
        if validating and self._record_day != workflow.now().date():
            return
        if self._held_record is not None:
            record = self._held_record
            judged(lambda: self.KIND.authority(self._state, command, record, workflow.now()))

    def _attested_beginning(self, beginning: C, decision: Callable[[C], RecordedEvent]
                            ) -> RecordedEvent:
        """``decision(beginning)``, if a person's attestation vouches for it (AT-1, AT-2) or
        the engine began it from a workflow of its own (a year's close, the ISU's schedule):
        a run started straight through Temporal, as anyone, begins nothing."""
        if self._attested:
            actor: Actor = beginning.actor  # type: ignore[attr-defined]
            if actor.role is not Role.ENGINE or attestation_of(beginning) is not None:
                bound(beginning, stream=workflow.info().workflow_id, step=self.KIND.begins,
                      version=0)
            elif workflow.info().parent is None:
                raise RuleViolation("AT-1", "{workflow_id} was started as the engine from "
                                            "outside the engine; the engine begins a process "
                                            "only from a workflow of its own.",
                                            workflow_id=workflow.info().workflow_id)
        return decision(beginning)

    def _decide(self, command: BaseModel, name: str, *, validating: bool = False
                ) -> RecordedEvent:
        """The event ``command`` records now: only if its attestation names this step at a
        version the stream has reached (AT-2, since the run knows attestations), the record
        gives its actor their role today, and the rules accept it."""
        def decided() -> RecordedEvent:
            if self._attested:
                bound(command, stream=workflow.info().workflow_id, step=name,
                      version=self._version)
            self._authorised(command, validating=validating)
            return self._judge(command)
        return judged(decided)

    def _judge(self, command: BaseModel) -> RecordedEvent:
        """The kind's rules on ``command`` now (a kind may give them facts it has read)."""
        event: RecordedEvent = self.KIND.decide(self._state, command, self._registry,
                                                workflow.now())
        return event
