"""The Coordination Committee decides by silence procedure among its members (CC-5, issue 20),
end to end through the workflows and the ledger under the seeds' profile: the President
circulates the work plan among the committee; only its members may break silence (SP-2); the
deadline passes; the chair approves the work plan by that procedure, and the cycle records
the procedure's outcome with it. A procedure not adopted, or of another document, is refused
and records nothing."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest

from contracts import cycle_id
from domain import commands as c
from domain import silence_events as se
from domain.coalitions import Document
from domain.committee import deciding_members
from domain.convention import COMMITTEE_ORGANISATIONS, Actor, Role, shipped_registry
from domain.errors import RuleViolation
from domain.kinds import SILENCE
from scenarios import scripted
from stepping import client as step_client
from tests.cycles import cycle_state, take_step
from tests.workflows.conftest import Engine, refused_leaving_all_as_it_was

YEAR = 2027
DAY = timedelta(days=1)


async def _refused(engine: Engine, command: c.StepCommand) -> RuleViolation:
    return await refused_leaving_all_as_it_was(engine, YEAR, command)


async def _circulate(engine: Engine, chair: Actor, text: Document, among: tuple[str, ...],
                     now: datetime) -> str:
    pid, _ = await step_client.begin(engine.client, SILENCE, se.CirculateText(
        actor=chair, subject="the ISU's work plan", text=text, deadline=now + DAY,
        among=among), engine.task_queue, at=now)
    return pid


@pytest.mark.parametrize("engine_parts", ["sqlite", "postgresql"], indirect=True)
async def test_the_committee_approves_the_work_plan_by_silence(engine: Engine) -> None:
    state = await scripted.run_year(engine.client, YEAR, engine.task_queue, returns=0,
                                    until="approve_workplan")
    assert state.draft_hash is not None
    now = await engine.env.get_current_time()
    chair = scripted.chair(YEAR, state, now.date())
    members = tuple(deciding_members(state.committee_on(now.date())))
    draft = Document(reference="ISU work plan", sha256=state.draft_hash)
    other = Document(reference="another text", sha256=hashlib.sha256(b"other").hexdigest())
    pid = await _circulate(engine, chair, draft, members, now)
    elsewhere = await _circulate(engine, chair, other, members, now)
    objected = await _circulate(engine, chair, draft, members, now)
    circulated = engine.ledger.read_stream(pid)[0].payload
    assert circulated["among"] == list(members)
    assert circulated["text"]["sha256"] == state.draft_hash

    outsider = next(code for code, s in shipped_registry().items()
                    if s.party_on(now.date()) and code not in members)
    with pytest.raises(RuleViolation) as refused:
        await step_client.take(engine.client, SILENCE, pid, se.BreakSilence(
            actor=Actor(name="a delegate", role=Role.DELEGATE, represents=outsider),
            objection="We object."))
    assert refused.value.rule_id == "SP-2", refused.value
    member = next(m for m in members if m not in COMMITTEE_ORGANISATIONS)
    for objector in (Actor(name="a member's delegate", role=Role.DELEGATE, represents=member),
                     Actor(name="the ICRC's member", role=Role.COMMITTEE_MEMBER,
                           represents="ICRC")):
        await step_client.take(engine.client, SILENCE, objected, se.BreakSilence(
            actor=objector, objection="Not this work plan."))

    approve = {"actor": chair, "content_hash": state.draft_hash}
    under_silence = await _refused(engine, c.ApproveWorkplan(**approve, by_silence=pid))
    assert under_silence.rule_id == "CC-5"
    assert "under silence" in under_silence.message

    await engine.env.sleep(DAY + timedelta(hours=1))
    assert [e.type for e in engine.ledger.read_stream(pid)] == [
        "TextCirculated", "DecisionAdoptedBySilence"]
    assert engine.ledger.read_stream(objected)[-1].payload["objected_by"] == [member, "ICRC"]
    # another document; a member broke silence; never circulated
    for named in (elsewhere, objected, f"silence-{now.year}-9"):
        refusal = await _refused(engine, c.ApproveWorkplan(**approve, by_silence=named))
        assert refusal.rule_id == "CC-5", refusal
    returned = await _refused(engine, c.ReturnWorkplan(**approve, reasons="objected",
                                                       by_silence=pid))
    assert returned.rule_id == "CC-5"  # adopted: the committee approved, did not return

    await take_step(engine.client, YEAR, c.ApproveWorkplan(**approve, by_silence=pid))
    approved = engine.ledger.read_stream(cycle_id(YEAR))[-1]
    assert approved.type == "WorkplanApprovedByCommittee"
    decision = approved.payload["by_silence"]
    assert (decision["procedure"], decision["outcome"]) == (pid, "adopted")
    assert (decision["among"], decision["content_hash"]) == (list(members), state.draft_hash)
    assert "present" not in approved.payload
    after = await cycle_state(engine.client, YEAR)
    assert after.approved_hash == state.draft_hash
    assert after == engine.folded(YEAR)
