"""``audit replay``: a year as the ledger held it at any moment, folded from its events alone,
and refused when its events were tampered with."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from audit.replay import ReplayRefused, replay
from domain.cycle import fold
from domain.events import parse_event
from domain.state import Phase
from ledger import Ledger, create_ledger_engine
from ledger.checkpoints import checkpoint_public_key
from ledger.problems import ProblemKind
from settings import Settings
from tests.audit.conftest import YEARS, World, audit_cli
from tests.audit.tamper import forge


def test_every_year_replays_to_its_closed_state(world: World, five_years_ledger: Ledger
                                                ) -> None:
    for year in YEARS:
        recorded = five_years_ledger.read_stream(f"cycle-{year}")
        replayed = replay(five_years_ledger, year,
                          public_key=checkpoint_public_key(world.public_key))
        assert replayed.state == fold(parse_event(e.payload) for e in recorded)
        assert replayed.state.phase is Phase.CLOSED
        assert (replayed.signed, replayed.chained_only, replayed.later) == (len(recorded), 0, 0)


def test_as_of_a_moment_shows_what_the_ledger_held_then(five_years_ledger: Ledger) -> None:
    recorded = five_years_ledger.read_stream("cycle-2028")
    middle = recorded[len(recorded) // 2]
    replayed = replay(five_years_ledger, 2028, datetime.fromisoformat(middle.recorded_at))
    held = [e for e in recorded if e.recorded_at <= middle.recorded_at]
    assert 0 < len(held) < len(recorded)
    assert replayed.events == tuple(held)
    assert replayed.later == len(recorded) - len(held)
    assert replayed.state == fold(parse_event(e.payload) for e in held)
    assert replayed.state.phase is not Phase.CLOSED
    before = replay(five_years_ledger, 2028, datetime.fromisoformat("2000-01-01T00:00:00Z"))
    assert (before.events, before.state.phase) == ((), Phase.NOT_OPENED)


def test_a_forged_event_is_refused_and_named(world_copy: Settings) -> None:
    engine = create_ledger_engine(world_copy.effective_ledger_url)
    position = forge(engine, "cycle-2029", 6, recompute=True)  # a careful tamperer
    with pytest.raises(ReplayRefused) as refused:
        replay(Ledger(engine), 2029)
    problem = refused.value.problem
    assert (problem.kind, problem.position, problem.version) == (ProblemKind.ALTERED,
                                                                 position, 6)
    assert "signed checkpoint" in problem.detail
    replay(Ledger(engine), 2028)  # the other years still replay


def test_the_cli_replays_as_of_and_refuses_what_it_cannot(world_copy: Settings) -> None:
    ledger = Ledger(create_ledger_engine(world_copy.effective_ledger_url))
    moment = ledger.read_stream("cycle-2027")[4].recorded_at
    done = audit_cli(world_copy, "replay", "--year", "2027", "--as-of", moment, "--json")
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["as_of"] == moment
    assert len(shown["events"]) >= 5
    assert shown["phase"] == fold(parse_event(e["payload"]) for e in shown["events"]).phase
    table = audit_cli(world_copy, "replay", "--year", "2030")
    assert table.returncode == 0
    assert "phase closed" in table.stdout
    for args, says in ((("--year", "1999"), "holds no 1999 cycle"),
                       (("--year", "2028", "--as-of", "yesterday"), "is not a date")):
        wrong = audit_cli(world_copy, "replay", *args)
        assert wrong.returncode == 2, wrong.stdout + wrong.stderr
        assert says in wrong.stdout
    forge(ledger.engine, "cycle-2030", 2)
    refused = audit_cli(world_copy, "replay", "--year", "2030")
    assert refused.returncode == 1
    assert "altered at position" in refused.stdout
