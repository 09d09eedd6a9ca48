"""The ledger's gate (``activities.attested``), on a real SQLite ledger: a person's event is
kept only with an attestation that verifies and vouches for it; what is refused names its rule
and leaves nothing recorded, and the next attested step is kept."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.recording import CycleActivities
from attesting import Signer
from attesting.rotation import KeyringRefusal, revoke, rotate
from contracts import RecordEvent
from domain.attestation import canonical_input
from domain.calendar import default_calendar
from domain.commands import OpenCycle
from domain.convention import Actor, Role
from domain.events import CycleOpened
from ledger import Ledger, create_ledger_engine, upgrade
from ledger.schema import attestations
from scenarios import scripted

STREAM = "cycle-2027"


@pytest.fixture
def activities(tmp_path: Path) -> CycleActivities:
    engine = create_ledger_engine(f"sqlite:///{tmp_path / 'ledger.sqlite3'}")
    upgrade(engine)
    return CycleActivities(Ledger(engine), tmp_path / "key.pem")


def _offer(signer: Signer | None, actor: Actor = scripted.ISU, **changed: object
           ) -> RecordEvent:
    command = OpenCycle(year=2027, actor=actor, calendar=default_calendar(2027))
    event = CycleOpened(year=2027, occurred_at=datetime(2026, 9, 7, tzinfo=UTC), actor=actor,
                        calendar=default_calendar(2027))
    if signer is None:
        return RecordEvent(stream=STREAM, expected_version=0, event_id=uuid.uuid4(),
                           event=event)
    attested = signer.attest(command, stream=STREAM, step="open_cycle", version=0, person=7)
    fields: dict[str, object] = {"stream": STREAM, "expected_version": 0,
                                 "event_id": uuid.uuid4(), "event": event,
                                 "attestation": attested.attestation,
                                 "input": canonical_input(attested)}
    return RecordEvent(**{**fields, **changed})


def _refused(activities: CycleActivities, request: RecordEvent) -> str:
    with pytest.raises(ApplicationError) as refused:
        ActivityEnvironment().run(activities.record_event, request)
    assert refused.value.type == "RuleViolation"
    assert refused.value.non_retryable
    assert activities.ledger.head() == 0, "nothing is recorded"
    rule: str = refused.value.details[0]["rule_id"]
    return rule


def _kept(activities: CycleActivities) -> int:
    with activities.ledger.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(attestations)).scalar_one())


def test_a_person_event_without_attestation_is_refused(activities: CycleActivities) -> None:
    assert _refused(activities, _offer(None)) == "AT-1"
    ActivityEnvironment().run(activities.record_event,
                              _offer(Signer.of(activities.attestation_key)))
    assert activities.ledger.head() == 1
    assert _kept(activities) == 1


def test_the_engine_own_event_needs_none(activities: CycleActivities) -> None:
    engine = Actor(name="intersessional engine", role=Role.ENGINE)
    ActivityEnvironment().run(activities.record_event, _offer(None, engine))
    assert activities.ledger.head() == 1
    assert _kept(activities) == 0


def test_a_key_the_deployment_does_not_publish_is_refused(activities: CycleActivities,
                                                          tmp_path: Path) -> None:
    stranger = Signer.of(tmp_path / "elsewhere" / "key.pem")
    assert _refused(activities, _offer(stranger)) == "AT-1"
    ActivityEnvironment().run(activities.record_event,
                              _offer(Signer.of(activities.attestation_key)))
    assert activities.ledger.head() == 1


def test_an_altered_statement_does_not_verify(activities: CycleActivities) -> None:
    request = _offer(Signer.of(activities.attestation_key))
    assert request.attestation is not None
    forged = request.attestation.model_copy(update={
        "statement": request.attestation.statement.model_copy(update={"name": "Someone Else"})})
    assert _refused(activities, request.model_copy(update={"attestation": forged})) == "AT-1"
    bad = request.attestation.model_copy(update={
        "signature": base64.b64encode(b"\0" * 64).decode()})
    assert _refused(activities, request.model_copy(update={"attestation": bad})) == "AT-1"


def test_an_attestation_of_other_data_is_refused(activities: CycleActivities) -> None:
    request = _offer(Signer.of(activities.attestation_key))
    other = json.dumps({"year": 2027, "calendar": None, "mandates": None,
                        "carried_terms": [], "carried_presidencies": []})
    assert _refused(activities, request.model_copy(update={"input": other})) == "AT-2"
    officer = Actor(name="Another Officer", role=Role.ISU)
    elsewhere = _offer(Signer.of(activities.attestation_key), officer)
    assert elsewhere.attestation is not None
    someone = request.model_copy(update={"attestation": elsewhere.attestation,
                                         "input": elsewhere.input})
    assert _refused(activities, someone) == "AT-2"  # another person's, for this event
    ActivityEnvironment().run(activities.record_event, request)
    assert activities.ledger.head() == 1


def test_a_retired_key_attests_nothing_more(activities: CycleActivities) -> None:
    old = Signer.of(activities.attestation_key)
    retired, made = rotate(activities.attestation_key)
    assert retired.key_id == old.key_id
    assert retired.retired_at is not None
    rule = _refused(activities, _offer(old))  # signed after the key was retired
    assert rule == "AT-1"
    new = Signer.of(activities.attestation_key)
    assert new.key_id == made.key_id != old.key_id
    ActivityEnvironment().run(activities.record_event, _offer(new))
    assert activities.ledger.head() == 1


def test_a_revoked_key_is_refused_at_once(activities: CycleActivities) -> None:
    signer = Signer.of(activities.attestation_key)
    with pytest.raises(KeyringRefusal, match="no key"):
        revoke(activities.attestation_key, "ffff", "a typo")
    with pytest.raises(KeyringRefusal, match="reason"):
        revoke(activities.attestation_key, signer.key_id[:12], " ")
    revoked = revoke(activities.attestation_key, signer.key_id[:12], "left on a laptop")
    assert revoked.reason == "left on a laptop"
    assert _refused(activities, _offer(signer)) == "AT-1"  # the running gate reads it again


def test_an_attestation_is_kept_once(activities: CycleActivities) -> None:
    first = _offer(Signer.of(activities.attestation_key))
    ActivityEnvironment().run(activities.record_event, first)
    again = first.model_copy(update={"event_id": uuid.uuid4(), "expected_version": 1})
    with pytest.raises(ApplicationError) as refused:
        ActivityEnvironment().run(activities.record_event, again)
    assert refused.value.details[0]["rule_id"] == "AT-3"
    assert activities.ledger.head() == 1
    assert _kept(activities) == 1
