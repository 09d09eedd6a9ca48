"""Silence procedures through the real (time-skipping) engine (extension rules SP-1 … SP-4):
the engine itself records the outcome on a durable timer at the deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from domain import silence
from domain import silence_events as se
from domain.kinds import SILENCE
from domain.silence import SilencePhase, SilenceState
from stepping import client as step_client
from tests.processes.conftest import AUS, JPN, PRESIDENT, document
from tests.workflows.conftest import Engine
from workflows.models import SilenceOutcome
from workflows.registered import WORKFLOWS

IN_2027 = datetime(2027, 6, 1, tzinfo=UTC)  # the year a silence procedure is numbered in

PID = "silence-2027-1"
DRAFT = document("CCM/MSP/2027/DD/1", "The MSP decides to hold its next meeting in Geneva.")
REVISED = document("CCM/MSP/2027/DD/1/Rev.1", "The MSP decides to meet in Geneva in 2028.")
WEEK = timedelta(days=7)


async def _now(engine: Engine) -> datetime:
    return await engine.env.get_current_time()


async def _state(engine: Engine) -> SilenceState:
    state: SilenceState = await step_client.state(engine.client, SILENCE, PID)
    return state


async def _circulate(engine: Engine) -> str:
    deadline = await _now(engine) + WEEK
    pid, receipt = await step_client.begin(engine.client, SILENCE, se.CirculateText(
        actor=PRESIDENT, subject="venue of the next MSP", text=DRAFT, deadline=deadline),
        engine.task_queue, at=IN_2027)
    assert (pid, receipt.stream, receipt.version) == (PID, PID, 1)
    return pid


def _types(engine: Engine) -> list[str]:
    return [e.type for e in engine.ledger.read_stream(PID)]


def _folded(engine: Engine) -> SilenceState:
    return silence.fold(se.SILENCE_EVENT.validate_python(e.payload)
                        for e in engine.ledger.read_stream(PID))


async def _result(engine: Engine) -> SilenceOutcome:
    handle = engine.client.get_workflow_handle(PID, result_type=SilenceOutcome)
    outcome: SilenceOutcome = await handle.result()
    return outcome


async def _object(engine: Engine) -> None:
    await step_client.take(engine.client, SILENCE, PID, se.BreakSilence(
        actor=AUS, objection="Australia cannot agree to the venue."))


async def test_adopted_at_the_deadline_when_nobody_breaks_silence(engine: Engine) -> None:
    """SP-3: the deadline passes with no objection, and the engine records the adoption."""
    await _circulate(engine)
    assert (await _state(engine)).phase is SilencePhase.UNDER_SILENCE
    await engine.env.sleep(WEEK + timedelta(hours=1))
    outcome = await _result(engine)
    assert (outcome.procedure, outcome.phase, outcome.circulations, outcome.events) == (
        PID, "adopted", 1, 2)
    assert _types(engine) == ["TextCirculated", "DecisionAdoptedBySilence"]
    adopted = engine.ledger.read_stream(PID)[-1]
    assert adopted.role == "engine"
    assert adopted.payload["content_hash"] == DRAFT.sha256
    assert _folded(engine).phase is SilencePhase.ADOPTED


async def test_one_objection_and_the_decision_is_not_adopted(engine: Engine) -> None:
    """SP-2, SP-3: one State Party breaks silence; at the deadline the decision is not
    adopted, and the procedure waits for the President, who withdraws the text (SP-4)."""
    await _circulate(engine)
    await _object(engine)
    assert (await _state(engine)).phase is SilencePhase.SILENCE_BROKEN
    await engine.env.sleep(WEEK + timedelta(hours=1))
    state = await step_client.state(engine.client, SILENCE, PID)
    assert state.phase is SilencePhase.NOT_ADOPTED
    assert not state.adopted
    assert _types(engine) == ["TextCirculated", "SilenceBroken", "DecisionNotAdopted"]
    assert engine.ledger.read_stream(PID)[-1].payload["objected_by"] == ["AUS"]
    steps = [s.step for s in await step_client.pending(engine.client, PID)]
    assert steps == ["recirculate_text", "withdraw_text"]
    await engine.env.sleep(timedelta(days=30))  # nothing more happens by itself
    assert len(_types(engine)) == 3
    await step_client.take(engine.client, SILENCE, PID, se.WithdrawText(
        actor=PRESIDENT, reason="no consensus on the venue"))
    outcome = await _result(engine)
    assert (outcome.phase, outcome.circulations, outcome.events) == ("withdrawn", 1, 4)
    assert "DecisionAdoptedBySilence" not in _types(engine)
    assert _folded(engine).phase is SilencePhase.WITHDRAWN


async def test_withdrawn_before_the_deadline(engine: Engine) -> None:
    """SP-4: the President withdraws under silence; the timer records no outcome."""
    await _circulate(engine)
    await engine.env.sleep(timedelta(days=2))
    await step_client.take(engine.client, SILENCE, PID, se.WithdrawText(actor=PRESIDENT,
                                                              reason="text overtaken"))
    outcome = await _result(engine)
    assert (outcome.phase, outcome.events) == ("withdrawn", 2)
    await engine.env.sleep(WEEK)
    assert _types(engine) == ["TextCirculated", "TextWithdrawn"]


async def test_recirculated_after_being_broken_then_adopted(engine: Engine) -> None:
    """SP-4: the revised text is circulation 2, with no objection standing; SP-3 at its
    deadline."""
    await _circulate(engine)
    await _object(engine)
    await engine.env.sleep(WEEK + timedelta(hours=1))
    await step_client.take(engine.client, SILENCE, PID, se.RecirculateText(
        actor=PRESIDENT, text=REVISED, deadline=await _now(engine) + WEEK))
    state = await step_client.state(engine.client, SILENCE, PID)
    assert (state.phase, state.circulation, state.objections) == (
        SilencePhase.UNDER_SILENCE, 2, ())
    await engine.env.sleep(WEEK + timedelta(hours=1))
    outcome = await _result(engine)
    assert (outcome.phase, outcome.circulations, outcome.events) == ("adopted", 2, 5)
    assert _types(engine) == ["TextCirculated", "SilenceBroken", "DecisionNotAdopted",
                              "TextRecirculated", "DecisionAdoptedBySilence"]
    adopted = engine.ledger.read_stream(PID)[-1].payload
    assert (adopted["circulation"], adopted["content_hash"]) == (2, REVISED.sha256)


async def test_recirculated_under_silence_the_first_deadline_no_longer_counts(
        engine: Engine) -> None:
    """SP-4: a recirculation sets a new deadline; the first one's timer adopts nothing."""
    await _circulate(engine)
    await engine.env.sleep(timedelta(days=3))
    await step_client.take(engine.client, SILENCE, PID, se.RecirculateText(
        actor=PRESIDENT, text=REVISED, deadline=await _now(engine) + 2 * WEEK))
    await engine.env.sleep(WEEK)  # past the first deadline, before the second
    assert (await _state(engine)).phase is SilencePhase.UNDER_SILENCE
    assert _types(engine) == ["TextCirculated", "TextRecirculated"]
    await step_client.take(engine.client, SILENCE, PID, se.BreakSilence(actor=JPN, objection="no"))
    await engine.env.sleep(WEEK + timedelta(hours=1))
    assert _types(engine)[-1] == "DecisionNotAdopted"
    state = await step_client.state(engine.client, SILENCE, PID)
    assert (state.phase, state.circulation) == (SilencePhase.NOT_ADOPTED, 2)


async def test_the_history_replays_while_waiting_and_once_ended(engine: Engine) -> None:
    """A worker picking the procedure up mid-way (waiting for the President after the
    deadline, or under silence on the second circulation) replays it deterministically."""
    replayer = Replayer(workflows=list(WORKFLOWS), data_converter=pydantic_data_converter)
    handle = engine.client.get_workflow_handle(PID)

    async def replayed() -> int:
        history = await handle.fetch_history()
        result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
        assert result.replay_failure is None
        return len(history.events)

    await _circulate(engine)
    await _object(engine)
    await engine.env.sleep(WEEK + timedelta(hours=1))
    waiting_for_the_president = await replayed()
    await step_client.take(engine.client, SILENCE, PID, se.RecirculateText(
        actor=PRESIDENT, text=REVISED, deadline=await _now(engine) + WEEK))
    under_silence_again = await replayed()
    await engine.env.sleep(WEEK + timedelta(hours=1))
    assert (await _result(engine)).phase == "adopted"
    assert waiting_for_the_president < under_silence_again < await replayed()
