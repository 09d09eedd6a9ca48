"""``intersessional db upgrade`` from the oldest supported migration (0001), on SQLite and on
PostgreSQL, as an operator runs it on a production ledger.

A ledger is made at revision 0001 and filled as that schema held it: a real chain of the
annual cycle (the domain's own events, opened, coordinators elected, a President designated),
its rows computed with the encoding of today — format 1, unchanged since 0001 (docs/LEDGER.md)
— and inserted with 0001's columns only, the head row moved as 0001's appends moved it, and a
checkpoint over them signed as 0001's took it (no frontier: migration 0010).
``intersessional db upgrade`` then runs as a real process; after it, ``db verify`` and ``audit
verify`` exit 0, the worker's own ``record_event`` appends the next step, attested as today's
entry points attest it, chained onto the last old event, and the next checkpoint grows its
Merkle tree from the first event (the old one has no frontier to grow from).
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from temporalio.testing import ActivityEnvironment

from activities.recording import CycleActivities
from attesting import Signer
from contracts import RecordEvent
from domain import commands as c
from domain.attestation import canonical_input
from domain.convention import shipped_registry
from domain.cycle import apply
from domain.decide import decide, opening
from domain.state import CycleState
from ledger import Ledger, create_ledger_engine
from ledger.checkpoints import (
    all_checkpoints,
    key_id,
    load_or_create_key,
    signed_bytes,
    take_checkpoint,
)
from ledger.encoding import GENESIS, canonical_json, canonical_time, event_hash
from ledger.engine import MIGRATIONS
from ledger.merkle import Frontier, leaf_hash, root
from scenarios import scripted
from settings import Settings
from tests.backends import alembic, create_database, postgres_url, server_url
from tests.e2e.conftest import COMMAND, INTERSESSIONAL

YEAR = 2027
OLDEST = "0001"
#: the columns of ``events`` as migration 0001 made them, in its order
COLUMNS_0001 = ("position", "event_id", "stream", "version", "type", "schema_version",
                "payload", "actor", "role", "occurred_at", "recorded_at", "workflow_id",
                "run_id", "causation_id", "prev_hash", "hash")


@dataclass
class OldLedger:
    url: str
    engine: Engine
    settings: Settings

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("INTERSESSIONAL_")}
        return {**env, "INTERSESSIONAL_DATA_DIR": str(self.settings.data_dir),
                "INTERSESSIONAL_LEDGER_URL": self.url}

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``intersessional *args`` on this ledger; it must exit 0."""
        ran = subprocess.run([str(INTERSESSIONAL), *args], env=self.env, capture_output=True,
                             text=True, timeout=COMMAND, check=False)
        assert ran.returncode == 0, f"intersessional {' '.join(args)} exited with " \
            f"{ran.returncode}:\n{ran.stdout}{ran.stderr}"
        return ran


@pytest.fixture(params=["sqlite", "postgresql"])
def old(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OldLedger]:
    """An empty ledger at revision 0001: a SQLite file, or a PostgreSQL database of its own
    (dropped afterwards)."""
    data = tmp_path / "data"
    data.mkdir()
    settings = Settings(data_dir=data)
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.sqlite3'}"
        dropped = None
    else:
        base = make_url(postgres_url()).database or "test"
        dropped = f"{base}_upgrade_{uuid.uuid4().hex[:8]}"
        create_database(dropped)
        url = server_url(dropped).render_as_string(hide_password=False)
    engine = create_ledger_engine(url)
    try:
        alembic(engine, "upgrade", OLDEST)
        yield OldLedger(url=url, engine=engine, settings=settings)
    finally:
        engine.dispose()
        if dropped is not None:
            admin = create_engine(server_url(), isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE "{dropped}" WITH (FORCE)'))
            admin.dispose()


def revision(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def head_revision() -> str:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def old_chain(now: datetime) -> list[Any]:
    """The domain's events of the year's first steps, each judged on the state before it."""
    registry = shipped_registry()
    president = scripted.president(YEAR)
    opened = opening(c.OpenCycle(year=YEAR, actor=scripted.ISU), (),
                     (scripted.first_presidency(YEAR),), now)
    state = apply(CycleState(), opened)
    elected = decide(state, c.ElectCoordinators(
        actor=president, election=scripted.election(YEAR, state, registry)), registry, now)
    state = apply(state, elected)
    cal = state.calendar
    assert cal is not None
    designated = decide(state, c.DesignatePresident(actor=president, presidency=(
        scripted.presidency(YEAR, cal.opening_msp, cal.closing_msp))), registry, now)
    return [opened, elected, designated]


def insert_as_0001(engine: Engine, events: list[Any], now: datetime) -> list[str]:
    """``events`` appended to ``cycle-YEAR`` as 0001's ledger appended: each row's hash over
    format 1's header and canonical payload, linked to the one before; the head row moved.
    The rows' hashes."""
    hashes, previous = [], GENESIS
    with engine.begin() as conn:
        for n, event in enumerate(events, start=1):
            payload = canonical_json(event.model_dump(mode="json"))
            row: dict[str, Any] = {
                "position": n, "event_id": str(uuid.uuid4()), "stream": f"cycle-{YEAR}",
                "version": n, "type": event.type, "schema_version": event.schema_version,
                "payload": payload, "actor": event.actor.name, "role": event.actor.role.value,
                "occurred_at": canonical_time(event.occurred_at),
                "recorded_at": canonical_time(now + timedelta(seconds=n)),
                "workflow_id": f"cycle-{YEAR}", "run_id": "run-before-0002",
                "causation_id": None, "prev_hash": previous}
            header = tuple("" if row[k] is None else str(row[k]) for k in (
                "position", "event_id", "stream", "version", "type", "schema_version", "actor",
                "role", "occurred_at", "recorded_at", "workflow_id", "run_id", "causation_id",
                "prev_hash"))
            row["hash"] = previous = event_hash(header, payload)
            hashes.append(previous)
            columns = ", ".join(COLUMNS_0001)
            values = ", ".join(f":{name}" for name in COLUMNS_0001)
            conn.execute(text(f"INSERT INTO events ({columns}) VALUES ({values})"), row)
        conn.execute(text("UPDATE ledger_head SET position = :n WHERE id = 1"),
                     {"n": len(events)})
    return hashes


def checkpoint_as_0001(engine: Engine, key: Ed25519PrivateKey, hashes: list[str]) -> None:
    """A checkpoint over the events of ``hashes`` as 0001's ledger signed it: its columns only
    (no frontier), the root over every event, the leaves it added."""
    size, taken_at = len(hashes), canonical_time(datetime.now(UTC))
    root_hash = root([leaf_hash(bytes.fromhex(h)) for h in hashes]).hex()
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO checkpoints (tree_size, root_hash, taken_at, key_id, "
                          "signature, leaves) VALUES (:n, :r, :t, :k, :s, :l)"),
                     {"n": size, "r": root_hash, "t": taken_at,
                      "k": key_id(key.public_key()),
                      "s": key.sign(signed_bytes(size, root_hash, taken_at)),
                      "l": b"".join(bytes.fromhex(h) for h in hashes)})


def test_a_ledger_of_the_oldest_schema_upgrades_verifies_and_takes_the_next_step(
        old: OldLedger) -> None:
    now = datetime.now(UTC)
    events = old_chain(now)
    hashes = insert_as_0001(old.engine, events, now)
    # a checkpoint signed over the old events, as 0001's code signed it
    key = load_or_create_key(old.settings.effective_signing_key)
    checkpoint_as_0001(old.engine, key, hashes)
    assert revision(old.engine) == OLDEST

    said = old.cli("db", "upgrade").stdout
    assert "latest schema" in said
    assert revision(old.engine) == head_revision()
    assert "ledger intact: 3 events in 1 streams, 1 checkpoint(s)" in \
        old.cli("db", "verify").stdout

    # the next step as today's worker records it: attested by the deployment's key
    acts = CycleActivities(Ledger(old.engine), old.settings.effective_signing_key)
    state = CycleState()
    for event in events:
        state = apply(state, event)
    command = c.ConveneMeeting(actor=scripted.president(YEAR), meeting=scripted.meeting(YEAR))
    convened = decide(state, command, shipped_registry(), now)
    attested = Signer.of(acts.attestation_key).attest(command, stream=f"cycle-{YEAR}",
                                                      step="convene_meeting", version=3)
    receipt = ActivityEnvironment().run(acts.record_event, RecordEvent(
        stream=f"cycle-{YEAR}", expected_version=3, event_id=uuid.uuid4(), event=convened,
        attestation=attested.attestation, input=canonical_input(attested)))
    assert (receipt.position, receipt.version) == (4, 4)
    [new] = Ledger(old.engine).read_stream(f"cycle-{YEAR}", 4)
    assert new.prev_hash == hashes[-1]  # chained onto the old events

    assert "ledger intact: 4 events in 1 streams" in old.cli("db", "verify").stdout
    # the next checkpoint: the old one keeps no frontier, so its tree grows from the first
    # event, and it keeps one of its own
    assert all_checkpoints(old.engine)[0].frontier is None
    signed = take_checkpoint(old.engine, key)
    tree = Frontier()
    tree.extend([leaf_hash(bytes.fromhex(h)) for h in [*hashes, receipt.hash]])
    assert (signed.tree_size, signed.root_hash, signed.frontier) == (
        4, tree.root().hex(), tree.to_bytes())
    assert "ledger intact: 4 events in 1 streams, 2 checkpoint(s)" in \
        old.cli("db", "verify").stdout
    audited = old.cli("audit", "verify").stdout
    assert "ledger intact: 4 events in 1 streams" in audited
    # the old events counted as recorded before attestations were kept (0005), the new one
    # checked against the deployment's keyring
    assert "1 step(s) attested" in audited, audited
    assert "3 recorded before attestations were kept" in audited, audited
