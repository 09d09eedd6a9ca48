"""A convention's streams for the scale benchmark (``bench/scale.py``).

:func:`open_stream` opens a cycle, a coalition or a silence procedure as people do (the step
client, a Temporal update), judged on today's record of who holds office (:func:`hold_office`).
:func:`convention` builds years of them: the cycles through the real engine, then each year's
coalitions and silence procedure recorded by the worker's own ``record_event`` activity run
outside a workflow (:func:`record`, temporalio's ``ActivityEnvironment``): each event decided by
the domain (``Kind.begin``/``decide``, judged by ``apply``) at a date of its year — which a real
server's clock cannot give, and the time-skipping server cannot keep past two years of cycles
(``scenarios.simulation``) — attested as the step client attests, and kept through the
attestation gate and the ledger's append as a workflow's event is. Not judged for them: who held
office that day (``domain.authority``), which only the workflows read.
"""

from __future__ import annotations

import hashlib
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from temporalio.client import Client
from temporalio.testing import ActivityEnvironment

import attesting
from activities.recording import CycleActivities
from bench.cycle import embedded
from contracts import RecordEvent, TakeCheckpoint, cycle_id
from domain import coalition_events as ce
from domain import commands as c
from domain import silence
from domain import silence_events as se
from domain.attestation import canonical_input
from domain.coalitions import (
    CoalitionCharter,
    CountryWorkshop,
    Document,
    Participant,
    ParticipantKind,
    StrategyDocument,
    ThematicFocus,
)
from domain.committee import Presidency
from domain.convention import Actor, Role, shipped_registry
from domain.decide import opening
from domain.elections import Term
from domain.kinds import COALITION, SILENCE, Kind
from scenarios import scripted
from scenarios.simulation import OUTCOMES, Deviations, five_years
from settings import Settings
from stepping import client as steps
from worker import cycle_activities, cycle_worker, open_ledger

QUEUE, FIRST_YEAR, COALITIONS = "bench-scale", 2101, 10  # far enough ahead: no deadline passes
REGISTRY = shipped_registry()
AFFECTED = sorted(s.iso3 for s in REGISTRY.values() if s.affected and s.is_state_party)
DONORS = sorted(s.iso3 for s in REGISTRY.values() if s.donor and not s.affected)
MEMBER = Actor(name="Ana Díaz", role=Role.COMMITTEE_MEMBER, represents="IRQ")  # coordinator
PRESIDENT = Actor(name="Sofía Ruiz", role=Role.PRESIDENT, represents="MEX")


def record(acts: CycleActivities, stream: str, version: int, event: Any, *,
           command: Any = None, step: str = "") -> None:
    """``event`` appended at ``version + 1`` of ``stream`` by the worker's ``record_event``
    (its attestation gate, the ledger's append), with the attestation of whoever sent
    ``command`` as the step client makes it; none for the engine's own event."""
    sent = command and attesting.default_signer().attest(command, stream=stream, step=step,
                                                         version=version)
    ActivityEnvironment().run(acts.record_event, RecordEvent(
        stream=stream, expected_version=version, event_id=uuid.uuid4(), event=event,
        attestation=sent and sent.attestation, input=sent and canonical_input(sent)))


def run_steps(acts: CycleActivities, kind: Kind[Any], stream: str,
              taken: list[tuple[str, Any, datetime]]) -> tuple[Any, int]:
    """Each (step, command, moment) judged by ``kind`` and recorded; the state, the version."""
    state, version = kind.state(), 0
    for step, command, at in taken:
        event = (kind.decide(state, command, REGISTRY, at) if version
                 else kind.begin(stream, command, REGISTRY, at))
        record(acts, stream, version, event, command=command, step=step)
        state, version = kind.apply(state, event), version + 1
    return state, version


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def charter(n: int) -> CoalitionCharter:
    return CoalitionCharter(affected_state=AFFECTED[n % len(AFFECTED)],
                            partner_state=DONORS[n % len(DONORS)],
                            focus=(ThematicFocus.CLEARANCE_AND_RISK_REDUCTION_EDUCATION,))


def delegate(iso3: str) -> Actor:
    return Actor(name=f"Delegate of {iso3}", role=Role.DELEGATE, represents=iso3)


def record_year(acts: CycleActivities, year: int) -> None:
    """The year's coalitions, each from identification to close, and a text adopted by silence
    (the engine records the outcome at the deadline)."""
    for n in range(COALITIONS):
        cc = charter(n)
        affected, partner = cc.affected_state or "", cc.partner_state or ""
        a, p = delegate(affected), delegate(partner)

        def on(month: int, day: int, n: int = n) -> datetime:
            return datetime(year, month, day, 9, n, tzinfo=UTC)
        workshop = CountryWorkshop(place="the capital", starts=date(year, 3, 2),
                                   ends=date(year, 3, 4))
        run_steps(acts, COALITION, f"coalition-{affected.lower()}-{year - FIRST_YEAR + 1}", [
            ("identify_candidate", ce.IdentifyCandidate(actor=MEMBER, charter=cc), on(2, 1)),
            ("agree_to_co_coordinate", ce.AgreeToCoCoordinate(actor=a), on(2, 10)),
            ("agree_to_co_coordinate", ce.AgreeToCoCoordinate(actor=p), on(2, 12)),
            ("register_strategy", ce.RegisterStrategy(actor=a, document=StrategyDocument(
                reference=f"NSD/{affected}/{year}", sha256=sha(f"{affected} {year}"))),
             on(2, 20)),
            ("admit_participant", ce.AdmitParticipant(actor=p, participant=Participant(
                kind=ParticipantKind.OPERATOR, name="national mine action centre")), on(2, 25)),
            ("plan_workshop", ce.PlanWorkshop(actor=a, workshop=workshop), on(2, 26)),
            ("hold_workshop", ce.HoldWorkshop(actor=a, outcomes=OUTCOMES), on(3, 5)),
            ("report_progress", ce.ReportProgress(actor=a, msp_year=year, summary=(
                "survey and clearance as planned")), on(5, 3)),
            ("close_coalition", ce.CloseCoalition(actor=a, reason="its first phase is done"),
             on(11, 2))])
    deadline, stream = datetime(year, 4, 19, 12, tzinfo=UTC), f"silence-{year}-1"
    state, version = run_steps(acts, SILENCE, stream, [("circulate_text", se.CirculateText(
        actor=scripted.president(year), subject=f"The dates of the MSP of {year}",
        text=Document(reference=f"CCM/MSP/{year}/CRP.1", sha256=sha(str(year))),
        deadline=deadline), datetime(year, 4, 5, 9, tzinfo=UTC))])
    record(acts, stream, version, silence.outcome(state, deadline + timedelta(minutes=1)))


def hold_office(acts: CycleActivities, now: datetime) -> None:
    """This year's President (MEX) and coordinators (IRQ, NOR), recorded as the ISU's opening
    of the year's cycle records them: the record a coalition's and a silence procedure's
    first steps are judged on (``domain.authority``; tests/processes does the same)."""
    y, today = now.year, now.date()
    held = (Term(state="IRQ", mandate="cooperation-assistance", first_year=y, last_year=y + 1),
            Term(state="NOR", mandate="clearance", first_year=y, last_year=y + 1))
    presiding = Presidency(state="MEX", meeting=f"Meeting of States Parties of {y - 1}",
                           designated_on=today - timedelta(days=395),
                           presides_from=today - timedelta(days=30))
    command = c.OpenCycle(year=y, actor=scripted.ISU)
    record(acts, cycle_id(y), 0, opening(command, held, (presiding,), now), command=command,
           step="open_cycle")


async def open_stream(client: Client, kind: str, n: int) -> None:
    """Open the ``n``-th stream of ``kind`` (``cycle``, ``coalition``, ``silence``) through the
    step client, as people do, and leave it waiting on a person."""
    if kind == "cycle":
        year = FIRST_YEAR + n
        await scripted.open_cycle(client, c.OpenCycle(
            year=year, actor=scripted.ISU,
            carried_presidencies=(scripted.first_presidency(year),)), QUEUE)
    elif kind == "coalition":
        await steps.begin(client, COALITION, ce.IdentifyCandidate(actor=MEMBER, charter=charter(
            n)), QUEUE, first=n // len(AFFECTED) + 1)
    else:
        await steps.begin(client, SILENCE, se.CirculateText(
            actor=PRESIDENT, subject=f"Draft decision {n + 1}",
            text=Document(reference=f"CCM/DD/{n + 1}", sha256=sha(str(n))),
            deadline=datetime.now(UTC) + timedelta(days=30)), QUEUE, first=n + 1)


async def convention(tmp: Path, years: int) -> Settings:
    """The settings of a ledger of ``years`` cycles through the engine (a work plan returned
    the first year, a CO-7 re-election the third), then their coalitions and silence, and a
    signed checkpoint over all of it."""
    settings, env = await embedded(tmp / "convention")
    ledger = open_ledger(settings)
    try:
        with ThreadPoolExecutor(settings.activity_threads) as executor:
            async with cycle_worker(env.client, QUEUE, cycle_activities(ledger, settings),
                                    executor, settings.activity_threads):
                driven = await five_years(env.client, QUEUE, first_year=FIRST_YEAR, years=years,
                                          deviations=Deviations(FIRST_YEAR, 0, FIRST_YEAR + 2))
    finally:
        await env.shutdown()
    acts = CycleActivities(ledger, settings.effective_signing_key)
    for year in driven:
        record_year(acts, year)
    ActivityEnvironment().run(acts.take_checkpoint, TakeCheckpoint(reason="benchmark"))
    ledger.engine.dispose()
    return settings


