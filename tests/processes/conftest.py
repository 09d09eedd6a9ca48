"""The people of a coalition and a silence procedure, and the time-skipping engine of
``tests/workflows`` (one server and one fresh ledger per test)."""

from __future__ import annotations

import hashlib

import pytest

from domain.coalitions import Document, StrategyDocument
from domain.convention import Actor, Role
from tests.workflows.conftest import Engine, engine, engine_parts, env  # noqa: F401

COMMITTEE = Actor(name="Ana Díaz", role=Role.COMMITTEE_MEMBER, represents="IRQ")
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


@pytest.fixture
def engine_ready(engine: Engine) -> Engine:  # noqa: F811 - the fixture, re-exported
    return engine
