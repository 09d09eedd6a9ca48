"""``intersessional db backup`` and ``restore`` on the embedded engine, with real processes: a
backup taken while ``intersessional dev`` runs — quiet, and while steps are being taken — then
more steps, a stop, a refused tampered backup, and the restore the engine goes on from."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from temporalio.client import Client

from contracts import cycle_id
from domain import commands as c
from domain.convention import shipped_registry
from domain.cycle import fold
from domain.events import parse_event
from domain.state import Phase
from ledger import Ledger, create_ledger_engine
from ledger.checkpoints import checkpoint_public_key
from ledger.verify import verify
from scenarios.scripted import (
    ISU,
    election,
    first_presidency,
    meeting,
    presidency,
    president,
    workplan,
)
from tests.cycles import cycle_state, open_cycle, take_step
from tests.e2e.conftest import TASK_QUEUE, Dev, refused

YEAR = 2131  # far ahead: no deadline falls during the test, so no event comes from a timer
STEP = 30.0


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def backup(dev: Dev, directory: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(dev.cli("db", "backup", str(directory),
                                                  "--json").stdout)
    return manifest


def files_of(directory: Path) -> dict[str, str]:
    """Every file of ``directory`` and its SHA-256: what "nothing changed" compares."""
    return {p.name: sha256(p) for p in sorted(directory.iterdir()) if p.is_file()}


async def open_and_elect(client: Client) -> None:
    chair = president(YEAR)
    await open_cycle(client, c.OpenCycle(year=YEAR, actor=ISU, carried_presidencies=(
        first_presidency(YEAR),)), TASK_QUEUE)
    state = await cycle_state(client, YEAR)
    assert state.calendar is not None
    await take_step(client, YEAR, c.ElectCoordinators(
        actor=chair, election=election(YEAR, state, shipped_registry())))
    await take_step(client, YEAR, c.DesignatePresident(actor=chair, presidency=presidency(
        YEAR, state.calendar.opening_msp, state.calendar.closing_msp)))


def temporal_arguments(dev: Dev) -> list[str]:
    """The command line of the Temporal server ``intersessional dev`` started on this data
    directory, read from /proc."""
    database = str(dev.settings.temporal_database)
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            arguments = cmdline.read_bytes().decode(errors="replace").split("\0")
        except OSError:  # gone meanwhile
            continue
        if database in arguments and "start-dev" in arguments:
            return arguments
    raise AssertionError(f"no Temporal server runs on {database}")


def assert_copies_whole(dev: Dev, directory: Path, manifest: dict[str, Any]) -> None:
    """Each copy is what its manifest says; the ledger's copy verifies (its chains: no year
    has closed, so no checkpoint is signed yet) and ends at the manifest's head; Temporal's
    copy is a whole SQLite database."""
    assert manifest["temporal"]["copied_at"] < manifest["ledger"]["copied_at"]  # that order
    for copy in (manifest["temporal"], manifest["ledger"]):
        assert sha256(directory / copy["file"]) == copy["sha256"]
    engine = create_ledger_engine(f"sqlite:///{directory / manifest['ledger']['file']}")
    try:
        assert Ledger(engine).head() == manifest["ledger"]["head_position"]
        report = verify(engine, checkpoint_public_key(dev.settings.effective_signing_key))
        assert report.intact, report.problem
        assert report.events == manifest["ledger"]["head_position"]
    finally:
        engine.dispose()
    temporal = sqlite3.connect(directory / manifest["temporal"]["file"])
    try:
        assert temporal.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        temporal.close()


def assert_tampered_backup_refused(dev: Dev, good: Path, tampered: Path) -> None:
    """One byte of the ledger's copy changed: the restore is refused, the data directory as
    it was."""
    data = files_of(dev.data_dir)
    shutil.copytree(good, tampered)
    with (tampered / "ledger.sqlite3").open("r+b") as f:
        f.seek(-100, 2)
        byte = f.read(1)
        f.seek(-100, 2)
        f.write(bytes([byte[0] ^ 0xFF]))
    line = refused(dev, "db", "restore", str(tampered))
    assert "ledger.sqlite3" in line
    assert "does not match the SHA-256" in line
    assert files_of(dev.data_dir) == data


def assert_replaced_kept(dev: Dev, head: int) -> None:
    """The databases a restore replaced are beside it, the newer ledger whole."""
    kept = sorted(p.name for p in dev.data_dir.glob("*.replaced-*") if "-wal" not in p.name
                  and "-shm" not in p.name)
    assert [k.split(".replaced-")[0] for k in kept] == ["ledger.sqlite3", "temporal.sqlite3"]
    replaced = create_ledger_engine(f"sqlite:///{dev.data_dir / kept[0]}")
    try:
        assert Ledger(replaced).head() == head
    finally:
        replaced.dispose()


async def test_a_backup_taken_while_the_engine_runs_is_restored_and_the_year_goes_on(
        dev: Dev, tmp_path: Path) -> None:
    dev.start()
    client = await dev.client()
    chair = president(YEAR)
    async with asyncio.timeout(STEP * 3):
        await open_and_elect(client)
    arguments = " ".join(temporal_arguments(dev))
    assert "--sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=full" in arguments
    quiet = backup(dev, tmp_path / "quiet")
    events = dev.stream(cycle_id(YEAR))
    assert quiet["ledger"]["head_position"] == dev.head() == events[-1].position
    assert quiet["ledger"]["last_hash"] == events[-1].hash
    assert quiet["temporal"]["file"] == "temporal.sqlite3"
    assert_copies_whole(dev, tmp_path / "quiet", quiet)

    # a backup while steps are being taken: each copy one consistent snapshot
    async with asyncio.timeout(STEP * 2):
        _, busy = await asyncio.gather(
            take_step(client, YEAR, c.ConveneMeeting(actor=chair, meeting=meeting(YEAR))),
            asyncio.to_thread(backup, dev, tmp_path / "busy"))
        await take_step(client, YEAR, c.HoldMeeting(actor=ISU, records_reference="ISU/IM"))
    assert quiet["ledger"]["head_position"] <= busy["ledger"]["head_position"] < dev.head()
    assert_copies_whole(dev, tmp_path / "busy", busy)
    head_after = dev.head()

    # the engine running: refused, nothing changed
    line = refused(dev, "db", "restore", str(tmp_path / "quiet"))
    assert "the engine is running" in line
    assert "temporal.sqlite3 is open" in line  # the Go server's own locks are seen
    assert "nothing restored" in line

    dev.interrupt()
    assert dev.wait_gone()
    assert_tampered_backup_refused(dev, tmp_path / "quiet", tmp_path / "tampered")
    assert dev.head() == head_after

    restored = dev.cli("db", "restore", str(tmp_path / "quiet")).stdout
    assert "intersessional engine recover" in restored
    assert dev.head() == quiet["ledger"]["head_position"]
    assert dev.stream(cycle_id(YEAR)) == events  # the backup's record, hashes and all
    assert sha256(dev.data_dir / "temporal.sqlite3") == quiet["temporal"]["sha256"]
    assert_replaced_kept(dev, head_after)

    # the restored pair is an engine: the year is where the backup left it, and goes on
    dev.start()
    client = await dev.client()
    async with asyncio.timeout(STEP * 2):
        state = await cycle_state(client, YEAR)
        assert state == fold(parse_event(e.payload) for e in events)
        assert state.phase is Phase.INTERSESSIONAL_MEETING  # elected, designated, to convene
        receipt = await take_step(client, YEAR, c.ConveneMeeting(actor=chair,
                                                                 meeting=meeting(YEAR)))
    assert receipt.position == quiet["ledger"]["head_position"] + 1
    assert dev.head() == receipt.position


def test_bad_input_is_one_sentence_and_changes_nothing(dev: Dev, tmp_path: Path) -> None:
    dev.cli("db", "upgrade")
    good = backup(dev, tmp_path / "good")
    assert good["temporal"] is None  # no embedded server has run in this data directory
    data = files_of(dev.data_dir)

    a_file = tmp_path / "a-file"
    a_file.write_text("not a directory")
    assert "is a file" in refused(dev, "db", "backup", str(a_file))
    assert "is not empty" in refused(dev, "db", "backup", str(tmp_path / "good"))
    assert files_of(tmp_path / "good") == {"ledger.sqlite3": good["ledger"]["sha256"],
                                           "manifest.json": sha256(tmp_path / "good" /
                                                                   "manifest.json")}

    no_manifest = tmp_path / "no-manifest"
    shutil.copytree(tmp_path / "good", no_manifest)
    (no_manifest / "manifest.json").unlink()
    assert "holds no manifest.json" in refused(dev, "db", "restore", str(no_manifest))
    assert "is not a directory" in refused(dev, "db", "restore", str(a_file))
    escaping = tmp_path / "escaping"
    shutil.copytree(tmp_path / "good", escaping)
    manifest = json.loads((escaping / "manifest.json").read_text())
    manifest["ledger"]["file"] = "../good/ledger.sqlite3"
    (escaping / "manifest.json").write_text(json.dumps(manifest))
    assert "outside the backup" in refused(dev, "db", "restore", str(escaping))
    assert files_of(dev.data_dir) == data

    holder = sqlite3.connect(dev.data_dir / "ledger.sqlite3")  # any process holding it
    try:
        assert holder.execute("SELECT position FROM ledger_head").fetchone() == (0,)
        assert "ledger.sqlite3 is open" in refused(dev, "db", "restore", str(tmp_path / "good"))
    finally:
        holder.close()
    assert files_of(dev.data_dir) == data

    # and the next valid command works
    dev.cli("db", "restore", str(tmp_path / "good"))
    assert sha256(dev.data_dir / "ledger.sqlite3") == good["ledger"]["sha256"]


def older_temporal_beside_newer_ledger(earlier: Path, later: Path, mixed: Path) -> None:
    """A backup pairing ``earlier``'s Temporal database with ``later``'s ledger: what a
    restore of Temporal alone from an older copy, or a power cut at `synchronous=normal`,
    leaves. Its manifest names and hashes the two."""
    mixed.mkdir()
    first = json.loads((earlier / "manifest.json").read_text())
    second = json.loads((later / "manifest.json").read_text())
    shutil.copy(earlier / "temporal.sqlite3", mixed / "temporal.sqlite3")
    shutil.copy(later / "ledger.sqlite3", mixed / "ledger.sqlite3")
    (mixed / "manifest.json").write_text(json.dumps(second | {"temporal": first["temporal"]}))


async def test_a_restored_temporal_older_than_its_ledger_heals_from_the_ledger(
        dev: Dev, tmp_path: Path) -> None:
    dev.start()
    client = await dev.client()
    chair = president(YEAR)
    async with asyncio.timeout(STEP * 4):
        await open_and_elect(client)
        earlier = backup(dev, tmp_path / "earlier")
        await take_step(client, YEAR, c.ConveneMeeting(actor=chair, meeting=meeting(YEAR)))
        await take_step(client, YEAR, c.HoldMeeting(actor=ISU, records_reference="ISU/IM"))
    later = backup(dev, tmp_path / "later")
    assert earlier["ledger"]["head_position"] + 2 == later["ledger"]["head_position"]
    dev.interrupt()
    assert dev.wait_gone()

    older_temporal_beside_newer_ledger(tmp_path / "earlier", tmp_path / "later",
                                       tmp_path / "mixed")
    dev.cli("db", "restore", str(tmp_path / "mixed"))
    assert dev.head() == later["ledger"]["head_position"]

    dev.start()  # the worker heals what it finds as it starts; recover confirms or repairs
    client = await dev.client()
    dev.ready()
    recovered = dev.cli("engine", "recover").stdout
    # the year was behind, and one of the two repaired it: the worker as it started (its log
    # says so), or the command (it names the year)
    assert "stream_recovered" in dev.output() or cycle_id(YEAR) in recovered
    found = json.loads(dev.cli("audit", "cross-check", "--year", str(YEAR), "--json").stdout)
    assert found["agrees"], found
    async with asyncio.timeout(STEP * 2):
        state = await cycle_state(client, YEAR)
        assert state.phase is Phase.WORKPLAN  # the ledger's: the meeting held
        receipt = await take_step(client, YEAR, c.DraftWorkplan(actor=ISU, workplan=workplan(
            YEAR + 1, "612000.00")))
    assert receipt.position == later["ledger"]["head_position"] + 1
