"""Five years of the Convention's machinery, simulated through the real engine, with the
deviations an audit must find: a work plan returned for revision, a meeting convened late (the
deadline missed and escalated), and a State re-elected to its own mandate under CO-7's
"unless necessary", with the reason the Meeting recorded.

Beside the cycles run the processes of issue 7, through the step client (``stepping.client``) on the
same engine (:class:`LaterPractice`): a country coalition — Lao PDR with Australia as donor, on
clearance: identified, agreed, its strategy, participants (the ICRC among them), a country
workshop planned and held, an activity coordinated, progress reported to the MSPs of 2027 and
2028, closed in 2028 — and two silence procedures: one adopted in 2027; one in 2028 broken by a
State Party's objection, not adopted at its deadline, then withdrawn. A year's part of them is
taken at dates of that year, once the year's intersessional meeting has been convened.

Used by the audit tests and benchmarks on the time-skipping server, whose clock ``wait_until``
moves (``env.sleep``); without it the late year is stepped on time, and the processes — whose
workshop must have begun and whose silence deadlines must pass — are left out. That server
cannot move its clock any more once a cycle opened by a closed cycle has itself closed (the
2028 cycle: an abandoned child outliving its parent, sdk-typescript#1101), so the processes
fall in the first two years, and the later cycles run at the clock the late year left.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from google.protobuf.empty_pb2 import Empty
from temporalio.client import Client
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.service import RPCError

from attesting import default_signer
from contracts import cycle_id
from domain import coalition_events as ce
from domain import kinds
from domain import silence_events as se
from domain.coalitions import (
    ActivityKind,
    CoalitionCharter,
    CountryWorkshop,
    Document,
    ExistingActivity,
    Participant,
    ParticipantKind,
    StrategyDocument,
    ThematicFocus,
    WorkshopOutcomes,
)
from domain.convention import Actor, Role, shipped_registry
from domain.elections import ElectionResult, NecessityException, Term
from domain.silence import SilencePhase
from domain.state import CycleState
from ledger.records import Receipt
from scenarios import scripted
from stepping import client as engine
from workflows.silence import SilenceProcedureWorkflow

WaitUntil = Callable[[datetime], Awaitable[None]]
FIRST_YEAR = 2027
NECESSITY = ("the only candidate State with a national clearance programme able to carry the "
             "coordination while the Convention's second Review Conference prepares its "
             "decisions")


@dataclass(frozen=True)
class Deviations:
    """Which year shows which deviation (the audit report must find each)."""

    returned: int = FIRST_YEAR  # the committee returns the work plan once
    late: int = FIRST_YEAR + 1  # the meeting is convened after its deadline
    necessity: int = FIRST_YEAR + 2  # a CO-7 exception with its reason


def re_election(year: int, state: CycleState) -> ElectionResult:
    """The MSP's usual election for ``year``, except that one State whose two-year term on a
    non-renewable mandate ended in ``year − 1`` is elected to it again, with the reason that
    makes it necessary (CO-7)."""
    usual = scripted.election(year, state, shipped_registry())
    elected = {t.state for t in usual.terms}
    for i, new in enumerate(usual.terms):
        leaving = [t for t in state.terms if t.mandate == new.mandate
                   and t.last_year == year - 1 and t.state not in elected]
        if leaving and not state.catalogue[new.mandate].renewable:
            again = Term(state=leaving[0].state, mandate=new.mandate, first_year=new.first_year,
                         last_year=new.last_year)
            return ElectionResult(
                msp_year=usual.msp_year, terms=(*usual.terms[:i], again, *usual.terms[i + 1:]),
                necessity=(NecessityException(state=again.state, mandate=again.mandate,
                                              reason=NECESSITY),))
    raise AssertionError(f"no State leaves a mandate at the end of {year - 1} to re-elect")


async def five_years(client: Client, task_queue: str, wait_until: WaitUntil | None = None, *,
                     first_year: int = FIRST_YEAR, years: int = 5,
                     deviations: Deviations = Deviations()) -> list[int]:
    """Drive ``years`` consecutive cycles from ``first_year`` to the MSP's adoption of each
    work plan; each close opens the next year. With ``wait_until``, the processes take each
    year's steps once its meeting is convened. Returns the years driven."""
    driven = []
    practice = LaterPractice(client, task_queue, wait_until) if wait_until else None
    for year in range(first_year, first_year + years):
        async def convened(name: str, _: Receipt, __: CycleState, year: int = year) -> None:
            if name != "convene_meeting" or wait_until is None:
                return
            assert practice is not None
            await practice.year(year - first_year, year)
            if year == deviations.late:
                await practice.on(year, 8, 1, 0)

        await scripted.run_year(
            client, year, task_queue, step=convened, first=year == first_year,
            returns=1 if year == deviations.returned else 0,
            election=re_election if year == deviations.necessity else None)
        await client.get_workflow_handle(cycle_id(year)).result()
        driven.append(year)
    return driven


# --- the processes of issue 7 beside the cycles ---------------------------------------------

COMMITTEE = Actor(name="Ingrid Berg", role=Role.COMMITTEE_MEMBER, represents="NOR")
LAO = Actor(name="Khamphone Sisouk", role=Role.DELEGATE, represents="LAO")
AUS = Actor(name="Jane Carter", role=Role.DELEGATE, represents="AUS")
JPN = Actor(name="Kenji Sato", role=Role.DELEGATE, represents="JPN")
COALITION = "coalition-lao-1"
ADOPTED, WITHDRAWN = f"silence-{FIRST_YEAR}-1", f"silence-{FIRST_YEAR + 1}-1"
CHARTER = CoalitionCharter(affected_state="LAO", partner_state="AUS",
                           focus=(ThematicFocus.CLEARANCE_AND_RISK_REDUCTION_EDUCATION,))
PARTICIPANTS = (Participant(kind=ParticipantKind.INTERNATIONAL_ORGANISATION, name="ICRC"),
                Participant(kind=ParticipantKind.OPERATOR, name="UXO Lao"),
                Participant(kind=ParticipantKind.STATE, name="JPN"))
OUTCOMES = WorkshopOutcomes(
    challenges=("cluster munition remnants on farmland in Xieng Khouang and Houaphanh",
                "survey data not shared between operators"),
    activities=("non-technical survey of the remaining suspected areas",
                "one national database of survey and clearance"),
    actors=("UXO Lao", "ICRC", "Australia"), records_reference="CCM/CW/LAO/2028/1")
ACTIVITY = ExistingActivity(reference="AUS-LAO-UXO-2025", kind=ActivityKind.BILATERAL,
                            description="Australia's clearance support to Lao PDR, 2025–2029")
PROGRESS = ("the national strategy registered; the partners' support to clearance mapped",
            "non-technical survey of 12 districts completed; the workshop's findings are in "
            "the national work plan")
CLOSED_BECAUSE = ("the strategy's first phase is complete; coordination continues in the "
                  "national mine action platform")
SUBJECTS = ("The dates and venue of the Meeting of States Parties of 2027",
            "Extending the ISU's hosting agreement to 2033")
OBJECTION = "the extension pre-empts the Review Conference's own review of the ISU (ISU-5)"
WITHDRAWN_BECAUSE = "to be taken up by the Review Conference"


def sha256(text: str) -> str:
    """The digest by which the ledger names a document's text."""
    return hashlib.sha256(text.encode()).hexdigest()


STRATEGY = StrategyDocument(reference="NRA/NSD/2027",
                            sha256=sha256("Lao PDR national strategy for UXO, 2027–2030"))


class LaterPractice:
    """The coalition's and the silence procedures' steps of each simulated year, at dates of
    that year (never moving the clock back: a step whose date has passed is taken now)."""

    def __init__(self, client: Client, task_queue: str, wait_until: WaitUntil) -> None:
        self.client, self.task_queue, self.wait_until = client, task_queue, wait_until

    async def now(self) -> datetime:
        """The engine's time: the time-skipping server's clock, else the wall clock."""
        try:
            reply = await self.client.test_service.get_current_time(Empty())
        except RPCError:
            return datetime.now(UTC)
        return reply.time.ToDatetime().replace(tzinfo=UTC)

    async def on(self, year: int, month: int, day: int, hour: int = 9) -> datetime:
        """Move the clock to that moment if it is still ahead; the engine's time then."""
        moment = datetime(year, month, day, hour, tzinfo=UTC)
        if moment > await self.now():
            await self.wait_until(moment)
        return await self.now()

    async def step(self, command: ce.CoalitionStepCommand) -> None:
        await engine.take(self.client, kinds.COALITION, COALITION, command)

    async def year(self, n: int, year: int) -> None:
        """The steps of ``year``, the ``n``-th simulated (0: the first; none after the
        second)."""
        if n == 0:
            await self._formed(year)
        elif n == 1:
            await self._workshop(year)

    async def _formed(self, y: int) -> None:
        """Identified, agreed, its strategy and participants; a text adopted by silence;
        progress reported to the year's MSP."""
        await self.on(y, 2, 1)
        opened, _ = await engine.begin(self.client, kinds.COALITION, ce.IdentifyCandidate(
            actor=COMMITTEE, charter=CHARTER), self.task_queue)
        assert opened == COALITION, opened
        await self.on(y, 2, 15)
        for delegate in (LAO, AUS):
            await self.step(ce.AgreeToCoCoordinate(actor=delegate))
        await self.on(y, 3, 1)
        await self.step(ce.RegisterStrategy(actor=LAO, document=STRATEGY))
        for who, participant in zip((AUS, LAO, AUS), PARTICIPANTS, strict=True):
            await self.step(ce.AdmitParticipant(actor=who, participant=participant))
        await self._silence(y, SUBJECTS[0], objecting=None)
        reported = await self.on(y, 5, 3)
        await self.step(ce.ReportProgress(actor=LAO, msp_year=reported.year,
                                          summary=PROGRESS[0]))

    async def _workshop(self, y: int) -> None:
        """A country workshop planned and held; an activity coordinated; a text not adopted
        and withdrawn; a participant gone; progress reported; the coalition closed."""
        today = (await self.on(y, 2, 1)).date()
        workshop = CountryWorkshop(place="Vientiane", starts=today + timedelta(days=25),
                                   ends=today + timedelta(days=27))
        await self.step(ce.PlanWorkshop(actor=LAO, workshop=workshop))
        await self.on(workshop.ends.year, workshop.ends.month, workshop.ends.day, 16)
        await self.step(ce.HoldWorkshop(actor=LAO, outcomes=OUTCOMES))
        await self.on(y, 3, 6)
        await self.step(ce.CoordinateActivity(actor=AUS, activity=ACTIVITY))
        await self._silence(y, SUBJECTS[1], objecting=JPN)
        await self.on(y, 5, 2)
        await self.step(ce.RecordDeparture(actor=LAO, name="JPN"))
        reported = await self.on(y, 5, 15)
        await self.step(ce.ReportProgress(actor=AUS, msp_year=reported.year,
                                          summary=PROGRESS[1]))
        await self.on(y, 6, 1)
        await self.step(ce.CloseCoalition(actor=LAO, reason=CLOSED_BECAUSE))
        await self.client.get_workflow_handle(COALITION).result()

    async def _silence(self, y: int, subject: str, objecting: Actor | None) -> None:
        """A text circulated for two weeks: adopted at the deadline, or — ``objecting``
        breaks silence — not adopted, then withdrawn by the President."""
        circulated = await self.on(y, 4, 5)
        chair = scripted.president(y)
        deadline = circulated.replace(hour=12, minute=0, second=0, microsecond=0) + timedelta(
            days=14)
        procedure = await self._circulate(y, se.CirculateText(
            actor=chair, subject=subject, deadline=deadline,
            text=Document(reference=f"CCM/MSP/{y}/CRP.1", sha256=sha256(subject))))
        if objecting is not None:
            await self.on(y, 4, 12)
            await engine.take(self.client, kinds.SILENCE, procedure, se.BreakSilence(
                actor=objecting, objection=OBJECTION))
        await self.wait_until(deadline + timedelta(minutes=1))
        await self._until(procedure, SilencePhase.ADOPTED if objecting is None
                          else SilencePhase.NOT_ADOPTED)
        if objecting is not None:
            await self.on(y, 4, 26)
            await engine.take(self.client, kinds.SILENCE, procedure, se.WithdrawText(
                actor=chair, reason=WITHDRAWN_BECAUSE))
        await self.client.get_workflow_handle(procedure).result()

    async def _circulate(self, y: int, command: se.CirculateText) -> str:
        """``process_client.circulate`` without its first judgement, which reads the wall
        clock: the engine's clock is years ahead of it here. The workflow judges the
        circulation at its own time, as it always does."""
        procedure = f"silence-{y}-1"
        attested = default_signer().attest(command, stream=procedure, step="circulate_text",
                                           version=0)
        handle = await self.client.start_workflow(
            SilenceProcedureWorkflow.run, attested, id=procedure, task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        await handle.execute_update(SilenceProcedureWorkflow.wait_circulated)
        return procedure

    async def _until(self, procedure: str, phase: SilencePhase) -> None:
        """Until the engine has recorded the deadline's outcome (its timer has fired)."""
        for _ in range(400):
            if (await engine.state(self.client, kinds.SILENCE, procedure)).phase is phase:
                return
            await asyncio.sleep(0.025)
        raise TimeoutError(f"{procedure} did not reach {phase.value}")
