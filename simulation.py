"""Five years of the Convention's machinery, simulated through the real engine, with the
deviations an audit must find: a work plan returned for revision, a meeting convened late (the
deadline missed and escalated), and a State re-elected to its own mandate under CO-7's
"unless necessary", with the reason the Meeting recorded.

Used by the audit tests and benchmarks on the time-skipping server, whose clock ``wait_until``
moves (``env.sleep``); without it the late year is stepped on time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from temporalio.client import Client

import scripted
from activities.models import cycle_id
from domain.convention import shipped_registry
from domain.elections import ElectionResult, NecessityException, Term
from domain.state import CycleState
from ledger.records import Receipt

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
    work plan; each close opens the next year. Returns the years driven."""
    driven = []
    for year in range(first_year, first_year + years):
        async def late(name: str, _: Receipt, __: CycleState, year: int = year) -> None:
            if name == "convene_meeting" and wait_until is not None and year == deviations.late:
                await wait_until(datetime(year, 8, 1, tzinfo=UTC))

        await scripted.run_year(
            client, year, task_queue, step=late, first=year == first_year,
            returns=1 if year == deviations.returned else 0,
            election=re_election if year == deviations.necessity else None)
        await client.get_workflow_handle(cycle_id(year)).result()
        driven.append(year)
    return driven
