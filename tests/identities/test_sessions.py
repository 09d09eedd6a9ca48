"""The dashboard's sessions (migration 0006) on both backends: a session's id opens its person,
is kept only as its SHA-256, and opens nothing once it expired, was ended (signing out) or its
person was revoked; the table is what schema.py says."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

from identities import People, Sessions, Unauthenticated, csrf_of
from identities.schema import metadata
from tests.identities.conftest import Clock

HOURS = timedelta(hours=8)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sessions(engine: Engine, clock: Clock) -> Sessions:
    return Sessions(engine, HOURS, clock=clock)


def stored(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text("SELECT * FROM sessions"))]


def test_schema_py_describes_the_sessions_table(engine: Engine) -> None:
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    assert [d for d in differences if "sessions" in repr(d)] == []


def test_a_session_opens_its_person_and_is_kept_only_as_its_hash(
        engine: Engine, people: People, sessions: Sessions) -> None:
    person, token = people.add("Petra Presidenta", "president", "CHE")
    session = sessions.open(person)
    assert session.startswith("iss_")
    assert token not in session
    assert sessions.person_of(session) == person
    ((id_hash, person_id, created, expires, revoked),) = stored(engine)
    assert id_hash == hashlib.sha256(session.encode()).hexdigest()
    assert person_id == person.id
    assert revoked is None
    assert str(created) < str(expires)
    assert session not in repr(stored(engine))
    assert csrf_of(session) != csrf_of(sessions.open(person))  # each session its own
    assert session not in csrf_of(session)


def test_an_ended_session_opens_nothing_and_another_still_does(
        engine: Engine, people: People, sessions: Sessions) -> None:
    person, _ = people.add("Isabel Unit", "isu")
    ended, kept = sessions.open(person), sessions.open(person)
    assert sessions.revoke(ended) is True
    assert sessions.revoke(ended) is False  # ended once, at the moment it was
    with pytest.raises(Unauthenticated, match=r"^that session was ended at .+; sign in again\.$"):
        sessions.person_of(ended)
    assert sessions.person_of(kept) == person
    assert sum(row[4] is not None for row in stored(engine)) == 1


def test_an_expired_session_and_a_revoked_person_open_nothing(
        people: People, sessions: Sessions, clock: Clock) -> None:
    person, _ = people.add("Aldo Auditor", "auditor")
    session = sessions.open(person)
    clock.now += HOURS
    with pytest.raises(Unauthenticated, match=r"^that session expired at "):
        sessions.person_of(session)
    other, _ = people.add("Rémi Revoked", "president")
    theirs = sessions.open(other)
    people.revoke(other.id)
    with pytest.raises(Unauthenticated, match=r"^your token was revoked at "):
        sessions.person_of(theirs)


@pytest.mark.parametrize("given", ["", "iss_" + "A" * 43, "isx_" + "A" * 43, "iss_' OR 1=1 --"])
def test_an_unknown_or_malformed_session_opens_nothing(sessions: Sessions, given: str) -> None:
    with pytest.raises(Unauthenticated):
        sessions.person_of(given)
    assert sessions.revoke(given) is False
