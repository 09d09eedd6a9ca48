"""The Convention as it ran (issue 20), end to end through the workflows and the ledger, under
the seeds' profile (the engine's default): a Review Conference in two parts and its
President designated beside the next MSP's; a term ended early and its replacement, CO-7
judged on the real sequence; the Coordination Committee deciding with its members present.

Each refusal records nothing — not in the ledger, not in the workflow's state — and the next
valid step is taken as if it had not been tried."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from contracts import cycle_id
from domain import commands as c
from domain.committee import Presidency, deciding_members
from domain.conferences import FormalMeeting, MeetingKind, MeetingPart
from domain.convention import Actor, Role, shipped_registry
from domain.elections import NecessityException, Term
from domain.errors import RuleViolation
from domain.profile import DEFAULT
from scenarios import scripted
from tests.cycles import cycle_state, open_cycle, pending, take_step
from tests.workflows.conftest import Engine, refused_leaving_all_as_it_was

YEAR = 2027
SECOND_REVIEW = FormalMeeting(kind=MeetingKind.REVIEW_CONFERENCE,
                              name="Second Review Conference", parts=(
                                  MeetingPart(first_day=date(2027, 11, 23),
                                              last_day=date(2027, 11, 27), venue="Lausanne"),
                                  MeetingPart(first_day=date(2028, 9, 20),
                                              last_day=date(2028, 9, 21), venue="Geneva")))


async def _refused(engine: Engine, year: int, command: c.StepCommand) -> RuleViolation:
    return await refused_leaving_all_as_it_was(engine, year, command)


async def _today(engine: Engine) -> date:
    return await scripted.EngineClock(engine.client).today()


@pytest.mark.parametrize("engine_parts", ["sqlite", "postgresql"], indirect=True)
async def test_a_review_conference_in_two_parts_and_two_designations(engine: Engine) -> None:
    await open_cycle(engine.client, c.OpenCycle(
        year=YEAR, actor=scripted.ISU, closing_meeting=SECOND_REVIEW,
        carried_presidencies=(scripted.first_presidency(YEAR),)), engine.task_queue)
    state = await cycle_state(engine.client, YEAR)
    assert state.profile.name == DEFAULT  # the setting's, behind the convention-profile patch
    assert state.closing_meeting == SECOND_REVIEW
    chair = scripted.chair(YEAR, state, await _today(engine))
    await take_step(engine.client, YEAR, c.ElectCoordinators(
        actor=chair, election=scripted.election(YEAR, state, shipped_registry())))
    cal = state.calendar
    assert cal is not None
    msp = scripted.presidency(YEAR, cal.opening_msp, cal.closing_msp)
    review = Presidency(state="MEX", meeting=SECOND_REVIEW.name, designated_on=cal.opening_msp,
                        presides_from=SECOND_REVIEW.opens)
    await take_step(engine.client, YEAR, c.DesignatePresident(actor=chair, presidency=msp))
    await take_step(engine.client, YEAR, c.DesignatePresident(actor=chair, presidency=review))
    again = Presidency(state="FRA", meeting=msp.meeting, designated_on=cal.opening_msp,
                       presides_from=cal.closing_msp)
    refusal = await _refused(engine, YEAR, c.DesignatePresident(actor=chair, presidency=again))
    assert refusal.rule_id == "CO-3"

    recorded = engine.ledger.read_stream(cycle_id(YEAR))
    assert recorded[0].payload["closing_meeting"]["kind"] == "review_conference"
    assert len(recorded[0].payload["closing_meeting"]["parts"]) == 2
    designated = [e.payload["presidency"] for e in recorded if e.type == "PresidentDesignated"]
    assert [(p["state"], p["meeting"]) for p in designated] == [
        (msp.state, msp.meeting), ("MEX", SECOND_REVIEW.name)]
    state = await cycle_state(engine.client, YEAR)
    assert state == engine.folded(YEAR)
    designates = {m.represents: m.basis for m in state.committee_on(date(2027, 6, 1))
                  if m.paragraph == "P3.2(d)"}
    assert designates == {msp.state: f"President-designate of the {msp.meeting}",
                          "MEX": f"President-designate of the {SECOND_REVIEW.name}"}
    during = {m.represents for m in state.committee_on(date(2028, 1, 10))
              if m.paragraph in ("P3.2(a)", "P3.2(d)")}
    assert "MEX" in during  # presiding between the two parts of the Review Conference
    assert "designate_president" not in {p.step for p in await pending(engine.client, YEAR)}


@pytest.mark.parametrize("engine_parts", ["sqlite", "postgresql"], indirect=True)
async def test_a_term_ended_early_and_its_replacement(engine: Engine) -> None:
    state = await scripted.run_year(engine.client, YEAR, engine.task_queue,
                                    until="designate_president")
    [bih] = [t for t in state.terms if t.state == "BIH"]  # stockpile destruction, 2027
    day = await _today(engine) + timedelta(days=10)
    ending = {"actor": scripted.ISU, "term": bih, "ended_on": day,
              "reason": "BIH withdrew from the coordination",
              "decided_by": "the Coordination Committee, 10 December"}
    refusal = await _refused(engine, YEAR, c.EndTermEarly(**ending, replacement="ESP"))
    assert refusal.rule_id == "CO-10"  # ESP already coordinates stockpile destruction
    await take_step(engine.client, YEAR, c.EndTermEarly(**ending, replacement="FRA"))

    [ended] = [e for e in engine.ledger.read_stream(cycle_id(YEAR))
               if e.type == "TermEndedEarly"]
    assert (ended.payload["term"]["state"], ended.payload["ended_on"]) == ("BIH", str(day))
    assert ended.payload["replacement"]["state"] == "FRA"
    state = await cycle_state(engine.client, YEAR)
    assert state == engine.folded(YEAR)
    after = {m.represents: m.basis for m in state.committee_on(day + timedelta(days=1))}
    assert after.get("FRA") == "Coordinator, Stockpile destruction and retention"
    assert "BIH" not in after
    assert "BIH" in {m.represents for m in state.committee_on(day - timedelta(days=1))}

    # the next cycle: FRA served stockpile destruction until 2027, so not in 2028-2029 too
    await open_cycle(engine.client, c.OpenCycle(year=YEAR + 1, actor=scripted.ISU),
                     engine.task_queue)
    following = await cycle_state(engine.client, YEAR + 1)
    plan = scripted.election(YEAR + 1, following, shipped_registry())
    seat = next(t for t in plan.terms if t.mandate == "stockpile-destruction")
    again = Term(state="FRA", mandate=seat.mandate, first_year=seat.first_year,
                 last_year=seat.last_year)
    result = plan.model_copy(update={"terms": tuple(again if t is seat else t
                                                    for t in plan.terms)})
    chair = scripted.chair(YEAR + 1, following, await _today(engine))
    refusal = await _refused(engine, YEAR + 1, c.ElectCoordinators(actor=chair, election=result))
    assert refusal.rule_id == "CO-7", refusal
    necessary = result.model_copy(update={"necessity": (NecessityException(
        state="FRA", mandate=seat.mandate, reason="no other State stood for the seat"),)})
    await take_step(engine.client, YEAR + 1, c.ElectCoordinators(actor=chair,
                                                                 election=necessary))
    assert "FRA" in {t.state for t in (await cycle_state(engine.client, YEAR + 1)).terms
                     if t.first_year == YEAR + 1}


@pytest.mark.parametrize("engine_parts", ["sqlite", "postgresql"], indirect=True)
async def test_the_committee_decides_with_its_members_present(engine: Engine) -> None:
    state = await scripted.run_year(engine.client, YEAR, engine.task_queue, returns=0,
                                    until="approve_workplan")
    assert state.approved_hash is None
    assert state.draft_hash is not None
    today = await _today(engine)
    chair = scripted.chair(YEAR, state, today)
    members = deciding_members(state.committee_on(today))
    needed = state.profile.needed(len(members))
    assert needed is not None
    assert needed > 1
    approve = {"content_hash": state.draft_hash}
    member = next(m for m in members if m != chair.represents and len(m) == 3)
    one = Actor(name="a coordinator", role=Role.COMMITTEE_MEMBER, represents=member)
    for command in (
            c.ApproveWorkplan(actor=one, present=tuple(members), **approve),  # not the chair
            c.ApproveWorkplan(actor=chair, present=(chair.represents,), **approve),  # too few
            c.ApproveWorkplan(actor=chair, present=(*members, "JPN"), **approve)):  # stranger
        refusal = await _refused(engine, YEAR, command)
        assert refusal.rule_id == "CC-5", refusal
    assert chair.represents is not None
    present = (chair.represents, *[m for m in members if m != chair.represents][:needed - 1])
    await take_step(engine.client, YEAR, c.ApproveWorkplan(actor=chair, present=present,
                                                           **approve))
    approved = engine.ledger.read_stream(cycle_id(YEAR))[-1]
    assert approved.type == "WorkplanApprovedByCommittee"
    assert approved.payload["present"] == list(present)
    assert (await cycle_state(engine.client, YEAR)).approved_hash == state.draft_hash
