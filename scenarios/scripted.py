"""The people of one year, scripted: who does what, in order, through the real engine.

Used by ``intersessional demo``, the workflow tests and ``bench/cycle.py``. Every step goes
through :mod:`workflows.client` as a Temporal update, so it is judged and recorded exactly as a
person's would be. The choices (which States stand, the budget) are plausible, not historical.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from google.protobuf.empty_pb2 import Empty
from temporalio.client import Client
from temporalio.service import RPCError

from contracts import cycle_id
from domain import commands as c
from domain.calendar import CycleCalendar, default_calendar
from domain.committee import Presidency, deciding_members, presiding_on
from domain.convention import Actor, Role, State, shipped_registry
from domain.elections import ElectionResult, Term, plan_first_round, seats_open
from domain.kinds import CYCLE
from domain.meetings import IntersessionalMeeting, NeighbouringMeeting, default_agenda
from domain.state import CycleState
from domain.workplan import BudgetLine, MandateLetter, Workplan, WorkplanItem
from ledger.records import Receipt
from stepping import client as engine

ISU = Actor(name="ISU Director", role=Role.ISU)
FIRST_ROUND = {  # the first round's nominations: staggered first terms (CO-5)
    "general-status": ["CHE", "LBN"], "universalization": ["GHA", "PHL"],
    "victim-assistance": ["CHL", "ITA"], "clearance": ["LAO", "NOR"],
    "stockpile-destruction": ["ESP", "BIH"], "cooperation-assistance": ["AUS", "IRQ"],
    "national-implementation": ["NZL"], "reporting": ["BEL"],
}
PRESIDENCIES = ("CHE", "PHL", "NZL", "ESP", "GHA", "AUS", "CHL", "NOR", "IRQ", "MEX")
Step = Callable[[str, Receipt, CycleState], Awaitable[None]]
Electing = Callable[[int, CycleState], ElectionResult]


def president(year: int) -> Actor:
    """The President presiding during the ``year`` cycle (of the MSP of ``year − 1``)."""
    return Actor(name="President of the MSP", role=Role.PRESIDENT,
                 represents=PRESIDENCIES[year % len(PRESIDENCIES)])


def presidency(msp_year: int, designated_on: date, presides_from: date) -> Presidency:
    return Presidency(state=PRESIDENCIES[(msp_year + 1) % len(PRESIDENCIES)],
                      meeting=f"Meeting of States Parties of {msp_year}",
                      designated_on=designated_on, presides_from=presides_from)


def first_presidency(year: int, today: date | None = None) -> Presidency:
    """The presidency in office when the engine's first cycle opens (carried in by hand): the
    ``year`` cycle's, in office from the MSP that opens it — or from ``today`` (default: the
    clock's) where the cycle is opened before then, since a step is judged on the presidency
    in office on its date (``domain.authority``)."""
    begins = min(default_calendar(year).opening_msp, today or datetime.now(UTC).date())
    return presidency(year - 1, begins - timedelta(days=364), begins)


def chair(year: int, state: CycleState, today: date | None = None) -> Actor:
    """The President as the record of ``state`` names them on ``today`` (default: the
    clock's): the representative of the State presiding then — ``president(year)`` in the
    engine's first year, whoever the record says in a year opened by the one before."""
    presiding = presiding_on(today or datetime.now(UTC).date(), state.presidencies)
    if presiding is None:
        return president(year)  # refused, as the record names no presidency: no hole
    return Actor(name="President of the MSP", role=Role.PRESIDENT, represents=presiding.state)


def present(state: CycleState, day: date) -> tuple[str, ...]:
    """CC-5: the members the chair records as present when the committee decides on ``day``:
    every member (not observer) sitting that day by the record of ``state`` — the chair, the
    President presiding, among them. Under a profile with a quorum this is all the committee
    can muster; under the engine's first reading it is recorded and not required."""
    return tuple(deciding_members(state.committee_on(day)))


def election(year: int, state: CycleState, registry: Mapping[str, State]) -> ElectionResult:
    """What the MSP of ``year − 1`` elects: the staggered first round, or the open seats filled
    by States Parties that did not hold that mandate in the term just ending (CO-7), an
    affected State where the group has none (CO-6)."""
    if not state.terms:
        return plan_first_round(year - 1, FIRST_ROUND)
    parties = sorted(s.iso3 for s in registry.values() if s.is_state_party)
    busy = {t.state for t in state.terms if t.covers(year) or t.covers(year - 1)}
    terms = []
    for key, count in seats_open(state.terms, year, state.catalogue).items():
        m = state.catalogue[key]
        affected_held = any(registry[t.state].affected for t in state.terms
                            if t.mandate == key and t.covers(year))
        ranked = sorted(parties, key=lambda iso: (not (m.is_working_group and not affected_held
                                                       and registry[iso].affected),
                                                  (parties.index(iso) * 7 + year) % len(parties)))
        for iso in [p for p in ranked if p not in busy][:count]:
            busy.add(iso)
            terms.append(Term(state=iso, mandate=key, first_year=year,
                              last_year=year + m.term_years - 1))
    return ElectionResult(msp_year=year - 1, terms=tuple(terms))


def meeting(year: int) -> IntersessionalMeeting:
    first = date(year, 6, 1) + timedelta(days=(7 - date(year, 6, 1).weekday()) % 7)
    return IntersessionalMeeting(year=year, place="Geneva", first_day=first,
                                 last_day=first + timedelta(days=3),
                                 back_to_back_with=NeighbouringMeeting.APMBC,
                                 agenda=default_agenda(4))


def workplan(for_year: int, staff_cost: str) -> Workplan:
    return Workplan(for_year=for_year, items=(
        WorkplanItem(title="Prepare the intersessional meeting", letters=(MandateLetter.A,)),
        WorkplanItem(title="Support the President and coordinators", letters=(MandateLetter.B,)),
        WorkplanItem(title="Report to the MSP", letters=(MandateLetter.I,))),
        budget=(BudgetLine(label="Staff", amount=Decimal(staff_cost), currency="CHF"),
                BudgetLine(label="Meetings", amount=Decimal("85000.00"), currency="CHF")))


_BEFORE_WORKPLAN = {"elect_coordinators", "designate_president", "convene_meeting",
                    "hold_meeting"}


class EngineClock:
    """The engine's date: a time-skipping test server's clock (moved by ``env.sleep``), else
    the wall clock — the date a step is judged on."""

    def __init__(self, client: Client) -> None:
        self.client, self.skipping = client, True

    async def today(self) -> date:
        if self.skipping:
            try:
                reply = await self.client.test_service.get_current_time(Empty())
            except RPCError:
                self.skipping = False  # a real server: its clock is the wall clock
            else:
                return reply.time.ToDatetime().replace(tzinfo=UTC).date()
        return datetime.now(UTC).date()


async def open_cycle(client: Client, opening: c.OpenCycle, task_queue: str) -> Receipt:
    """Open the cycle of ``opening.year`` through the step client: its receipt."""
    return (await engine.begin(client, CYCLE, opening, task_queue))[1]


async def take_step(client: Client, year: int, command: c.StepCommand) -> Receipt:
    """Send ``command`` to the ``year`` cycle through the step client: its receipt."""
    return await engine.take(client, CYCLE, cycle_id(year), command)


async def state_of(client: Client, year: int) -> CycleState:
    """The ``year`` cycle as the engine holds it now."""
    state: CycleState = await engine.state(client, CYCLE, cycle_id(year))
    return state


async def _noop(_: str, __: Receipt, ___: CycleState) -> None:
    return None


class _Reached(Exception):  # noqa: N818 - control flow of run_year's ``until``, never escapes
    def __init__(self, state: CycleState) -> None:
        self.state = state


async def run_year(client: Client, year: int, task_queue: str, *, step: Step = _noop,
                   returns: int = 1, first: bool = True, resume: bool = False,
                   until: str | None = None, election: Electing | None = None,
                   calendar: CycleCalendar | None = None) -> CycleState:
    """Drive the ``year`` cycle from opening (idempotent: the previous year's close may have
    opened it) to the MSP's adoption of the work plan, the committee returning it ``returns``
    times first; ``step(name, receipt, state)`` is awaited after every recorded step. The
    ``first`` year kept by the engine carries in the presidency in office. With ``resume``,
    the steps before the work plan that are no longer open are passed over (a script picked up
    again after an interruption). Returns the state before the engine closes the year — or,
    with ``until``, the state in which that step (e.g. ``"approve_workplan"``) is left to a
    real person. ``election(year, state)`` replaces the usual election; ``calendar``, the
    default dates."""
    try:
        return await _run_year(client, year, task_queue, step=step, returns=returns,
                               first=first, resume=resume, until=until, electing=election,
                               calendar=calendar)
    except _Reached as reached:
        return reached.state


async def _run_year(client: Client, year: int, task_queue: str, *, step: Step, returns: int,
                    first: bool, resume: bool, until: str | None, electing: Electing | None,
                    calendar: CycleCalendar | None) -> CycleState:
    registry = shipped_registry()
    state = CycleState()

    async def take(name: str, command: c.StepCommand) -> CycleState:
        nonlocal state
        if name == until:
            raise _Reached(await state_of(client, year))
        if resume and name in _BEFORE_WORKPLAN and name not in {
                p.step for p in await engine.pending(client, cycle_id(year))}:
            state = await state_of(client, year)
            return state
        receipt = await take_step(client, year, command)
        state = await state_of(client, year)
        await step(name, receipt, state)
        return state

    clock = EngineClock(client)

    async def president_now() -> Actor:
        # the President on the step's date (the engine's), as the record says
        return chair(year, state, await clock.today())

    async def present_now() -> tuple[str, ...]:
        # the committee's members sitting on the step's date, as the record says (CC-5)
        return present(state, await clock.today())

    carried = (first_presidency(year),) if first else ()
    opening = c.OpenCycle(year=year, actor=ISU, carried_presidencies=carried, calendar=calendar)
    receipt = await open_cycle(client, opening, task_queue)
    state = await state_of(client, year)
    await step("open_cycle", receipt, state)
    cal = state.calendar
    assert cal is not None
    await take("elect_coordinators", c.ElectCoordinators(
        actor=await president_now(), election=electing(year, state) if electing
        else election(year, state, registry)))
    await take("designate_president", c.DesignatePresident(
        actor=await president_now(),
        presidency=presidency(year, cal.opening_msp, cal.closing_msp)))
    await take("convene_meeting", c.ConveneMeeting(actor=await president_now(),
                                                   meeting=meeting(year)))
    await take("hold_meeting", c.HoldMeeting(actor=ISU, records_reference=f"ISU/{year}/IM"))
    for attempt in range(returns + 1):
        plan = workplan(year + 1, str(612000 - 7000 * attempt) + ".00")
        h = plan.content_hash()
        await take("draft_workplan", c.DraftWorkplan(actor=ISU, workplan=plan))
        await take("submit_workplan_to_committee",
                   c.SubmitWorkplanToCommittee(actor=ISU, content_hash=h))
        if attempt < returns:
            await take("return_workplan", c.ReturnWorkplan(
                actor=await president_now(), content_hash=h,
                reasons="staff costs above the previous level", present=await present_now()))
    await take("approve_workplan", c.ApproveWorkplan(actor=await president_now(),
                                                     content_hash=h, present=await present_now()))
    await take("send_workplan_to_msp", c.SendWorkplanToMSP(actor=await president_now(),
                                                           content_hash=h))
    return await take("adopt_workplan", c.AdoptWorkplan(actor=await president_now(),
                                                        content_hash=h))
