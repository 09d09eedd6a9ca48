"""The golden-history scenarios of the processes besides the annual cycle (recorded by
``record_histories.py``, beside it): one country coalition's whole life, and silence
procedures adopted, broken and withdrawn, broken and recirculated. Each runs through
``workflows.process_client`` as people's tools do, refusals included (a refused step leaves
no trace in history, which the replay then shows)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

from temporalio.testing import WorkflowEnvironment

from contracts import cycle_id
from domain import coalition_events as ce
from domain import commands as c
from domain import silence_events as se
from domain.coalitions import (
    CoalitionCharter,
    CountryWorkshop,
    Document,
    ExistingActivity,
    Participant,
    StrategyDocument,
    WorkshopOutcomes,
    parse_focus,
)
from domain.committee import Presidency
from domain.convention import Actor, Role
from domain.decide import opening
from domain.elections import Term
from domain.errors import RuleViolation
from domain.kinds import COALITION, SILENCE
from ledger import Ledger, NewEvent
from ledger.records import Receipt
from stepping import client as engine

COMMITTEE = Actor(name="Ana Díaz", role=Role.COMMITTEE_MEMBER, represents="IRQ")
PRESIDENT = Actor(name="Sofía Ruiz", role=Role.PRESIDENT, represents="MEX")
LAO, AUS, USA = (Actor(name=f"{code} delegate", role=Role.DELEGATE, represents=code)
                 for code in ("LAO", "AUS", "USA"))
WEEK = timedelta(days=7)
IN_2027 = datetime(2027, 6, 1, tzinfo=UTC)  # the year a silence procedure is numbered in


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


#: a coordinator with no elected term (the record's coordinators are IRQ and NOR)
UNELECTED = Actor(name="JPN coordinator", role=Role.COORDINATOR, represents="JPN")


def hold_office(ledger: Ledger, today: date) -> None:
    """The record the steps are judged on, as the ISU opening this year's cycle records it:
    MEX presiding since a month ago; IRQ (cooperation and assistance) and NOR (clearance)
    coordinating this year and the next."""
    since = today - timedelta(days=30)
    presidency = Presidency(state="MEX", meeting=f"Meeting of States Parties of {since.year}",
                            designated_on=since - timedelta(days=365), presides_from=since)
    terms = tuple(Term(state=state, mandate=mandate, first_year=today.year,
                       last_year=today.year + 1)
                  for state, mandate in (("IRQ", "cooperation-assistance"), ("NOR", "clearance")))
    at = datetime.now(UTC)
    event = opening(c.OpenCycle(year=today.year, actor=Actor(name="ISU", role=Role.ISU)),
                    terms, (presidency,), at)
    ledger.append(cycle_id(today.year), [NewEvent(
        event_id=uuid.uuid4(), type=event.type, schema_version=event.schema_version,
        payload=event.model_dump(mode="json"), actor=event.actor.name,
        role=event.actor.role.value, occurred_at=event.occurred_at,
        workflow_id=cycle_id(today.year), run_id=str(uuid.uuid4()))], 0)


async def _refused(step: Awaitable[Receipt]) -> None:
    try:
        await step
    except RuleViolation:
        return
    raise AssertionError("a step the rules refuse was recorded")


async def _steps(env: WorkflowEnvironment, coalition: str,
                 *commands: ce.CoalitionStepCommand) -> None:
    for command in commands:
        await engine.take(env.client, COALITION, coalition, command)


async def a_coalitions_life(env: WorkflowEnvironment, queue: str) -> list[str]:
    """Lao PDR with Australia: identified, formed, active; participants, a workshop (held too
    early, refused; then held), an activity (twice, refused), a report, closed."""
    charter = CoalitionCharter(affected_state="LAO", partner_state="AUS",
                               focus=parse_focus(["clearance-and-risk-reduction-education"]))
    cid, _ = await engine.begin(env.client, COALITION, ce.IdentifyCandidate(actor=COMMITTEE,
                                                                   charter=charter), queue)
    activity = ExistingActivity(reference="AUS-LAO-UXO-2025", kind="bilateral",
                                description="Australia's clearance support to Lao PDR")
    today = (await env.get_current_time()).date()
    outcomes = WorkshopOutcomes(challenges=("contamination",), activities=("survey",),
                                actors=("UXO Lao",), records_reference="CCM/CW/LAO/1")
    await _steps(env, cid, ce.AgreeToCoCoordinate(actor=LAO), ce.AgreeToCoCoordinate(actor=AUS),
                 ce.RegisterStrategy(actor=LAO, document=StrategyDocument(
                     reference="NRA/NSD/2027", sha256=_sha256("strategy"))),
                 ce.AdmitParticipant(actor=AUS, participant=Participant(
                     kind="operator", name="UXO Lao")),
                 ce.AdmitParticipant(actor=LAO, participant=Participant(
                     kind="expert", name="GICHD")),
                 ce.RecordDeparture(actor=LAO, name="GICHD"))
    workshop = CountryWorkshop(place="Vientiane", starts=today + WEEK, ends=today + 2 * WEEK)
    await _refused(engine.take(env.client, COALITION, cid, ce.PlanWorkshop(  # CK-7: no term
        actor=UNELECTED, workshop=workshop)))
    await _steps(env, cid, ce.PlanWorkshop(actor=LAO, workshop=workshop))
    await _refused(engine.take(env.client, COALITION, cid, ce.HoldWorkshop(actor=LAO,
                                                                   outcomes=outcomes)))
    await env.sleep(WEEK)
    await _steps(env, cid, ce.HoldWorkshop(actor=LAO, outcomes=outcomes),
                 ce.CoordinateActivity(actor=AUS, activity=activity))
    await _refused(engine.take(env.client, COALITION, cid, ce.CoordinateActivity(
        actor=LAO, activity=activity)))
    year = (await env.get_current_time()).year
    await _steps(env, cid, ce.ReportProgress(actor=LAO, msp_year=year, summary="survey begun"),
                 ce.CloseCoalition(actor=AUS, reason="objectives met"))
    await env.client.get_workflow_handle(cid).result()
    return [cid]


async def _circulated(env: WorkflowEnvironment, queue: str) -> str:
    procedure, _ = await engine.begin(env.client, SILENCE, se.CirculateText(
        actor=PRESIDENT, subject="venue of the next MSP", deadline=await env.get_current_time()
        + WEEK, text=Document(reference="CCM/MSP/2027/DD/1", sha256=_sha256("Geneva"))),
        queue, at=IN_2027)
    return procedure


async def a_silence_adopted(env: WorkflowEnvironment, queue: str) -> list[str]:
    """Nobody breaks silence: the engine adopts the decision at the deadline."""
    procedure = await _circulated(env, queue)
    await env.sleep(WEEK + timedelta(hours=1))
    await env.client.get_workflow_handle(procedure).result()
    return [procedure]


async def a_silence_broken_then_recirculated(env: WorkflowEnvironment, queue: str
                                            ) -> list[str]:
    """Recirculated under silence (the first timer no longer counts), broken by Australia
    (the United States refused), not adopted at the deadline, then ``end``: withdrawn, or
    recirculated once more and adopted."""
    procedure = await _circulated(env, queue)
    revised = Document(reference="CCM/MSP/2027/DD/1/Rev.1", sha256=_sha256("Geneva, 2028"))
    await env.sleep(timedelta(days=2))
    await engine.take(env.client, SILENCE, procedure, se.RecirculateText(
        actor=PRESIDENT, text=revised, deadline=await env.get_current_time() + WEEK))
    await _refused(engine.take(env.client, SILENCE, procedure, se.BreakSilence(actor=USA,
                                                                        objection="no")))
    await engine.take(env.client, SILENCE, procedure, se.BreakSilence(actor=AUS, objection="no"))
    await env.sleep(WEEK + timedelta(hours=1))
    return [procedure]


async def a_silence_broken_and_withdrawn(env: WorkflowEnvironment, queue: str) -> list[str]:
    procedure, = await a_silence_broken_then_recirculated(env, queue)
    await engine.take(env.client, SILENCE, procedure, se.WithdrawText(actor=PRESIDENT,
                                                              reason="no consensus"))
    await env.client.get_workflow_handle(procedure).result()
    return [procedure]


async def a_silence_recirculated_and_adopted(env: WorkflowEnvironment, queue: str
                                            ) -> list[str]:
    procedure, = await a_silence_broken_then_recirculated(env, queue)
    await engine.take(env.client, SILENCE, procedure, se.RecirculateText(
        actor=PRESIDENT, deadline=await env.get_current_time() + WEEK,
        text=Document(reference="CCM/MSP/2027/DD/1/Rev.2", sha256=_sha256("Geneva, 2029"))))
    await env.sleep(WEEK + timedelta(hours=1))
    await env.client.get_workflow_handle(procedure).result()
    return [procedure]


PROCESSES: dict[str, Callable[[WorkflowEnvironment, str], Awaitable[list[str]]]] = {
    "coalition-life": a_coalitions_life,
    "silence-adopted": a_silence_adopted,
    "silence-broken-withdrawn": a_silence_broken_and_withdrawn,
    "silence-recirculated-adopted": a_silence_recirculated_and_adopted,
}
