"""A coalition's whole life through the real (time-skipping) engine: Lao PDR with Australia."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain import coalition
from domain import coalition_events as ce
from domain.coalition_state import CoalitionPhase, CoalitionState
from domain.coalitions import (
    CoalitionCharter,
    CountryWorkshop,
    ExistingActivity,
    Participant,
    WorkshopOutcomes,
    parse_focus,
)
from domain.errors import RuleViolation
from domain.kinds import COALITION
from stepping import client as step_client
from tests.processes.conftest import AUS, COMMITTEE, LAO, strategy
from tests.workflows.conftest import Engine
from workflows.models import CoalitionOutcome

CHARTER = CoalitionCharter(affected_state="LAO", partner_state="AUS",
                           focus=parse_focus(["clearance-and-risk-reduction-education"]))


def _folded(engine: Engine, coalition_id: str) -> CoalitionState:
    return coalition.fold(ce.COALITION_EVENT.validate_python(e.payload)
                          for e in engine.ledger.read_stream(coalition_id))


async def test_lao_pdr_with_australia_from_identification_to_close(engine: Engine) -> None:
    cid, receipt = await step_client.begin(engine.client, COALITION, ce.IdentifyCandidate(
        actor=COMMITTEE, charter=CHARTER), engine.task_queue)
    assert cid == "coalition-lao-1"
    assert (receipt.stream, receipt.version) == (cid, 1)
    c = engine.client
    await step_client.take(c, COALITION, cid, ce.AgreeToCoCoordinate(actor=LAO))
    await step_client.take(c, COALITION, cid, ce.AgreeToCoCoordinate(actor=AUS))
    assert (await step_client.state(c, COALITION, cid)).phase is CoalitionPhase.FORMED
    await step_client.take(c, COALITION, cid, ce.RegisterStrategy(actor=LAO, document=strategy()))
    for who in (Participant(kind="international_organisation", name="ICRC"),
                Participant(kind="operator", name="UXO Lao"),
                Participant(kind="expert", name="GICHD")):
        await step_client.take(c, COALITION, cid, ce.AdmitParticipant(actor=AUS, participant=who))
    await step_client.take(c, COALITION, cid, ce.RecordDeparture(actor=LAO, name="GICHD"))
    today = (await engine.env.get_current_time()).date()
    await step_client.take(c, COALITION, cid, ce.PlanWorkshop(actor=LAO, workshop=CountryWorkshop(
        place="Vientiane", starts=today + timedelta(days=30), ends=today + timedelta(days=31))))
    outcomes = WorkshopOutcomes(challenges=("contamination in Xieng Khouang",),
                                activities=("technical survey",), actors=("UXO Lao", "ICRC"),
                                records_reference="CCM/CW/LAO/2027/1")
    with pytest.raises(RuleViolation) as early:
        await step_client.take(c, COALITION, cid, ce.HoldWorkshop(actor=LAO, outcomes=outcomes))
    assert early.value.rule_id == "CK-7"
    await engine.env.sleep(timedelta(days=30))
    await step_client.take(c, COALITION, cid, ce.HoldWorkshop(actor=LAO, outcomes=outcomes))
    activity = ExistingActivity(reference="AUS-LAO-UXO-2025", kind="bilateral",
                                description="Australia's clearance support to Lao PDR")
    await step_client.take(c, COALITION, cid, ce.CoordinateActivity(actor=AUS, activity=activity))
    with pytest.raises(RuleViolation) as twice:
        await step_client.take(c, COALITION, cid, ce.CoordinateActivity(actor=LAO,
                                                                        activity=activity))
    assert twice.value.rule_id == "CK-6"
    year = (await engine.env.get_current_time()).year
    await step_client.take(c, COALITION, cid, ce.ReportProgress(actor=LAO, msp_year=year,
                                                      summary="survey begun"))
    await step_client.take(c, COALITION, cid, ce.CloseCoalition(actor=LAO, reason="objectives met"))
    outcome = await c.get_workflow_handle(cid, result_type=CoalitionOutcome).result()
    assert (outcome.events, outcome.reports) == (13, (year,))
    state = _folded(engine, cid)
    assert state.phase is CoalitionPhase.CLOSED
    assert [p.name for p in state.participants] == ["ICRC", "UXO Lao"]
    assert state.workshops[0].outcomes == outcomes
