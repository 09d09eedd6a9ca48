"""A ledger on each backend, an ISU person registered in it, and the synthetic file."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from attesting import Signer
from attesting.keyring import published_keyring
from domain.convention import shipped_registry
from history.recording import Imported, Importer, import_history
from identities import People
from ledger import Ledger
from tests.backends import ledger_database

DATA = Path(__file__).parent / "data"
THREE_YEARS = DATA / "three-years.yaml"


@dataclass(frozen=True)
class Recorder:
    """A migrated ledger, the ISU person importing into it and the key that vouches."""

    engine: Engine
    importer: Importer
    key: Path

    @property
    def ledger(self) -> Ledger:
        return Ledger(self.engine)

    def run(self, text: str, dry_run: bool = False) -> Imported:
        return import_history(text, self.ledger, shipped_registry(),
                              None if dry_run else self.importer)

    @property
    def keyring(self):  # type: ignore[no-untyped-def]
        return published_keyring(self.key)


@pytest.fixture(params=["sqlite", "postgresql"])
def recorder(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Recorder]:
    with ledger_database(request.param, tmp_path) as engine:
        person, _token = People(engine).add("Ida Archivist", "isu")
        key = tmp_path / "attestation.key"
        yield Recorder(engine, Importer(person=person.id, name=person.name,
                                        signer=Signer.of(key)), key)


@pytest.fixture
def sqlite_recorder(tmp_path: Path) -> Iterator[Recorder]:
    with ledger_database("sqlite", tmp_path) as engine:
        person, _token = People(engine).add("Ida Archivist", "isu")
        key = tmp_path / "attestation.key"
        yield Recorder(engine, Importer(person=person.id, name=person.name,
                                        signer=Signer.of(key)), key)


def three_years() -> str:
    return THREE_YEARS.read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    """The 1-based line of the first line of ``text`` holding ``needle``."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)
