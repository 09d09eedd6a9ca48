"""``audit report``: what a Review Conference reviews, gathered from the recorded events alone.

CO-9, CC-4 and ISU-5 ask the First Review Conference to review the intersessional programme,
the Coordination Committee and the ISU. :func:`gather` (:mod:`audit.review`) reads the events
of the ``cycle-<year>`` streams — never the workflow, the clock or today's registry where the
events say otherwise — and the streams of the coalitions and silence procedures the years
concern into :class:`ReviewFacts`, each kind's by its section (:mod:`audit.review.cycle`, …);
:func:`render` lays them out as one self-contained HTML page with the verification of the
ledger they came from at its top. This module is the public entry: import the report's names
from here.
"""

from __future__ import annotations

from datetime import UTC

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from audit.chart import BudgetBar, amount, budget_chart
from audit.review import ReportError, ReviewFacts, gather
from audit.review.facts import (
    Approval,
    Coordinator,
    Deviation,
    DeviationKind,
    MandateSeats,
    MeetingFacts,
    WorkplanFacts,
    YearFacts,
)
from audit.verification import Verification
from audit.years import process_streams
from contracts import cycle_id
from ledger import Ledger, StoredEvent

__all__ = ["Approval", "Coordinator", "Deviation", "DeviationKind", "MandateSeats",
           "MeetingFacts", "ReportError", "ReviewFacts", "WorkplanFacts", "YearFacts", "gather",
           "render", "report_events", "report_html"]


def report_events(ledger: Ledger, from_year: int, to_year: int) -> list[StoredEvent]:
    """What the report of ``from_year``…``to_year`` reads: the ``cycle-<year>`` streams, back
    from ``from_year`` to the first recorded cycle so that every carried term is judged on the
    standing recorded with its election, and every coalition's and silence procedure's stream
    (:func:`gather` keeps those that concern the years)."""
    events = [e for year in range(from_year, to_year + 1)
              for e in ledger.read_stream(cycle_id(year))]
    earlier = from_year - 1
    while earlier_events := ledger.read_stream(cycle_id(earlier)):
        events += earlier_events
        earlier -= 1
    return events + [e for stream in process_streams(ledger) for e in ledger.read_stream(stream)]


def report_html(ledger: Ledger, from_year: int, to_year: int,
                verification: Verification) -> str:
    """The report of ``from_year``…``to_year`` from the streams of ``ledger`` it concerns
    (:func:`report_events`)."""
    return render(gather(report_events(ledger, from_year, to_year), from_year, to_year),
                  verification)


def render(facts: ReviewFacts, verification: Verification) -> str:
    """The report as one HTML page: inline CSS and SVG, no script, nothing fetched."""
    template = _environment().get_template("report.html")
    chart: Markup = budget_chart(_bars(facts), title=f"The ISU's budgets as decided, "
                                 f"{facts.from_year}–{facts.to_year}")
    return template.render(facts=facts, verification=verification, chart=chart,
                           kinds=list(DeviationKind))


def _bars(facts: ReviewFacts) -> list[BudgetBar]:
    return [BudgetBar(label=str(y.workplan.plan.for_year), note=f"{y.workplan.fate.value}, MSP "
                      f"{y.year}", lines=tuple((line.label, line.amount)
                                              for line in y.workplan.plan.budget),
                      currency=y.workplan.plan.currency or "")
            for y in facts.years if y.workplan is not None]


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("audit"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["money"] = lambda value: amount(value, 2)
    env.filters["when"] = lambda moment: moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    env.filters["stamp"] = lambda text: f"{text[:19].replace('T', ' ')} UTC"  # ledger time text
    return env
