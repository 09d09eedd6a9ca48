"""``audit export`` then ``audit verify-bundle`` on five simulated years: the bundle holds the
events exactly as hashed, and proves them offline, in a directory holding nothing else."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text
from temporalio.client import WorkflowHistory

from audit.bundle import bundle_streams, export_bundle
from audit.bundle_format import EVENTS, MANIFEST, Manifest, year_streams
from audit.offline import verify_bundle
from audit.tree import ProofTree, roots, roots_later
from domain.state import Phase
from ledger import Ledger, create_ledger_engine
from ledger.checkpoints import all_checkpoints, key_id, load_public_key
from ledger.encoding import record_text
from ledger.merkle import consistency_proof, inclusion_proof, leaf_hash, root
from ledger.records import COLUMNS, header
from scenarios.simulation import ADOPTED, COALITION, WITHDRAWN
from settings import Settings
from tests.audit.conftest import PROCESSES, YEARS, World
from tests.audit.tamper import execute

FIRST, LAST = YEARS[0], YEARS[-1]


def export(engine: Engine, world: World, histories: Sequence[WorkflowHistory], out: Path,
           key: bool = True) -> Manifest:
    pem = world.public_key.read_bytes() if key else None
    return export_bundle(engine, pem, histories, FIRST, LAST, out)


def rows_of_years(engine: Engine, first: int = FIRST, last: int = LAST
                  ) -> list[tuple[object, ...]]:
    """The rows a bundle of the years holds: their cycles', and the coalition's and silence
    procedures' that had an event in them."""
    streams = ", ".join(f"'{s}'" for s in bundle_streams(engine, first, last))
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            f"SELECT {', '.join(COLUMNS)} FROM events WHERE stream IN ({streams}) "
            "ORDER BY position"))]


def test_five_years_verify_offline_from_either_backend(
        world: World, five_years_ledger: Ledger, histories: list[WorkflowHistory],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = five_years_ledger.engine
    manifest = export(engine, world, histories, tmp_path / "bundle.zip")
    auditor = tmp_path / "auditor"  # nothing but the bundle: no ledger, no key, no server
    auditor.mkdir()
    shutil.move(tmp_path / "bundle.zip", auditor / "bundle.zip")
    monkeypatch.chdir(auditor)
    seen: list[tuple[int, int]] = []
    report = verify_bundle(Path("bundle.zip"), progress=lambda *p: seen.append(p))
    assert report.problem is None
    rows, latest = rows_of_years(engine), all_checkpoints(engine)[-1]
    assert report.events == manifest.events == len(rows) == seen[-1][0] == seen[-1][1]
    assert report.phases == dict.fromkeys(YEARS, Phase.CLOSED)
    assert report.processes == {COALITION: "closed", ADOPTED: "adopted", WITHDRAWN: "withdrawn"}
    assert manifest.streams == [*year_streams(FIRST, LAST), *PROCESSES]
    assert report.signed == sum(1 for r in rows if int(str(r[0])) <= latest.tree_size) > 0
    assert report.signed + report.chained_only == report.events
    assert (report.histories, report.recordings) == (len(YEARS) + len(PROCESSES), len(rows))
    assert report.checkpoints[-1].root_hash == latest.root_hash
    assert report.key_id == key_id(load_public_key(world.public_key))
    assert not report.key_pinned
    assert sorted(p.name for p in auditor.iterdir()) == ["bundle.zip"]


def test_events_log_holds_each_record_exactly_as_hashed(
        world: World, histories: list[WorkflowHistory], tmp_path: Path) -> None:
    engine = create_ledger_engine(f"sqlite:///{world.ledger_file}")
    manifest = export(engine, world, histories, tmp_path / "bundle.zip")
    rows = rows_of_years(engine)
    with zipfile.ZipFile(tmp_path / "bundle.zip") as bundle:
        data = bundle.read(EVENTS)
        names = set(bundle.namelist())
        assert {i.compress_type for i in bundle.infolist()} == {zipfile.ZIP_DEFLATED}
    lines = data.decode().split("\n")
    assert lines.pop() == ""
    assert len(lines) == len(rows) == manifest.events
    for line, row in zip(lines, rows, strict=True):
        record, _, stored = line.rpartition("\x1f")
        assert record == record_text(header(row), str(row[15]))
        assert stored == row[14]
        assert hashlib.sha256(record.encode()).hexdigest() == stored
    assert manifest.files[EVENTS] == hashlib.sha256(data).hexdigest()
    assert names == {MANIFEST, *manifest.files}
    assert {f"checkpoints/{c.tree_size}.leaves" for c in all_checkpoints(engine)} <= names
    assert manifest.histories_missing == []
    assert manifest.ledger_head >= len(rows)


def test_events_after_the_latest_checkpoint_are_counted_as_chained_only(
        world: World, world_copy: Settings, histories: list[WorkflowHistory],
        tmp_path: Path) -> None:
    engine = create_ledger_engine(world_copy.effective_ledger_url)
    *earlier, latest = all_checkpoints(engine)
    execute(engine, "DELETE FROM checkpoints WHERE tree_size = :n", n=latest.tree_size)
    export(engine, world, histories, tmp_path / "bundle.zip")
    report = verify_bundle(tmp_path / "bundle.zip")
    assert report.problem is None
    rows = rows_of_years(engine)
    assert report.signed == sum(1 for r in rows if int(str(r[0])) <= earlier[-1].tree_size)
    assert report.chained_only == sum(1 for r in rows if int(str(r[0])) > earlier[-1].tree_size)
    assert report.chained_only > 0


def test_a_pinned_key_verifies_a_bundle_without_one(
        world: World, histories: list[WorkflowHistory], tmp_path: Path) -> None:
    engine = create_ledger_engine(f"sqlite:///{world.ledger_file}")
    export(engine, world, histories, tmp_path / "bundle.zip", key=False)
    unchecked = verify_bundle(tmp_path / "bundle.zip")
    assert unchecked.problem is None
    assert not unchecked.signatures_checked
    assert unchecked.signed == 0
    assert unchecked.chained_only == unchecked.events > 0
    pinned = verify_bundle(tmp_path / "bundle.zip", load_public_key(world.public_key))
    assert pinned.problem is None
    assert (pinned.signatures_checked, pinned.key_pinned) == (True, True)
    assert pinned.signed == unchecked.events
    other = verify_bundle(tmp_path / "bundle.zip", Ed25519PrivateKey.generate().public_key())
    assert other.problem is not None
    assert other.problem.kind == "checkpoint"


@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 13, 64, 300, 1025])
def test_proof_tree_gives_the_rfc_proofs(size: int) -> None:
    """ProofTree (each subtree's root once) against ledger.merkle's recursive reference."""
    leaves = [leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(size)]
    tree = ProofTree(leaves)
    for index in sorted({0, size // 2, size - 1}):
        assert tree.inclusion(index, size) == inclusion_proof(leaves, index)
    for first in sorted({1, size // 3 or 1, size - 1 or 1, size}):
        assert tree.consistency(first, size) == consistency_proof(leaves, first)


def _witness(count: int) -> bytes:
    return b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(count))


@pytest.mark.parametrize("count", [1, 2, 5, 4095, 4096, 4097, 9000])
def test_the_signed_roots_are_rebuilt_as_rfc_9162_defines_them(count: int) -> None:
    """The verifier's block-wise tree against ledger.merkle's reference, at every size a
    checkpoint might have (blocks of 4,096 leaves: either side of their edges)."""
    witness = _witness(count)
    leaves = [leaf_hash(witness[i:i + 32]) for i in range(0, len(witness), 32)]
    sizes = sorted({1, count // 3 or 1, count // 2 or 1, count - 1 or 1, count})
    assert roots(witness, sizes) == [root(leaves[:n]).hex() for n in sizes]


def test_many_leaves_are_hashed_by_another_process_to_the_sameroots() -> None:
    witness = _witness((1 << 16) + 3)
    sizes = [100, 1 << 15, (1 << 16) + 3]
    assert roots_later(witness, sizes)() == roots(witness, sizes)


def test_a_failed_export_leaves_no_bundle_behind(world: World, tmp_path: Path) -> None:
    engine = create_ledger_engine(f"sqlite:///{world.ledger_file}")
    with pytest.raises(RuntimeError, match="No events"):  # a history without its start
        export(engine, world, [WorkflowHistory("cycle-2027", [])], tmp_path / "bundle.zip")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("years", "processes"), [
    ((2028, 2028), {COALITION: "closed", WITHDRAWN: "withdrawn"}),
    ((2029, 2031), {})])
def test_a_bundle_holds_the_processes_of_its_years_and_folds_them(
        world: World, histories: list[WorkflowHistory], tmp_path: Path,
        years: tuple[int, int], processes: dict[str, str]) -> None:
    first, last = years
    engine = create_ledger_engine(f"sqlite:///{world.ledger_file}")
    manifest = export_bundle(engine, world.public_key.read_bytes(), histories, first, last,
                             tmp_path / "bundle.zip")
    assert manifest.streams == [*year_streams(first, last), *processes]
    assert manifest.events == len(rows_of_years(engine, first, last))
    report = verify_bundle(tmp_path / "bundle.zip")
    assert report.problem is None, report.problem
    assert report.processes == processes
    assert set(report.phases) == set(range(first, last + 1))
