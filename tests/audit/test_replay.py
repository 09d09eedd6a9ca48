"""``audit replay``: a year, a coalition or a silence procedure as the ledger held it at any
moment, folded from its events alone, and refused when its events were tampered with."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum

import pytest

from audit.replay import NotFolded, ReplayRefused, called, replay
from domain.coalition_state import CoalitionPhase, CoalitionState
from domain.cycle import fold
from domain.events import parse_event
from domain.kinds import KINDS
from domain.silence import SilencePhase, SilenceState
from domain.state import Phase
from ledger import Ledger, create_ledger_engine
from ledger.checkpoints import all_checkpoints, checkpoint_public_key
from ledger.problems import ProblemKind
from reading import streams as reading
from scenarios.simulation import ADOPTED, COALITION, OBJECTION, STRATEGY, WITHDRAWN
from settings import Settings
from tests.audit.conftest import YEARS, World, audit_cli
from tests.audit.tamper import append_copy, execute, forge


def test_every_year_replays_to_its_closed_state(world: World, five_years_ledger: Ledger
                                                ) -> None:
    for year in YEARS:
        recorded = five_years_ledger.read_stream(f"cycle-{year}")
        replayed = replay(five_years_ledger, f"cycle-{year}",
                          public_key=checkpoint_public_key(world.public_key))
        assert replayed.state == fold(parse_event(e.payload) for e in recorded)
        assert replayed.state.phase is Phase.CLOSED
        assert (replayed.signed, replayed.chained_only, replayed.later) == (len(recorded), 0, 0)


def test_as_of_a_moment_shows_what_the_ledger_held_then(five_years_ledger: Ledger) -> None:
    recorded = five_years_ledger.read_stream("cycle-2028")
    middle = recorded[len(recorded) // 2]
    replayed = replay(five_years_ledger, "cycle-2028", datetime.fromisoformat(middle.recorded_at))
    held = [e for e in recorded if e.recorded_at <= middle.recorded_at]
    assert 0 < len(held) < len(recorded)
    assert replayed.events == tuple(held)
    assert replayed.later == len(recorded) - len(held)
    assert replayed.state == fold(parse_event(e.payload) for e in held)
    assert replayed.state.phase is not Phase.CLOSED
    before = replay(five_years_ledger, "cycle-2028",
                    datetime.fromisoformat("2000-01-01T00:00:00Z"))
    assert (before.events, before.state.phase) == ((), Phase.NOT_OPENED)


def test_a_forged_event_is_refused_and_named(world_copy: Settings) -> None:
    engine = create_ledger_engine(world_copy.effective_ledger_url)
    position = forge(engine, "cycle-2029", 6, recompute=True)  # a careful tamperer
    with pytest.raises(ReplayRefused) as refused:
        replay(Ledger(engine), "cycle-2029")
    problem = refused.value.problem
    assert (problem.kind, problem.position, problem.version) == (ProblemKind.ALTERED,
                                                                 position, 6)
    assert "signed checkpoint" in problem.detail
    replay(Ledger(engine), "cycle-2028")  # the other years still replay


def test_a_late_year_rests_on_its_own_checkpoints_segment(world_copy: Settings) -> None:
    """The first checkpoint's stored event hashes destroyed: the last year's events are still
    vouched for, each checkpoint's segment proven from the frontier of the one before it
    (``ledger.vouching``) — and one of them forged, with its chain, is still refused."""
    engine = create_ledger_engine(world_copy.effective_ledger_url)
    ledger, public = Ledger(engine), checkpoint_public_key(world_copy.effective_signing_key)
    [first, *_, last] = all_checkpoints(engine)
    assert last.frontier is not None
    execute(engine, "UPDATE checkpoints SET leaves = :l WHERE tree_size = :n",
            l=bytes(len(first.leaves)), n=first.tree_size)
    recorded = ledger.read_stream("cycle-2031")
    assert recorded[0].position > first.tree_size
    replayed = replay(ledger, "cycle-2031", public_key=public)
    assert (replayed.signed, replayed.chained_only) == (len(recorded), 0)
    early = replay(ledger, "cycle-2027", public_key=public)
    assert early.signed < len(ledger.read_stream("cycle-2027"))  # its segment is gone
    position = forge(engine, "cycle-2031", 3, recompute=True)
    with pytest.raises(ReplayRefused) as refused:
        replay(ledger, "cycle-2031", public_key=public)
    assert (refused.value.problem.kind, refused.value.problem.position) == (
        ProblemKind.ALTERED, position)


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
    for args, says, code in ((("--year", "1999"), "holds no 1999 cycle", 4),
                             (("--year", "2028", "--as-of", "yesterday"), "is not a date", 2)):
        wrong = audit_cli(world_copy, "replay", *args)
        assert wrong.returncode == code, wrong.stdout + wrong.stderr
        assert says in wrong.stderr
    forge(ledger.engine, "cycle-2030", 2)
    refused = audit_cli(world_copy, "replay", "--year", "2030")
    assert refused.returncode == 1
    assert "altered at position" in refused.stdout


# --- a coalition and a silence procedure (``--coalition``, ``--silence``) -----------------

def test_a_coalition_and_the_procedures_replay_to_their_end(world: World,
                                                            five_years_ledger: Ledger) -> None:
    key = checkpoint_public_key(world.public_key)
    cases: list[tuple[str, str, StrEnum]] = [("coalition", COALITION, CoalitionPhase.CLOSED),
                                             ("silence", ADOPTED, SilencePhase.ADOPTED),
                                             ("silence", WITHDRAWN, SilencePhase.WITHDRAWN)]
    for kind, stream, phase in cases:
        recorded = five_years_ledger.read_stream(stream)
        replayed = replay(five_years_ledger, stream.upper(), public_key=key, kind=KINDS[kind])
        folded = reading.fold(KINDS[kind], recorded)
        assert (replayed.stream, replayed.kind, replayed.state, replayed.state.phase) == (
            stream, KINDS[kind], folded, phase)
        assert replayed.events == tuple(recorded)
        assert (replayed.signed, replayed.chained_only, replayed.later) == (len(recorded), 0, 0)
    coalition = replay(five_years_ledger, COALITION).state
    assert isinstance(coalition, CoalitionState)
    assert [p.name for p in coalition.participants] == ["ICRC", "UXO Lao"]  # Japan left
    assert [r.msp_year for r in coalition.reports] == [2027, 2028]


def test_as_of_the_middle_shows_the_earlier_phase(five_years_ledger: Ledger) -> None:
    recorded = five_years_ledger.read_stream(COALITION)
    agreed = recorded[2]  # the second State's agreement: formed, no strategy yet
    formed = replay(five_years_ledger, COALITION, datetime.fromisoformat(agreed.recorded_at))
    assert formed.events == tuple(recorded[:3])
    assert formed.later == len(recorded) - 3
    assert isinstance(formed.state, CoalitionState)
    assert (formed.state.phase, formed.state.agreed) == (CoalitionPhase.FORMED, ("LAO", "AUS"))
    broken = five_years_ledger.read_stream(WITHDRAWN)[1]  # the objection, before the deadline
    objected = replay(five_years_ledger, WITHDRAWN, datetime.fromisoformat(broken.recorded_at))
    assert objected.state.phase is SilencePhase.SILENCE_BROKEN
    assert isinstance(objected.state, SilenceState)
    assert objected.state.objections == (("JPN", OBJECTION),)
    before = replay(five_years_ledger, COALITION, datetime.fromisoformat("2000-01-01T00:00:00Z"))
    assert (before.events, before.state.phase) == ((), CoalitionPhase.NOT_IDENTIFIED)


def test_a_forged_coalition_event_is_refused_and_named(world_copy: Settings) -> None:
    engine = create_ledger_engine(world_copy.effective_ledger_url)
    position = forge(engine, COALITION, 4, recompute=True)  # its strategy, rechained
    with pytest.raises(ReplayRefused) as refused:
        replay(Ledger(engine), COALITION)
    problem = refused.value.problem
    assert (problem.kind, problem.position, problem.stream, problem.version) == (
        ProblemKind.ALTERED, position, COALITION, 4)
    assert "signed checkpoint" in problem.detail
    replay(Ledger(engine), WITHDRAWN)  # the others still replay


def test_an_intact_event_the_rules_refuse_does_not_fold(world_copy: Settings) -> None:
    """Well chained, after the last checkpoint, but a second close of a closed coalition — or
    of a closed year: every kind folds by its own rules."""
    engine = create_ledger_engine(world_copy.effective_ledger_url)
    for stream, rule in ((COALITION, "CK-2"), ("cycle-2030", "")):
        position, version = append_copy(engine, stream)
        with pytest.raises(NotFolded) as refused:
            replay(Ledger(engine), stream)
        assert (refused.value.position, refused.value.stream, refused.value.version) == (
            position, stream, version)
        assert rule in refused.value.why
    done = audit_cli(world_copy, "replay", "--year", "2030")
    assert done.returncode == 1
    assert "the 2030 cycle cannot be replayed" in done.stdout
    assert "does not fold" in done.stdout


def test_a_stream_is_replayed_as_its_own_kind(five_years_ledger: Ledger) -> None:
    """Each kind's id is its own: a procedure is no coalition, and a name of no kind no
    process; the sentence says the form an id of the kind takes."""
    with pytest.raises(ValueError, match=r"is not the id of a country coalition "
                       r"\(coalition-<iso3>-<n>\)"):
        replay(five_years_ledger, ADOPTED, kind=KINDS["coalition"])
    with pytest.raises(ValueError, match="no kind of process records a stream named"):
        replay(five_years_ledger, "article7-2027-1")
    assert replay(five_years_ledger, "cycle-2027", kind=KINDS["cycle"]).phase == "closed"
    assert [called(s) for s in ("cycle-2027", COALITION, ADOPTED)] == [
        "2027 cycle", f"country coalition {COALITION}", f"silence procedure {ADOPTED}"]


def test_the_cli_replays_a_coalition_and_a_procedure(world_copy: Settings) -> None:
    ledger = Ledger(create_ledger_engine(world_copy.effective_ledger_url))
    moment = ledger.read_stream(COALITION)[3].recorded_at  # the strategy registered
    done = audit_cli(world_copy, "replay", "--coalition", COALITION, "--as-of", moment,
                     "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    shown = json.loads(done.stdout)
    assert (shown["coalition"], shown["as_of"], shown["phase"]) == (COALITION, moment, "active")
    assert [e["version"] for e in shown["events"]] == [1, 2, 3, 4]
    assert shown["state"]["strategy"]["sha256"] == STRATEGY.sha256
    table = audit_cli(world_copy, "replay", "--silence", WITHDRAWN)
    assert table.returncode == 0, table.stdout + table.stderr
    said = " ".join(table.stdout.split())
    assert f"the silence procedure {WITHDRAWN} now: phase withdrawn, 4 event(s)" in said
    assert "JPN objects" in said
    for args, says, code in (
            (("--coalition", ADOPTED), "is not the id of a country coalition", 2),
            (("--silence", "silence-2027-9"), "holds no silence procedure", 4),
            (("--year", "2027", "--coalition", COALITION), "exactly one of", 2),
            ((), "exactly one of", 2)):
        wrong = audit_cli(world_copy, "replay", *args)
        assert wrong.returncode == code, wrong.stdout + wrong.stderr
        assert says in wrong.stderr
    forge(ledger.engine, COALITION, 6)
    refused = audit_cli(world_copy, "replay", "--coalition", COALITION)
    assert refused.returncode == 1
    assert f"the country coalition {COALITION} cannot be replayed" in refused.stdout
    assert "altered at position" in refused.stdout
