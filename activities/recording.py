"""The activities, bound to one ledger: record an event, read a stream back, note a stream that
needs attention, prepare a cycle, sign a checkpoint.

They are synchronous (SQLAlchemy's engine is) and run on the worker's thread pool. Each logs
one JSON line through structlog with the workflow id, run id and, when recording, the event id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.attested import Gate
from activities.beating import heartbeating
from attesting.signer import configure
from contracts import (
    NOTE_ATTENTION,
    PREPARE_CYCLE,
    READ_RECORD,
    READ_REGISTRY,
    READ_STREAM,
    RECORD_EVENT,
    TAKE_CHECKPOINT,
    CheckpointTaken,
    CycleBasis,
    LedgerEntry,
    NoteAttention,
    PrepareCycle,
    ReadRecord,
    ReadRegistry,
    ReadStream,
    RecordEvent,
    RegistryRead,
    StreamRead,
    TakeCheckpoint,
    cycle_id,
)
from domain.authority import Record
from domain.convention import State, shipped_registry
from domain.cycle import fold
from domain.errors import RuleViolation
from domain.events import parse_event
from domain.kinds import kind_of
from domain.offices import record_of
from domain.profile import DEFAULT, profile
from ledger import EventIdConflict, Ledger, NewEvent, Receipt, StoredEvent, WrongExpectedVersion
from ledger import attention as attention_table
from ledger.checkpoints import load_or_create_key, take_checkpoint
from ledger.errors import AttestationReused
from settings import ATTESTATION_KEY


def _refusal(violation: RuleViolation) -> ApplicationError:
    """The refusal as the workflow passes it on to the person (``workflows.recording.refusal``
    makes the same of a refusal in the workflow; activities cannot import it)."""
    return ApplicationError(str(violation), violation.details(), type="RuleViolation",
                            non_retryable=True)


def parse_any(stored: StoredEvent) -> object:
    """The stored event as its stream's kind reads it."""
    return kind_of(stored.stream).event.validate_python(stored.payload)


def _log(**bound: object) -> structlog.stdlib.BoundLogger:
    info = activity.info()
    logger: structlog.stdlib.BoundLogger = structlog.get_logger("intersessional.activities")
    return logger.bind(workflow_id=info.workflow_id, run_id=info.workflow_run_id,
                       activity=info.activity_type, attempt=info.attempt, **bound)


#: the worker's counter of the events it recorded, on its metrics endpoint (runtime.metrics)
EVENTS_RECORDED = "intersessional_events_recorded"


def _count_recorded(stream: str, event_type: str) -> None:
    """One more ``event_type`` recorded in a stream of its kind, through the SDK's meter (a
    no-op where the worker's runtime exports no metrics); the meter adds the namespace, task
    queue and activity type."""
    counter = activity.metric_meter().create_counter(
        EVENTS_RECORDED, "events the worker recorded in the ledger", "events")
    counter.add(1, {"event_type": event_type, "kind": kind_of(stream).name})


class CycleActivities:
    """The activities of the annual cycle over ``ledger``; checkpoints are signed with the key
    at ``signing_key`` (created on first use, outside the database); a cycle opened without a
    profile runs by ``default_profile`` (the setting ``INTERSESSIONAL_PROFILE``)."""

    def __init__(self, ledger: Ledger, signing_key: Path,
                 registry: Callable[[], Mapping[str, State]] = shipped_registry,
                 attestation_key: Path | None = None, default_profile: str = DEFAULT) -> None:
        self.ledger = ledger
        self.default_profile = profile(default_profile)
        self.signing_key = signing_key
        self.registry = registry
        self.attestation_key = attestation_key or signing_key.with_name(ATTESTATION_KEY)
        # the worker's workflows believe the attestations this deployment's keyring vouches for
        configure(self.attestation_key)
        self.gate = Gate(self.attestation_key)

    @activity.defn(name=RECORD_EVENT)
    def record_event(self, request: RecordEvent) -> Receipt:
        """Append the event; offered again (a retry), it returns the first receipt."""
        event = request.recorded
        log = _log(event_id=str(request.event_id), stream=request.stream,
                   actor=event.actor.name, role=event.actor.role.value)
        info = activity.info()
        try:
            kept = self.gate.kept(request)
        except RuleViolation as refused:
            log.warning("event_refused_unattested", type=event.type, reason=str(refused))
            raise _refusal(refused) from None
        new = NewEvent(event_id=request.event_id, type=event.type, attestation=kept,
                       schema_version=event.schema_version,
                       payload=event.model_dump(mode="json"), actor=event.actor.name,
                       role=event.actor.role.value, occurred_at=event.occurred_at,
                       workflow_id=info.workflow_id, run_id=info.workflow_run_id)
        try:
            [receipt] = self.ledger.append(request.stream, [new], request.expected_version)
        except AttestationReused as reused:
            raise _refusal(RuleViolation("AT-3", "an attestation offered with an event of "
                                                 "{stream} is kept beside another event "
                                                 "already; each is used once.",
                                         stream=reused.stream)) from None
        except (WrongExpectedVersion, EventIdConflict) as refused:
            # never retried as it is: the workflow reads what the ledger holds and goes on
            # from there (workflows.core, ``_catch_up``)
            log.warning("event_refused_by_ledger", type=event.type, reason=str(refused))
            raise ApplicationError(str(refused), type=type(refused).__name__,
                                   non_retryable=True) from refused
        log.info("event_recorded", type=event.type, version=receipt.version,
                 position=receipt.position, hash=receipt.hash)
        _count_recorded(request.stream, event.type)
        return receipt

    @activity.defn(name=READ_STREAM)
    def read_stream(self, request: ReadStream) -> StreamRead:
        """The events of a stream after a version, as the ledger holds them, and its version."""
        recorded = self.ledger.read_stream(request.stream, request.after + 1)
        version = recorded[-1].version if recorded else self.ledger.version(request.stream)
        entries: list[LedgerEntry] = []
        size = 0
        for stored in recorded[:request.limit]:
            size += len(str(stored.payload))
            if entries and size > request.max_bytes:
                break
            entries.append(LedgerEntry(receipt=stored.receipt, event=parse_any(stored)))
        _log(stream=request.stream).info("stream_read", after=request.after,
                                         entries=len(entries), version=version)
        return StreamRead(entries=tuple(entries), version=version)

    @activity.defn(name=NOTE_ATTENTION)
    def note_attention(self, request: NoteAttention) -> None:
        """Note that a stream needs attention, for status, dashboard and cross-check."""
        info = activity.info()
        attention_table.note(self.ledger.engine, request.stream, request.cause,
                             request.repair, workflow_id=info.workflow_id,
                             run_id=info.workflow_run_id)
        _log(stream=request.stream).error("stream_needs_attention", cause=request.cause,
                                          repair=request.repair)

    @activity.defn(name=PREPARE_CYCLE)
    @heartbeating
    def prepare_cycle(self, request: PrepareCycle) -> CycleBasis:
        """What the previous cycle's recorded events leave running, and the registry today:
        terms that run into the new year or ended just before it (CO-5, CO-7), and
        presidencies not over before the previous year (CC-3)."""
        recorded = self.ledger.read_stream(cycle_id(request.year - 1))
        previous = fold(parse_event(e.payload) for e in recorded)
        terms = tuple(t for t in previous.terms if t.last_year >= request.year - 1)
        presidencies = tuple(p for p in previous.presidencies
                             if p.presides_until is None or p.presides_until.year
                             >= request.year - 1)
        _log(year=request.year).info("cycle_prepared", carried_terms=len(terms),
                                     carried_presidencies=len(presidencies),
                                     previous_events=len(recorded))
        return CycleBasis(previous_recorded=bool(recorded), carried_terms=terms,
                          carried_presidencies=presidencies,
                          registry=tuple(self.registry().values()),
                          profile=self.default_profile)

    @activity.defn(name=READ_REGISTRY)
    @heartbeating
    def read_registry(self, request: ReadRegistry) -> RegistryRead:
        """The registry of States today, kept in the workflow's history so that replaying it
        judges the same States the same way."""
        _log().info("registry_read", purpose=request.purpose)
        return RegistryRead(registry=tuple(self.registry().values()))

    @activity.defn(name=READ_RECORD)
    def read_record(self, request: ReadRecord) -> Record:
        """The terms and presidencies the cycle streams around ``request.day`` record, as
        they were recorded (not judged again: who held office is what the ledger says), with
        the mandates and profile of the latest of those cycles; a term ended early (CO-10)
        counts as it ended, beside its replacement's. Kept in the workflow's history, as the
        registry is, so that a replay judges on the same record."""
        years = range(request.day.year - 1, request.day.year + 2)
        record = record_of(parse_event(stored.payload)
                           for y in years for stored in self.ledger.read_stream(cycle_id(y)))
        _log().info("record_read", purpose=request.purpose, day=request.day.isoformat(),
                    terms=len(record.terms), presidencies=len(record.presidencies))
        return record

    @activity.defn(name=TAKE_CHECKPOINT)
    @heartbeating
    def take_checkpoint(self, request: TakeCheckpoint) -> CheckpointTaken:
        """Sign the root of the whole log as it stands (idempotent at one size)."""
        cp = take_checkpoint(self.ledger.engine, load_or_create_key(self.signing_key))
        _log().info("checkpoint_taken", reason=request.reason, tree_size=cp.tree_size,
                    root_hash=cp.root_hash)
        return CheckpointTaken(tree_size=cp.tree_size, root_hash=cp.root_hash, key_id=cp.key_id)
