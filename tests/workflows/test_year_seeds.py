"""A whole year through the durable workflow under the ``seeds`` profile (CC-5: the committee
decides with a quorum of its members present), driven by the scripted people: the chair
records the members present as ``scenarios.scripted.present`` gives them, and the year runs to
the MSP's adoption. Opened with the profile before ``run_year``, whose own opening the engine
answers with the one it holds."""

from __future__ import annotations

from contracts import cycle_id
from domain import commands as c
from domain.events import WorkplanApprovedByCommittee, WorkplanReturnedForRevision, parse_event
from domain.profile import profile
from domain.state import WorkplanStatus
from scenarios import scripted
from tests.workflows.conftest import Engine


async def test_a_whole_year_under_the_seeds_with_the_members_present(engine: Engine) -> None:
    await scripted.open_cycle(engine.client, c.OpenCycle(
        year=2027, actor=scripted.ISU, carried_presidencies=(scripted.first_presidency(2027),),
        profile=profile("seeds")), engine.task_queue)
    last = await scripted.run_year(engine.client, 2027, engine.task_queue)
    assert last.profile.name == "seeds"
    assert last.workplan_status is WorkplanStatus.ADOPTED
    events = [parse_event(e.payload) for e in engine.ledger.read_stream(cycle_id(2027))]
    decided = [e for e in events
               if isinstance(e, WorkplanApprovedByCommittee | WorkplanReturnedForRevision)]
    assert len(decided) == 2  # returned once, then approved
    for event in decided:
        assert event.actor.represents in event.present  # the chair, among those present
        assert len(event.present) > 1
