"""``audit verify`` on five simulated years: intact, then tampered five ways, each named."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from audit.verification import verify_ledger
from ledger import Ledger, create_ledger_engine
from ledger.checkpoints import all_checkpoints, checkpoint_public_key
from ledger.problems import ProblemKind
from settings import Settings
from tests.audit.conftest import World, audit_cli
from tests.audit.tamper import execute, forge, renumber, row


def test_the_five_years_verify_on_both_backends(world: World, five_years_ledger: Ledger
                                                ) -> None:
    engine = five_years_ledger.engine
    seen: list[int] = []
    result = verify_ledger(engine, checkpoint_public_key(world.public_key), seen.append)
    latest = all_checkpoints(engine)[-1]
    assert result.intact
    assert result.signatures_checked
    assert result.events == five_years_ledger.head() == sum(seen)
    assert result.checkpoints >= 5  # one as each cycle closed
    assert (result.tree_size, result.root_hash) == (latest.tree_size, latest.root_hash)
    assert latest.root_hash in result.sentence()


def test_the_cli_says_intact_and_the_root_it_rests_on(world_copy: Settings) -> None:
    done = audit_cli(world_copy, "verify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ledger intact" in done.stdout
    latest = all_checkpoints(create_ledger_engine(world_copy.effective_ledger_url))[-1]
    assert latest.root_hash in done.stdout.replace("\n", "")


def _edit(engine: Engine) -> tuple[ProblemKind, int]:
    return ProblemKind.ALTERED, forge(engine, "cycle-2028", 5)


def _edit_and_rechain(engine: Engine) -> tuple[ProblemKind, int]:
    return ProblemKind.ALTERED, forge(engine, "cycle-2028", 5, recompute=True)


def _delete(engine: Engine) -> tuple[ProblemKind, int]:
    gone = row(engine, "cycle-2029", 3)
    assert gone is not None
    execute(engine, "DELETE FROM events WHERE position = :p", p=gone["position"])
    return ProblemKind.DELETED, gone["position"]


def _insert(engine: Engine) -> tuple[ProblemKind, int]:
    copied = row(engine, "cycle-2029", 3)
    assert copied is not None
    renumber(engine, copied["position"], 1)
    execute(engine, "INSERT INTO events SELECT :p, 'f0000000-0000-4000-8000-000000000000', "
            "stream, 99, type, schema_version, payload, actor, role, occurred_at, recorded_at, "
            "workflow_id, run_id, causation_id, prev_hash, hash FROM events WHERE position = :q",
            p=copied["position"], q=copied["position"] + 1)
    return ProblemKind.INSERTED, copied["position"]


def _reorder(engine: Engine) -> tuple[ProblemKind, int]:
    first = row(engine, "cycle-2030", 4)
    assert first is not None
    p, q = first["position"], first["position"] + 1
    execute(engine, "UPDATE events SET position = 1000000 WHERE position = :p", p=p)
    execute(engine, "UPDATE events SET position = :p WHERE position = :q", p=p, q=q)
    execute(engine, "UPDATE events SET position = :q WHERE position = 1000000", q=q)
    return ProblemKind.REORDERED, p


def _truncate(engine: Engine) -> tuple[ProblemKind, int]:
    """The log cut after 2031's eighth event (2032's opening with it) and the head lowered to
    match: every chain left is sound, only the signed checkpoints know the log was longer."""
    cut = row(engine, "cycle-2031", 9)
    assert cut is not None
    execute(engine, "DELETE FROM events WHERE position >= :p", p=cut["position"])
    execute(engine, "UPDATE ledger_head SET position = :p", p=cut["position"] - 1)
    return ProblemKind.TRUNCATED, cut["position"]


@pytest.mark.parametrize("tamper", [_edit, _edit_and_rechain, _delete, _insert, _reorder,
                                    _truncate])
def test_a_tampered_ledger_is_named(world_copy: Settings, tamper) -> None:  # type: ignore[no-untyped-def]
    engine = create_ledger_engine(world_copy.effective_ledger_url)
    kind, position = tamper(engine)
    engine.dispose()
    done = audit_cli(world_copy, "verify")
    assert done.returncode == 1, done.stdout + done.stderr
    said = done.stdout.replace("\n", "")
    assert "ledger NOT intact" in said
    assert f"{kind.value} at position {position}" in said
