"""A bundle exported from a tampered database: ``verify-bundle`` names the first problem (kind,
position, stream, version) and exits 1, however the rows were changed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine
from temporalio.client import WorkflowHistory
from typer.testing import CliRunner

from audit.bundle import export_bundle
from audit.bundle_format import BundleKind
from audit.offline import verify_bundle
from cli import audit_bundle as bundle_cli
from contracts import cycle_id
from ledger import create_ledger_engine
from ledger.checkpoints import all_checkpoints
from ledger.problems import ProblemKind
from scenarios.simulation import COALITION, WITHDRAWN
from settings import Settings
from tests.audit.conftest import YEARS, World
from tests.audit.tamper import (
    append_copy,
    execute,
    forge,
    last_version,
    rechain,
    renumber,
    row,
)

Expected = tuple[str, int, str | None, int | None]  # kind, position, stream, version
LAST_YEAR = cycle_id(YEARS[-1])


def _at(engine: Engine, stream: str, version: int) -> int:
    found = row(engine, stream, version)
    assert found is not None
    return int(found["position"])


def _edit(engine: Engine) -> Expected:
    return ProblemKind.ALTERED, forge(engine, "cycle-2028", 5), "cycle-2028", 5


def _edit_and_rechain(engine: Engine) -> Expected:
    """Only the hashes stored with the checkpoints still know the original."""
    return ProblemKind.ALTERED, forge(engine, "cycle-2028", 5, recompute=True), "cycle-2028", 5


def _edit_rechain_and_rewrite_leaves(engine: Engine) -> Expected:
    """The stored leaves rewritten too: they no longer rebuild the signed root."""
    forge(engine, "cycle-2028", 5, recompute=True)
    cp = next(c for c in all_checkpoints(engine) if c.tree_size >= _at(engine, "cycle-2028", 5))
    start = cp.tree_size - len(cp.leaves) // 32
    with engine.connect() as conn:
        hashes = [bytes.fromhex(h) for (h,) in conn.exec_driver_sql(
            "SELECT hash FROM events WHERE position > ? AND position <= ? ORDER BY position",
            (start, cp.tree_size))]
    execute(engine, "UPDATE checkpoints SET leaves = :l WHERE tree_size = :n",
            l=b"".join(hashes), n=cp.tree_size)
    return ProblemKind.CHECKPOINT, cp.tree_size, None, None


def _delete(engine: Engine) -> Expected:
    position = _at(engine, "cycle-2029", 3)
    execute(engine, "DELETE FROM events WHERE position = :p", p=position)
    return ProblemKind.DELETED, position, "cycle-2029", 3


def _delete_and_renumber(engine: Engine) -> Expected:
    position = _at(engine, "cycle-2029", 3)
    execute(engine, "DELETE FROM events WHERE position = :p", p=position)
    renumber(engine, position + 1, -1)
    return ProblemKind.DELETED, position, None, None


def _insert(engine: Engine) -> Expected:
    """A copy of an event, under a new id and version 99, inserted and the rest renumbered."""
    position = _at(engine, "cycle-2029", 3)
    renumber(engine, position, 1)
    execute(engine, "INSERT INTO events SELECT :p, 'f0000000-0000-4000-8000-000000000000', "
            "stream, 99, type, schema_version, payload, actor, role, occurred_at, recorded_at, "
            "workflow_id, run_id, causation_id, prev_hash, hash FROM events WHERE position = :q",
            p=position, q=position + 1)
    return ProblemKind.INSERTED, position, "cycle-2029", 99


def _swap(engine: Engine, first: int, second: int) -> None:
    execute(engine, "UPDATE events SET position = 1000000 WHERE position = :p", p=first)
    execute(engine, "UPDATE events SET position = :p WHERE position = :q", p=first, q=second)
    execute(engine, "UPDATE events SET position = :q WHERE position = 1000000", q=second)


def _reorder(engine: Engine) -> Expected:
    """Two neighbours of one stream swapped."""
    position = _at(engine, "cycle-2030", 4)
    _swap(engine, position, position + 1)
    return ProblemKind.REORDERED, position, "cycle-2030", 5


def _reorder_across_years(engine: Engine) -> Expected:
    position = _at(engine, "cycle-2027", 3)
    _swap(engine, position, _at(engine, "cycle-2028", 2))
    return ProblemKind.REORDERED, position, "cycle-2028", 2


def _truncate(engine: Engine, forget_checkpoints: bool = False) -> Expected:
    """The last three events of the last year cut off, every later row moved down and its
    chain rehashed, the head lowered (and, if asked, the checkpoints that counted them gone)."""
    last = last_version(engine, LAST_YEAR)
    first_cut, end = _at(engine, LAST_YEAR, last - 2), _at(engine, LAST_YEAR, last)
    with engine.connect() as conn:
        moved = [(s, v) for s, v in conn.exec_driver_sql(
            "SELECT stream, min(version) FROM events WHERE position > ? GROUP BY stream",
            (end,))]
    execute(engine, "DELETE FROM events WHERE stream = :s AND version > :v", s=LAST_YEAR,
            v=last - 3)
    execute(engine, "UPDATE events SET position = position - 3 WHERE position > :p", p=end)
    for stream, version in moved:
        rechain(engine, stream, version)
    execute(engine, "UPDATE ledger_head SET position = position - 3")
    if forget_checkpoints:
        execute(engine, "DELETE FROM checkpoints WHERE tree_size >= :p", p=first_cut)
    return ProblemKind.TRUNCATED, first_cut, LAST_YEAR, last - 2


def _forge_after_the_last_checkpoint(engine: Engine, workflow: bool = True,
                                     stream: str = LAST_YEAR) -> Expected:
    """A well-chained event appended to the closed last year (or the closed coalition): its
    workflow's history never recorded it; without a workflow id, the stream no longer folds
    (a second close)."""
    position, version = append_copy(engine, stream, workflow)
    return BundleKind.HISTORY if workflow else BundleKind.REFUSED, position, stream, version


TAMPERS: dict[str, Callable[[Engine], Expected]] = {
    "edit": _edit, "edit-rechain": _edit_and_rechain,
    "edit-rechain-leaves": _edit_rechain_and_rewrite_leaves, "delete": _delete,
    "delete-renumber": _delete_and_renumber, "insert": _insert, "reorder": _reorder,
    "reorder-years": _reorder_across_years, "truncate": _truncate,
    "truncate-forget": lambda e: _truncate(e, forget_checkpoints=True),
    "forge": _forge_after_the_last_checkpoint,
    "forge-anonymous": lambda e: _forge_after_the_last_checkpoint(e, workflow=False),
    "forge-coalition": lambda e: _forge_after_the_last_checkpoint(e, stream=COALITION),
    "forge-coalition-anonymous": lambda e: _forge_after_the_last_checkpoint(
        e, workflow=False, stream=COALITION),
    "edit-rechain-procedure": lambda e: (ProblemKind.ALTERED, forge(e, WITHDRAWN, 2,
                                                                     recompute=True),
                                         WITHDRAWN, 2)}


@pytest.mark.parametrize("tamper", TAMPERS.values(), ids=TAMPERS.keys())
def test_a_tampered_database_exports_a_bundle_that_names_it(
        tamper: Callable[[Engine], Expected], world: World, world_copy: Settings,
        histories: list[WorkflowHistory], tmp_path: Path) -> None:
    engine = create_ledger_engine(world_copy.effective_ledger_url)
    kind, position, stream, version = tamper(engine)
    export_bundle(engine, world.public_key.read_bytes(), histories, YEARS[0], YEARS[-1],
                  tmp_path / "bundle.zip")
    engine.dispose()
    problem = verify_bundle(tmp_path / "bundle.zip").problem
    assert problem is not None
    assert (problem.kind, problem.position) == (kind, position), problem
    if stream is not None:
        assert (problem.stream, problem.version) == (stream, version), problem
    app = typer.Typer()
    app.command()(bundle_cli.verify_bundle)
    done = CliRunner().invoke(app, [str(tmp_path / "bundle.zip")])
    assert done.exit_code == 1, done.output
    assert done.output.replace("\n", "").startswith(
        f"bundle NOT intact: {kind} at position {position}")
