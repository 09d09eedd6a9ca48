"""Every refused step of a coalition or a silence procedure returns its rule id and records
nothing: not in the ledger, not in the workflow's state, not even as an accepted update in
Temporal's history. A refused identification starts no workflow at all."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from pydantic import BaseModel
from temporalio.api.enums.v1 import EventType
from temporalio.service import RPCError, RPCStatusCode

from domain import coalition_events as ce
from domain import silence_events as se
from domain.coalitions import CoalitionCharter, ExistingActivity, Participant, parse_focus
from domain.convention import Actor, Role
from domain.errors import RuleViolation
from domain.kinds import COALITION, SILENCE
from reading.streams import state_of
from stepping import client as step_client
from stepping.client import Recorded
from tests.processes.conftest import (
    AUS,
    COMMITTEE,
    ISU,
    JPN,
    LAO,
    PRESIDENT,
    USA,
    document,
    strategy,
)
from tests.workflows.conftest import Engine

IN_2027 = datetime(2027, 6, 1, tzinfo=UTC)  # the year a silence procedure is numbered in

CLEARANCE = parse_focus(["clearance-and-risk-reduction-education"])
CHARTER = CoalitionCharter(affected_state="LAO", partner_state="AUS", focus=CLEARANCE)
CID, PID = "coalition-lao-1", "silence-2027-1"
ACTIVITY = ExistingActivity(reference="AUS-LAO-UXO-2025", kind="bilateral",
                            description="Australia's clearance support to Lao PDR")
WEEK = timedelta(days=7)


async def _accepted_updates(engine: Engine, workflow_id: str) -> int:
    history = await engine.client.get_workflow_handle(workflow_id).fetch_history()
    return sum(e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
               for e in history.events)


async def _refused(engine: Engine, workflow_id: str, send: Callable[[], Awaitable[Any]],
                   state: Callable[[], Awaitable[BaseModel]]) -> RuleViolation:
    """Run ``send``; assert it is refused and that nothing anywhere changed."""
    head, before = engine.ledger.head(), await state()
    accepted = await _accepted_updates(engine, workflow_id)
    with pytest.raises(RuleViolation) as refused:
        await send()
    assert engine.ledger.head() == head
    assert await state() == before
    assert await _accepted_updates(engine, workflow_id) == accepted
    return refused.value


def _recorded(engine: Engine) -> Recorded:
    """A stream's state as the ledger records it: how the entry points judge a step to a
    stream whose workflow has ended (as the rules refuse it there)."""
    return partial(state_of, engine.ledger)


async def _not_started(engine: Engine, workflow_id: str) -> None:
    with pytest.raises(RPCError) as missing:
        await engine.client.get_workflow_handle(workflow_id).describe()
    assert missing.value.status is RPCStatusCode.NOT_FOUND


# --- coalitions ---------------------------------------------------------------------------

@pytest.mark.parametrize(("charter", "rule_id"), [
    (CoalitionCharter(partner_state="AUS", focus=CLEARANCE), "CK-2"),
    (CoalitionCharter(affected_state="AUS", partner_state="JPN", focus=CLEARANCE), "CK-1"),
], ids=["no-affected-state", "not-affected"])
async def test_a_refused_identification_starts_no_workflow(
        engine: Engine, monkeypatch: pytest.MonkeyPatch, charter: CoalitionCharter,
        rule_id: str) -> None:
    """CK-2 (no affected State), CK-1 (a State not affected): refused before any workflow."""
    started: list[object] = []

    async def start_workflow(*args: object, **kwargs: object) -> None:
        started.append(args)

    monkeypatch.setattr(engine.client, "start_workflow", start_workflow)
    with pytest.raises(RuleViolation) as refused:
        await step_client.begin(engine.client, COALITION, ce.IdentifyCandidate(
            actor=COMMITTEE, charter=charter), engine.task_queue)
    assert refused.value.rule_id == rule_id
    assert started == []
    assert engine.ledger.head() == 1  # the office on the record (conftest), nothing more
    await _not_started(engine, "coalition-aus-1")


async def test_an_identification_by_a_delegate_starts_no_workflow(engine: Engine) -> None:
    """CK-7: the committee identifies; the affected State's delegate does not."""
    with pytest.raises(RuleViolation) as refused:
        await step_client.begin(engine.client, COALITION, ce.IdentifyCandidate(
            actor=LAO, charter=CHARTER), engine.task_queue)
    assert refused.value.rule_id == "CK-7"
    assert engine.ledger.head() == 1  # the office on the record (conftest), nothing more
    await _not_started(engine, CID)


async def _coalition(engine: Engine, *steps: ce.CoalitionStepCommand) -> None:
    cid, _ = await step_client.begin(engine.client, COALITION, ce.IdentifyCandidate(
        actor=COMMITTEE, charter=CHARTER), engine.task_queue)
    assert cid == CID
    for command in steps:
        await step_client.take(engine.client, COALITION, CID, command)


async def _coalition_refuses(engine: Engine, command: ce.CoalitionStepCommand
                             ) -> RuleViolation:
    return await _refused(engine, CID,
                          lambda: step_client.take(engine.client, COALITION, CID, command,
                                                   recorded=_recorded(engine)),
                          lambda: step_client.state(engine.client, COALITION, CID))


FORMED = (ce.AgreeToCoCoordinate(actor=LAO), ce.AgreeToCoCoordinate(actor=AUS))
ACTIVE = (*FORMED, ce.RegisterStrategy(actor=LAO, document=strategy()))


async def test_a_wrong_role_is_refused_with_the_steps_rule(engine: Engine) -> None:
    """CK-2: only a delegate agrees for a State; CK-3: only one registers the strategy."""
    await _coalition(engine)
    refusal = await _coalition_refuses(engine, ce.AgreeToCoCoordinate(actor=ISU))
    assert refusal.rule_id == "CK-2"
    assert "acted as isu" in refusal.message
    await step_client.take(engine.client, COALITION, CID, FORMED[0])
    await step_client.take(engine.client, COALITION, CID, FORMED[1])
    refusal = await _coalition_refuses(engine, ce.RegisterStrategy(actor=COMMITTEE,
                                                                   document=strategy()))
    assert refusal.rule_id == "CK-3"
    assert "committee member" in refusal.message


async def test_a_delegate_of_the_wrong_state_is_refused(engine: Engine) -> None:
    """CK-2: Japan is no co-coordinator; CK-3: Australia does not own Lao PDR's strategy."""
    await _coalition(engine)
    refusal = await _coalition_refuses(engine, ce.AgreeToCoCoordinate(actor=JPN))
    assert refusal.rule_id == "CK-2"
    assert "speaks for JPN" in refusal.message
    await step_client.take(engine.client, COALITION, CID, FORMED[0])
    await step_client.take(engine.client, COALITION, CID, FORMED[1])
    refusal = await _coalition_refuses(engine, ce.RegisterStrategy(actor=AUS,
                                                                   document=strategy()))
    assert refusal.rule_id == "CK-3"
    assert "delegate of LAO" in refusal.message


async def test_a_step_out_of_phase_is_refused(engine: Engine) -> None:
    """CK-3: no progress report before the national strategy document."""
    await _coalition(engine, *FORMED)
    refusal = await _coalition_refuses(engine, ce.ReportProgress(
        actor=LAO, msp_year=(await engine.env.get_current_time()).year, summary="early"))
    assert refusal.rule_id == "CK-3"
    assert "the coalition is formed" in refusal.message


async def test_a_duplicated_activity_is_refused(engine: Engine) -> None:
    """CK-6: an existing activity is coordinated once, never duplicated."""
    await _coalition(engine, *ACTIVE, ce.CoordinateActivity(actor=AUS, activity=ACTIVITY))
    refusal = await _coalition_refuses(engine, ce.CoordinateActivity(actor=LAO,
                                                                     activity=ACTIVITY))
    assert refusal.rule_id == "CK-6"
    assert ACTIVITY.reference in refusal.message


async def test_a_closed_coalition_refuses_its_steps(engine: Engine) -> None:
    """CK-4: once closed (its workflow ended), a participant is refused by the rules."""
    await _coalition(engine, *ACTIVE, ce.CloseCoalition(actor=AUS, reason="objectives met"))
    await engine.client.get_workflow_handle(CID).result()
    refusal = await _coalition_refuses(engine, ce.AdmitParticipant(
        actor=LAO, participant=Participant(kind="operator", name="UXO Lao")))
    assert refusal.rule_id == "CK-4"
    assert "the coalition is closed" in refusal.message


# --- silence procedures -------------------------------------------------------------------

async def _circulated(engine: Engine) -> None:
    deadline = await engine.env.get_current_time() + WEEK
    pid, _ = await step_client.begin(engine.client, SILENCE, se.CirculateText(
        actor=PRESIDENT, subject="venue of the next MSP", deadline=deadline,
        text=document("CCM/MSP/2027/DD/1", "Geneva")), engine.task_queue, at=IN_2027)
    assert pid == PID


async def _silence_refuses(engine: Engine, actor: Actor) -> RuleViolation:
    command = se.BreakSilence(actor=actor, objection="we object")
    return await _refused(engine, PID,
                          lambda: step_client.take(engine.client, SILENCE, PID, command,
                                                   recorded=_recorded(engine)),
                          lambda: step_client.state(engine.client, SILENCE, PID))


async def test_a_non_state_party_cannot_break_silence(engine: Engine) -> None:
    """SP-2: silence is broken by a State Party; the United States is not one."""
    await _circulated(engine)
    refusal = await _silence_refuses(engine, USA)
    assert refusal.rule_id == "SP-2"
    assert "USA" in refusal.message


async def test_the_president_cannot_break_silence(engine: Engine) -> None:
    """SP-2: breaking silence is a step for a State's delegate, not the President's."""
    await _circulated(engine)
    refusal = await _silence_refuses(engine, PRESIDENT)
    assert refusal.rule_id == "SP-2"
    assert "acted as president" in refusal.message


async def test_no_objection_after_the_deadline_once_not_adopted(engine: Engine) -> None:
    """SP-2: after the deadline (the decision recorded as not adopted) nobody objects."""
    await _circulated(engine)
    await step_client.take(engine.client, SILENCE, PID, se.BreakSilence(actor=AUS, objection="no"))
    await engine.env.sleep(WEEK + timedelta(hours=1))
    refusal = await _silence_refuses(engine, JPN)
    assert refusal.rule_id == "SP-2"
    assert "the procedure is not adopted" in refusal.message


async def test_no_objection_after_the_deadline_once_adopted(engine: Engine) -> None:
    """SP-2: after the deadline (adopted, the workflow ended) the objection is refused."""
    await _circulated(engine)
    await engine.env.sleep(WEEK + timedelta(hours=1))
    await engine.client.get_workflow_handle(PID).result()
    refusal = await _silence_refuses(engine, AUS)
    assert refusal.rule_id == "SP-2"
    assert "the procedure is adopted" in refusal.message


async def test_a_delegate_cannot_withdraw_the_text(engine: Engine) -> None:
    """SP-4: withdrawing is the President's step."""
    await _circulated(engine)
    command = se.WithdrawText(actor=Actor(name="Jane Carter", role=Role.DELEGATE,
                                          represents="AUS"), reason="we would rather not")
    refusal = await _refused(engine, PID,
                             lambda: step_client.take(engine.client, SILENCE, PID, command,
                                                      recorded=_recorded(engine)),
                             lambda: step_client.state(engine.client, SILENCE, PID))
    assert refusal.rule_id == "SP-4"
