"""Authority from the record in a year's cycle, through the real engine (issue 19): a person
with the ``president`` role whose State does not hold the presidency that day cannot convene
the intersessional meeting; the President the record names does."""

from __future__ import annotations

import pytest

from contracts import cycle_id
from domain import commands as c
from domain.convention import Actor, Role
from domain.errors import RuleViolation
from domain.state import Phase
from scenarios.scripted import EngineClock, chair, first_presidency, meeting, present, run_year
from tests.cycles import cycle_state, take_step
from tests.workflows.conftest import Engine

YEAR = 2027


async def test_a_president_whose_state_does_not_preside_cannot_convene_the_meeting(
        engine: Engine) -> None:
    """CO-3: the record carried in names the presidency in office; another State's
    ``president`` is refused, nothing is recorded, and the President in office convenes."""
    state = await run_year(engine.client, YEAR, engine.task_queue, until="convene_meeting")
    presiding = first_presidency(YEAR).state
    pretender = Actor(name="Lucía Gómez", role=Role.PRESIDENT,
                      represents="CHL" if presiding != "CHL" else "MEX")
    head, version = engine.ledger.head(), state.event_count
    with pytest.raises(RuleViolation) as refused:
        await take_step(engine.client, YEAR, c.ConveneMeeting(actor=pretender,
                                                             meeting=meeting(YEAR)))
    assert refused.value.rule_id == "CO-3"
    assert f"{presiding} holds the presidency of the Meeting of States Parties of " \
           f"{YEAR - 1}" in refused.value.message
    assert f"Lucía Gómez (for {pretender.represents}) cannot act as President" in \
        refused.value.message
    assert engine.ledger.head() == head  # nothing recorded
    assert (await cycle_state(engine.client, YEAR)).event_count == version
    president = chair(YEAR, state)
    assert president.represents == presiding
    receipt = await take_step(engine.client, YEAR, c.ConveneMeeting(actor=president,
                                                                    meeting=meeting(YEAR)))
    recorded = engine.ledger.read_stream(cycle_id(YEAR))[-1]
    assert (recorded.event_id, recorded.type) == (receipt.event_id,
                                                 "IntersessionalMeetingConvened")
    assert (await cycle_state(engine.client, YEAR)).phase is Phase.INTERSESSIONAL_MEETING


async def test_a_committee_member_not_on_the_committee_cannot_approve_the_work_plan(
        engine: Engine) -> None:
    """CC-3: THA holds no seat; CC-5: ICRC sits, yet one member does not decide for the
    committee; its chair records the decision with the members present."""
    state = await run_year(engine.client, YEAR, engine.task_queue, until="approve_workplan")
    assert state.draft_hash is not None
    outsider = Actor(name="Somchai P.", role=Role.COMMITTEE_MEMBER, represents="THA")
    head = engine.ledger.head()
    with pytest.raises(RuleViolation) as refused:
        await take_step(engine.client, YEAR, c.ApproveWorkplan(actor=outsider,
                                                              content_hash=state.draft_hash))
    assert refused.value.rule_id == "CC-3"
    assert "THA does not sit on the Coordination Committee" in refused.value.message
    assert engine.ledger.head() == head
    member = Actor(name="Ana Díaz", role=Role.COMMITTEE_MEMBER, represents="ICRC")
    with pytest.raises(RuleViolation) as alone:
        await take_step(engine.client, YEAR, c.ApproveWorkplan(
            actor=member, content_hash=state.draft_hash, present=("ICRC",)))
    assert alone.value.rule_id == "CC-5"
    assert engine.ledger.head() == head
    today = await EngineClock(engine.client).today()
    receipt = await take_step(engine.client, YEAR, c.ApproveWorkplan(
        actor=chair(YEAR, state, today), content_hash=state.draft_hash,
        present=present(state, today)))
    assert engine.ledger.read_stream(cycle_id(YEAR))[-1].event_id == receipt.event_id
