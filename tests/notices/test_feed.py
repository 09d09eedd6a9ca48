"""The calendar feed as ``reading.calendar_feed`` makes it from the ledger: a silence
procedure's deadline for those who may break silence (a State Party's delegate, SP-2) and for no
one else, dropped once they have; a cycle's deadlines for the President in office, and none for
a role no pending step is for."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar
from sqlalchemy import Engine

from contracts import cycle_id
from domain import silence_events as se
from domain.coalitions import Document
from domain.commands import OpenCycle
from domain.convention import Actor, Role, shipped_registry
from domain.decide import opening
from domain.kinds import SILENCE
from identities import People, Person
from ledger import Ledger, NewEvent
from reading.calendar_feed import feed
from scenarios import scripted
from tests.backends import ledger_database

NOW = datetime(2027, 6, 1, 9, tzinfo=UTC)
STREAM = "silence-2027-1"
LINK = "https://ccm.example.org"


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    with ledger_database(request.param, tmp_path) as eng:
        yield eng


def _append(ledger: Ledger, stream: str, event: Any) -> None:
    ledger.append(stream, [NewEvent(
        event_id=uuid.uuid4(), type=event.type, schema_version=event.schema_version,
        payload=event.model_dump(mode="json"), actor=event.actor.name,
        role=event.actor.role.value, occurred_at=event.occurred_at)], ledger.version(stream))


def _summaries(ledger: Ledger, person: Person) -> dict[str, str]:
    calendar = Calendar.from_ical(feed(ledger, person, LINK, NOW).decode("utf-8"))
    return {str(e["UID"]): str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}


def test_a_silence_deadline_is_for_those_who_may_break_it(engine: Engine) -> None:
    ledger, people = Ledger(engine), People(engine)
    circulated = SILENCE.begin(STREAM, se.CirculateText(
        actor=Actor(name="Sofía Ruiz", role=Role.PRESIDENT, represents="MEX"),
        subject="venue of the next MSP", deadline=NOW + timedelta(days=7),
        text=Document(reference="CCM/MSP/2027/DD/1",
                      sha256=hashlib.sha256(b"Geneva").hexdigest())), shipped_registry(), NOW)
    _append(ledger, STREAM, circulated)
    aus, _ = people.add("Jane Carter", "delegate", "AUS")
    usa, _ = people.add("Sam Lee", "delegate", "USA")  # not a party: may not break it (SP-2)
    isu, _ = people.add("Isabel Unit", "isu", None)
    uid = f"{STREAM}/break_silence/{(NOW + timedelta(days=7)).date()}@intersessional.ccm"
    assert _summaries(ledger, aus) == {uid: "Silence ends: venue of the next MSP"}
    assert _summaries(ledger, usa) == {}
    assert _summaries(ledger, isu) == {}
    broken = SILENCE.decide(SILENCE.fold([circulated]), se.BreakSilence(
        actor=aus.actor, objection="Geneva is too far."), shipped_registry(),
        NOW + timedelta(days=1))
    _append(ledger, STREAM, broken)
    assert _summaries(ledger, aus) == {}  # broken already: nothing waits for them


def test_a_cycles_deadlines_are_for_the_president_in_office(engine: Engine) -> None:
    ledger, people = Ledger(engine), People(engine)
    opened = opening(OpenCycle(year=2027, actor=scripted.ISU), (),
                     (scripted.first_presidency(2027, NOW.date()),), NOW)
    _append(ledger, cycle_id(2027), opened)
    president, _ = people.add("Petra Presidenta", "president",
                              scripted.president(2027).represents)
    other, _ = people.add("Otto Other", "president", "AUT")  # holds no presidency
    isu, _ = people.add("Isabel Unit", "isu", None)
    assert sorted(_summaries(ledger, president)) == [
        "cycle-2027/designate_president/2026-09-07@intersessional.ccm",
        "cycle-2027/elect_coordinators/2026-09-07@intersessional.ccm"]
    assert _summaries(ledger, other) == {}
    assert _summaries(ledger, isu) == {}
