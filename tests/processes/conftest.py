"""The people of a coalition and a silence procedure, and the time-skipping engine of
``tests/workflows`` (one server and one fresh ledger per test), whose ledger holds the record
of who is in office today — the presidency of MEX, IRQ's and NOR's terms as coordinators —
as a cycle opened by the ISU records it: a coalition's and a silence procedure's steps are
judged on it (``domain.authority``)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest

from contracts import cycle_id
from domain import commands as c
from domain.coalitions import Document, StrategyDocument
from domain.committee import Presidency
from domain.convention import Actor, Role
from domain.decide import opening
from domain.elections import Term
from ledger import NewEvent
from tests.workflows.conftest import Engine, engine_parts, env  # noqa: F401

#: on the committee as a coordinator of cooperation and assistance (IRQ's term, OFFICE)
COMMITTEE = Actor(name="Ana Díaz", role=Role.COMMITTEE_MEMBER, represents="IRQ")
#: presiding: the presidency the record holds today (OFFICE)
PRESIDENT = Actor(name="Sofía Ruiz", role=Role.PRESIDENT, represents="MEX")
LAO = Actor(name="Khamphone S.", role=Role.DELEGATE, represents="LAO")
AUS = Actor(name="Jane Carter", role=Role.DELEGATE, represents="AUS")
JPN = Actor(name="Kenji Sato", role=Role.DELEGATE, represents="JPN")
USA = Actor(name="Sam Lee", role=Role.DELEGATE, represents="USA")  # not a State Party
ISU = Actor(name="Isa Unit", role=Role.ISU)


def document(reference: str, text: str) -> Document:
    return Document(reference=reference, sha256=hashlib.sha256(text.encode()).hexdigest())


def strategy(text: str = "Lao PDR national strategy for UXO, 2027-2030") -> StrategyDocument:
    return StrategyDocument(reference="NRA/NSD/2027",
                            sha256=hashlib.sha256(text.encode()).hexdigest())


def presidency_of(state: str, since: date) -> Presidency:
    return Presidency(state=state, meeting=f"Meeting of States Parties of {since.year}",
                      designated_on=since - timedelta(days=365), presides_from=since)


def hold_office(engine: Engine, presidencies: tuple[Presidency, ...],
                terms: tuple[Term, ...], later: int = 0) -> None:
    """Record, as the ISU opening this year's cycle (or the one ``later`` years on) does, who
    is in office: the record a coalition's or a silence procedure's steps are judged on."""
    now = datetime.now(UTC)
    year = now.year + later
    event = opening(c.OpenCycle(year=year, actor=ISU), terms, presidencies, now)
    engine.ledger.append(cycle_id(year), [NewEvent(
        event_id=uuid.uuid4(), type=event.type, schema_version=event.schema_version,
        payload=event.model_dump(mode="json"), actor=event.actor.name,
        role=event.actor.role.value, occurred_at=event.occurred_at,
        workflow_id=cycle_id(year), run_id=str(uuid.uuid4()))], 0)


def office(today: date) -> tuple[tuple[Presidency, ...], tuple[Term, ...]]:
    """MEX presiding since a month ago; IRQ (cooperation and assistance) and NOR (clearance)
    coordinating this year and the next (a silence procedure's time runs on for weeks)."""
    return ((presidency_of("MEX", today - timedelta(days=30)),),
            (Term(state="IRQ", mandate="cooperation-assistance", first_year=today.year,
                  last_year=today.year + 1),
             Term(state="NOR", mandate="clearance", first_year=today.year,
                  last_year=today.year + 1)))


@pytest.fixture
async def engine(engine_parts: Engine) -> AsyncIterator[Engine]:  # noqa: F811
    """The parts, a worker running for the length of the test, and today's office on the
    record."""
    hold_office(engine_parts, *office(datetime.now(UTC).date()))
    async with engine_parts.worker():
        yield engine_parts


@pytest.fixture
def engine_ready(engine: Engine) -> Engine:
    return engine
