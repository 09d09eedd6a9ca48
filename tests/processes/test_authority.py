"""Authority from the record through the real engine (issue 19): a person acting in a role the
record does not give them that day is refused with the rule's id, nothing is recorded, and the
same step by the one the record names is recorded. The record (conftest): MEX presides; IRQ
(cooperation and assistance) and NOR (clearance) coordinate this year."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta

import pytest

from domain import coalition_events as ce
from domain import silence_events as se
from domain.coalitions import CountryWorkshop
from domain.convention import Actor, Role
from domain.errors import RuleViolation
from domain.kinds import COALITION, SILENCE
from stepping import client as step_client
from tests.processes.conftest import COMMITTEE, PRESIDENT, document, hold_office, presidency_of
from tests.processes.test_refusals import ACTIVE, CHARTER, _refused
from tests.workflows.conftest import Engine

#: on the committee by no seat that day: THA holds no office on the record
OUTSIDER = Actor(name="Somchai P.", role=Role.COMMITTEE_MEMBER, represents="THA")
#: a President for CHL, whose presidency the record does not hold today (MEX does)
PRETENDER = Actor(name="Lucía Gómez", role=Role.PRESIDENT, represents="CHL")
#: coordinators: JPN holds no elected term; NOR holds the clearance one (CK-7)
UNELECTED = Actor(name="Kenji Sato", role=Role.COORDINATOR, represents="JPN")
CLEARANCE = Actor(name="Ingrid Dahl", role=Role.COORDINATOR, represents="NOR")


def _coalition_refuses(engine: Engine, cid: str, command: ce.CoalitionStepCommand
                       ) -> Awaitable[RuleViolation]:
    return _refused(engine, cid, lambda: step_client.take(engine.client, COALITION, cid,
                                                          command),
                    lambda: step_client.state(engine.client, COALITION, cid))


async def test_a_committee_member_not_on_the_committee_that_day_cannot_identify(
        engine: Engine) -> None:
    """CK-7: THA sits on no seat of the committee today; IRQ (a coordinator) does."""
    head = engine.ledger.head()
    with pytest.raises(RuleViolation) as refused:
        await step_client.begin(engine.client, COALITION, ce.IdentifyCandidate(
            actor=OUTSIDER, charter=CHARTER), engine.task_queue)
    assert refused.value.rule_id == "CK-7"
    assert "THA does not sit on the Coordination Committee" in refused.value.message
    assert "that day it is MEX, NOR, IRQ, ICRC, UN, CMC" in refused.value.message
    assert engine.ledger.head() == head  # nothing recorded
    cid, receipt = await step_client.begin(engine.client, COALITION, ce.IdentifyCandidate(
        actor=COMMITTEE, charter=CHARTER), engine.task_queue)
    assert engine.ledger.read_stream(cid)[0].event_id == receipt.event_id
    assert engine.ledger.read_stream(cid)[0].actor == COMMITTEE.name


async def test_a_president_whose_state_does_not_preside_cannot_close_a_coalition(
        engine: Engine) -> None:
    """CO-3: CHL does not hold the presidency today; MEX does, and closes it."""
    cid, _ = await step_client.begin(engine.client, COALITION, ce.IdentifyCandidate(
        actor=COMMITTEE, charter=CHARTER), engine.task_queue)
    refusal = await _coalition_refuses(engine, cid, ce.CloseCoalition(actor=PRETENDER,
                                                                 reason="no progress"))
    assert refusal.rule_id == "CO-3"
    assert "MEX holds the presidency" in refusal.message
    assert "Lucía Gómez (for CHL) cannot act as President" in refusal.message
    receipt = await step_client.take(engine.client, COALITION, cid, ce.CloseCoalition(
        actor=PRESIDENT, reason="no progress"))
    assert engine.ledger.read_stream(cid)[-1].event_id == receipt.event_id
    assert engine.ledger.read_stream(cid)[-1].type == "CoalitionClosed"


async def test_a_coordinator_with_no_elected_term_cannot_plan_a_workshop(
        engine: Engine) -> None:
    """CK-7: JPN holds no elected term; NOR, the clearance coordinator this year, plans it."""
    cid, _ = await step_client.begin(engine.client, COALITION, ce.IdentifyCandidate(
        actor=COMMITTEE, charter=CHARTER), engine.task_queue)
    for command in ACTIVE:
        await step_client.take(engine.client, COALITION, cid, command)
    today = (await engine.env.get_current_time()).date()
    workshop = CountryWorkshop(place="Vientiane", starts=today + timedelta(days=30),
                               ends=today + timedelta(days=32))
    refusal = await _coalition_refuses(engine, cid, ce.PlanWorkshop(actor=UNELECTED,
                                                               workshop=workshop))
    assert refusal.rule_id == "CK-7"
    assert "Kenji Sato (for JPN) holds no elected term as coordinator" in refusal.message
    assert "NOR (Clearance and risk reduction), IRQ (Cooperation and assistance)" in \
        refusal.message
    receipt = await step_client.take(engine.client, COALITION, cid, ce.PlanWorkshop(
        actor=CLEARANCE, workshop=workshop))
    assert engine.ledger.read_stream(cid)[-1].event_id == receipt.event_id
    assert engine.ledger.read_stream(cid)[-1].type == "CountryWorkshopPlanned"


async def test_a_president_whose_state_does_not_preside_cannot_withdraw_a_text(
        engine: Engine) -> None:
    """CO-3 in a silence procedure: CHL cannot withdraw the text MEX circulated; MEX can."""
    deadline = await engine.env.get_current_time() + timedelta(days=7)
    pid, _ = await step_client.begin(engine.client, SILENCE, se.CirculateText(
        actor=PRESIDENT, subject="venue of the next MSP", deadline=deadline,
        text=document("CCM/MSP/DD/1", "Geneva")), engine.task_queue)
    refusal = await _refused(
        engine, pid,
        lambda: step_client.take(engine.client, SILENCE, pid, se.WithdrawText(
            actor=PRETENDER, reason="no consensus")),
        lambda: step_client.state(engine.client, SILENCE, pid))
    assert refusal.rule_id == "CO-3"
    assert "MEX holds the presidency" in refusal.message
    receipt = await step_client.take(engine.client, SILENCE, pid, se.WithdrawText(
        actor=PRESIDENT, reason="no consensus"))
    assert engine.ledger.read_stream(pid)[-1].event_id == receipt.event_id


async def test_a_presidency_taken_since_the_coalition_began_is_read_again(
        engine: Engine) -> None:
    """The record is read again before a step: CHL's presidency, recorded after the coalition
    began and in office from tomorrow, lets CHL's President close it the day after; MEX's,
    over by then, no longer does."""
    cid, _ = await step_client.begin(engine.client, COALITION, ce.IdentifyCandidate(
        actor=COMMITTEE, charter=CHARTER), engine.task_queue)
    today = (await engine.env.get_current_time()).date()
    hold_office(engine, (presidency_of("CHL", today + timedelta(days=1)),), (), later=1)
    await engine.env.sleep(timedelta(days=2))
    head = engine.ledger.head()
    with pytest.raises(RuleViolation) as refused:
        await step_client.take(engine.client, COALITION, cid, ce.CloseCoalition(
            actor=PRESIDENT, reason="no progress"))
    assert refused.value.rule_id == "CO-3"
    assert "CHL holds the presidency" in refused.value.message
    assert engine.ledger.head() == head
    receipt = await step_client.take(engine.client, COALITION, cid, ce.CloseCoalition(
        actor=PRETENDER, reason="no progress"))
    assert engine.ledger.read_stream(cid)[-1].event_id == receipt.event_id
