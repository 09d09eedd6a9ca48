"""``audit report``: what a Review Conference reviews, gathered from the recorded events alone.

CO-9, CC-4 and ISU-5 (2MSP, 2011) asked the First Review Conference (2015) to review the
intersessional programme, the Coordination Committee and the ISU; each Review Conference since
reviews the years before it, and this report serves the one that reviews the years it shows.
:func:`gather` (:mod:`audit.review`) reads the events of the ``cycle-<year>`` streams —
never the workflow, the clock or today's registry where the events say otherwise — and the
streams of the coalitions and silence procedures the years concern into :class:`ReviewFacts`,
each kind's by its section (:mod:`audit.review.cycle`, …); :func:`render` lays them out as one
self-contained HTML page with the verification of the ledger they came from at its top. This
module is the public entry: import the report's names from here.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import cache

from babel.dates import format_date, format_interval, format_skeleton
from babel.numbers import format_decimal
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

import i18n
from audit.chart import BudgetBar, budget_chart
from audit.document import Document, coverage
from audit.document import document as make_document
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
    span,
)
from audit.verification import Verification
from audit.words import words
from audit.years import process_streams
from contracts import cycle_id
from domain.conferences import MeetingKind
from i18n import N_, _
from i18n.territories import state_name
from ledger import Ledger, StoredEvent

__all__ = ["Approval", "Coordinator", "Deviation", "DeviationKind", "Document", "MandateSeats",
           "MeetingFacts", "ReportError", "ReviewFacts", "WorkplanFacts", "YearFacts", "gather",
           "make_document", "render", "report_events", "report_html"]


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
                verification: Verification, document: Document | None = None) -> str:
    """The report of ``from_year``…``to_year`` from the streams of ``ledger`` it concerns
    (:func:`report_events`), as ``document`` (default: the provisional symbol, today)."""
    return render(gather(report_events(ledger, from_year, to_year), from_year, to_year),
                  verification, document)


def render(facts: ReviewFacts, verification: Verification,
           document: Document | None = None) -> str:
    """The report as one HTML page in the language of the moment: inline CSS and SVG, no
    script, nothing fetched; its print styles (CSS Paged Media) give the PDF its running
    headers, its "page x of y" and its table of contents (:mod:`audit.pdf`)."""
    document = document or make_document(facts.from_year, facts.to_year)
    template = _environment().get_template("report.html")
    chart: Markup = budget_chart(_bars(facts), title=_(
        "The ISU's budgets as decided, {years}").format(years=span(facts.from_year,
                                                                   facts.to_year)))
    page_of = _("Page {page} of {pages}")
    return template.render(
        facts=facts, verification=verification, chart=chart, kinds=list(DeviationKind),
        document=document, language=i18n.current(), direction=i18n.direction(),
        contents=[(anchor, _(title)) for anchor, title in CONTENTS],
        coverage=coverage(verification), years=span(facts.from_year, facts.to_year),
        review_conferences=[y.closing_meeting.name for y in facts.years
                            if y.closing_meeting is not None
                            and y.closing_meeting.kind is MeetingKind.REVIEW_CONFERENCE],
        page_of=css_content(page_of, page="counter(page)", pages="counter(pages)"))


#: the sections in their order: (anchor, title); the page's table of contents
CONTENTS: tuple[tuple[str, str], ...] = (
    ("verification", N_("Verification of the ledger")),
    ("coordinators", N_("Coordinators")),
    ("formal-meetings", N_("Meetings of States Parties and Review Conferences")),
    ("meetings", N_("Intersessional meetings")),
    ("workplans", N_("Work plans and budgets")),
    ("approvals", N_("Approvals")),
    ("deviations", N_("Deviations")),
    ("coalitions", N_("Country coalitions")),
    ("silence", N_("Silence procedures")),
)


def css_content(text: str, **counters: str) -> Markup:
    """``text`` with ``{name}`` placeholders as a CSS ``content`` value: the words as quoted
    strings, each placeholder as its counter (``Page {page} of {pages}`` → ``"Page "
    counter(page) " of " counter(pages)``), so a translation may put them in any order."""
    parts = re.split(r"\{(\w+)\}", text)
    css = [counters[part] if i % 2 else '"' + "".join(
        c if c.isalnum() or c in " .,:;-/()" else f"\\{ord(c):x} " for c in part) + '"'
        for i, part in enumerate(parts) if part or i % 2]
    return Markup(" ".join(css))  # built from escaped characters only


def _bars(facts: ReviewFacts) -> list[BudgetBar]:
    return [BudgetBar(label=str(y.workplan.plan.for_year), note=_(
        "{fate}, MSP {year}").format(fate=words(y.workplan.fate.value), year=y.year),
        lines=tuple((line.label, line.amount) for line in y.workplan.plan.budget),
        currency=y.workplan.plan.currency or "")
            for y in facts.years if y.workplan is not None]


def _when(moment: datetime) -> str:
    """A moment of the ledger, in UTC, as the language of the moment writes it."""
    at = moment.astimezone(UTC)
    return _("{date}, {time} UTC").format(
        date=format_skeleton("yMMMd", at, tzinfo=UTC, locale=i18n.current(), fuzzy=True),
        time=format_skeleton("Hm", at, tzinfo=UTC, locale=i18n.current()))


def _day(day: date | str) -> str:
    return format_date(date.fromisoformat(str(day)[:10]), "medium", locale=i18n.current())


def _days(first: date, last: date) -> str:
    return format_interval(first, last, "yMMMd", locale=i18n.current())


@cache
def _environment() -> Environment:
    env = Environment(loader=PackageLoader("audit"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.i18n"])
    env.policies["ext.i18n.trimmed"] = True  # a paragraph's msgid on one line
    env.install_gettext_callables(i18n._, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["money"] = lambda value: format_decimal(value, "#,##0.00",
                                                        locale=i18n.current())
    env.filters["when"] = _when
    env.filters["day"] = _day
    env.filters["days"] = _days
    env.filters["long_date"] = lambda day: format_date(day, "long", locale=i18n.current())
    env.filters["stamp"] = lambda text: _when(datetime.fromisoformat(text[:19]).replace(
        tzinfo=UTC))  # ledger time text
    env.filters["words"] = words  # a value the engine keeps, in words
    env.globals["state_name"] = state_name  # a State by name in the report's language
    return env
