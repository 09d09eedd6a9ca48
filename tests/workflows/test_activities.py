"""The activities on their own (Temporal's ActivityEnvironment, a real SQLite ledger): a
retried ``record_event`` writes once; every log line is JSON-ready data with the workflow id,
run id and event id bound."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from structlog.testing import capture_logs
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.recording import CycleActivities
from attesting import Signer
from contracts import PrepareCycle, ReadRecord, RecordEvent, TakeCheckpoint
from domain.attestation import canonical_input
from domain.calendar import default_calendar
from domain.commands import OpenCycle
from domain.committee import coordinators_on
from domain.elections import Term
from domain.events import CycleOpened, TermEndedEarly
from domain.profile import profile
from ledger import Ledger, NewEvent, create_ledger_engine, upgrade
from scenarios import scripted


@pytest.fixture
def activities(tmp_path: Path) -> CycleActivities:
    engine = create_ledger_engine(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    upgrade(engine)
    return CycleActivities(Ledger(engine), tmp_path / "key.pem")


@pytest.fixture
def signer(activities: CycleActivities) -> Signer:
    return Signer.of(activities.attestation_key)


def _opening(year: int, signer: Signer) -> RecordEvent:
    """The opening of ``year`` as the ISU, attested as the CLI or the API would attest it."""
    command = signer.attest(OpenCycle(year=year, actor=scripted.ISU,
                                      calendar=default_calendar(year)),
                            stream=f"cycle-{year}", step="open_cycle", version=0)
    event = CycleOpened(year=year, occurred_at=datetime(year - 1, 9, 7, tzinfo=UTC),
                        actor=scripted.ISU, calendar=default_calendar(year))
    return RecordEvent(stream=f"cycle-{year}", expected_version=0, event_id=uuid.uuid4(),
                       event=event, attestation=command.attestation,
                       input=canonical_input(command))


def test_a_retried_record_event_writes_once(activities: CycleActivities, signer: Signer
                                            ) -> None:
    env, request = ActivityEnvironment(), _opening(2027, signer)
    first = env.run(activities.record_event, request)
    again = env.run(activities.record_event, request)  # as a retry after a lost reply would
    assert again == first
    assert activities.ledger.head() == 1
    stored = activities.ledger.read_stream("cycle-2027")
    assert [s.event_id for s in stored] == [request.event_id]
    assert stored[0].workflow_id == env.info.workflow_id
    assert stored[0].run_id == env.info.workflow_run_id


def test_a_clash_with_the_stream_is_not_retried(activities: CycleActivities,
                                                signer: Signer) -> None:
    env = ActivityEnvironment()
    env.run(activities.record_event, _opening(2027, signer))
    with pytest.raises(ApplicationError) as refused:
        env.run(activities.record_event, _opening(2027, signer))  # another id at the same version
    assert refused.value.type == "WrongExpectedVersion"
    assert refused.value.non_retryable
    assert activities.ledger.head() == 1


def test_logs_bind_the_workflow_run_and_event(activities: CycleActivities,
                                              signer: Signer) -> None:
    env, request = ActivityEnvironment(), _opening(2027, signer)
    with capture_logs() as logs:
        env.run(activities.record_event, request)
        env.run(activities.take_checkpoint, TakeCheckpoint(reason="test"))
    recorded, checkpoint = logs
    assert recorded["event"] == "event_recorded"
    assert recorded["event_id"] == str(request.event_id)
    assert recorded["workflow_id"] == env.info.workflow_id
    assert recorded["run_id"] == env.info.workflow_run_id
    assert recorded["position"] == 1
    assert checkpoint["event"] == "checkpoint_taken"
    assert checkpoint["tree_size"] == 1


def test_prepare_carries_what_the_previous_year_leaves_running(
        activities: CycleActivities, signer: Signer) -> None:
    env = ActivityEnvironment()
    empty = env.run(activities.prepare_cycle, PrepareCycle(year=2027))
    assert not empty.previous_recorded
    assert empty.carried_terms == ()
    assert len(empty.registry) == 156
    env.run(activities.record_event, _opening(2027, signer))
    basis = env.run(activities.prepare_cycle, PrepareCycle(year=2028))
    assert basis.previous_recorded


def test_prepare_gives_the_profile_a_cycle_opened_without_one_runs_by(tmp_path: Path) -> None:
    engine = create_ledger_engine(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    upgrade(engine)
    env = ActivityEnvironment()
    for setting in ("seeds", "engine-2026"):
        acts = CycleActivities(Ledger(engine), tmp_path / "key.pem", default_profile=setting)
        basis = env.run(acts.prepare_cycle, PrepareCycle(year=2027))
        assert basis.profile is not None
        assert basis.profile.name == setting


def test_the_record_read_holds_a_term_ended_early_and_its_replacement(
        activities: CycleActivities) -> None:
    bih = Term(state="BIH", mandate="stockpile-destruction", first_year=2027, last_year=2027,
               begins=date(2026, 9, 7))
    fra = Term(state="FRA", mandate=bih.mandate, first_year=2027, last_year=2027,
               begins=date(2027, 3, 1), replacing="BIH")
    at = datetime(2027, 3, 2, tzinfo=UTC)
    events: list[CycleOpened | TermEndedEarly] = [CycleOpened(
        year=2027, occurred_at=at, actor=scripted.ISU, carried_terms=(bih,),
        calendar=default_calendar(2027), profile=profile("seeds")), TermEndedEarly(
        year=2027, occurred_at=at, actor=scripted.ISU, term=bih, ended_on=date(2027, 3, 1),
        reason="withdrew", decided_by="the committee", replacement=fra)]
    activities.ledger.append("cycle-2027", [NewEvent(
        event_id=uuid.uuid4(), type=e.type, schema_version=e.schema_version,
        payload=e.model_dump(mode="json"), actor=e.actor.name, role=e.actor.role.value,
        occurred_at=e.occurred_at) for e in events], 0)
    record = ActivityEnvironment().run(activities.read_record, ReadRecord(
        day=date(2027, 4, 1), purpose="a test"))
    assert record.profile.name == "seeds"
    assert bih.model_copy(update={"ends": date(2027, 3, 1)}) in record.terms
    assert fra in record.terms
    running = coordinators_on(date(2027, 4, 1), record.terms, record.profile.term_basis)
    assert [t.state for t in running[bih.mandate]] == ["FRA"]
