"""``audit report``: the facts a Review Conference reviews are the ledger's, year by year, and
the page shows them — with the ledger's verification on top, intact or not."""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest
from markupsafe import escape

from audit.report import (
    DeviationKind,
    ReportError,
    ReviewFacts,
    gather,
    render,
    report_events,
    report_html,
)
from audit.verification import Verification, verify_ledger
from domain.committee import presiding_on
from domain.convention import State, shipped_registry
from domain.cycle import fold
from domain.elections import holders
from domain.events import CycleEvent, parse_event
from domain.state import WorkplanStatus
from ledger import Ledger, StoredEvent, create_ledger_engine
from ledger.checkpoints import checkpoint_public_key
from scenarios.simulation import NECESSITY, Deviations
from settings import Settings
from tests.audit.conftest import YEARS, World

FIRST, LAST = YEARS[0], YEARS[-1]
LATE, RETURNED, NECESSARY = Deviations().late, Deviations().returned, Deviations().necessity
RETURN_REASON = "staff costs above the previous level"  # scripted.run_year's words


def stored(ledger: Ledger, years: tuple[int, ...] = YEARS) -> list[StoredEvent]:
    return [e for year in years for e in ledger.read_stream(f"cycle-{year}")]


def cycle(ledger: Ledger, year: int) -> list[CycleEvent]:
    return [parse_event(e.payload) for e in ledger.read_stream(f"cycle-{year}")]


def verified(settings: Settings) -> tuple[Ledger, Verification]:
    engine = create_ledger_engine(settings.effective_ledger_url)
    key = settings.effective_signing_key
    return Ledger(engine), verify_ledger(engine, checkpoint_public_key(key))


def test_coordinators_are_the_folded_holders_judged_on_recorded_standings(
        five_years_ledger: Ledger) -> None:
    facts = gather(stored(five_years_ledger), FIRST, LAST)
    assert [y.year for y in facts.years] == list(YEARS)
    recorded: dict[str, State] = {}
    for y in facts.years:
        events = cycle(five_years_ledger, y.year)
        state = fold(events)
        for e in events:
            recorded |= {s.iso3: s for s in getattr(e, "standings", ())}
        expected = {key: [t.state for t in terms]
                    for key, terms in holders(state.terms, y.year).items()}
        assert {m.key: [c.state for c in m.coordinators] for m in y.coordinators
                if m.coordinators} == expected
        held = [c for m in y.coordinators for c in m.coordinators]
        assert all(c.recorded and c.affected == recorded[c.state].affected for c in held)
        assert y.share == (sum(c.affected for c in held), len(held))
    # CO-6: the 2027 election's recorded warning is the group the table flags
    first = facts.years[0]
    warned = [d for d in first.deviations if d.kind is DeviationKind.ELECTION_WARNING]
    assert [d.rule_id for d in warned] == ["CO-6"]
    assert [m.key for m in first.groups_lacking] == ["universalization"]


def test_recorded_standings_win_over_todays_registry(five_years_ledger: Ledger) -> None:
    """A registry that later calls every State unaffected changes nothing the elections
    recorded; only a State no given election judged falls back to it (here: a year whose
    election is left out, so only its carried terms remain)."""
    unaffected = {code: s.model_copy(update={"affected": False})
                  for code, s in shipped_registry().items()}
    events = stored(five_years_ledger)
    assert gather(events, FIRST, LAST, unaffected) == gather(events, FIRST, LAST)
    unjudged = [e for e in stored(five_years_ledger, (LATE,)) if e.type != "CoordinatorsElected"]
    today = gather(unjudged, LATE, LATE).years[0]
    later = gather(unjudged, LATE, LATE, unaffected).years[0]
    held = [c for m in today.coordinators for c in m.coordinators]
    assert held
    assert not any(c.recorded for c in held)
    assert any(c.affected for c in held)
    assert not any(c.affected for m in later.coordinators for c in m.coordinators)


def test_the_deviations_are_found_where_the_simulation_put_them(
        five_years_ledger: Ledger) -> None:
    facts = gather(stored(five_years_ledger), FIRST, LAST)
    years = {y.year: y for y in facts.years}
    (necessity,) = facts.deviations(DeviationKind.NECESSITY)
    assert (necessity.year, necessity.rule_id, necessity.reason) == (NECESSARY, "CO-7", NECESSITY)
    assert [c.necessity for m in years[NECESSARY].coordinators for c in m.coordinators
            if c.necessity] == [NECESSITY]
    (returned,) = facts.deviations(DeviationKind.RETURNED)
    assert (returned.year, returned.rule_id, returned.reason) == (RETURNED, "ISU-3",
                                                                  RETURN_REASON)
    plan = years[RETURNED].workplan
    assert plan is not None
    assert plan.drafts == 2
    missed = facts.deviations(DeviationKind.MISSED)
    recorded = [(e.deadline, e.due, e.escalated_to) for e in cycle(five_years_ledger, LATE)
                if e.type == "DeadlineMissed"]
    assert {d.year for d in missed} == {LATE}
    assert len(missed) == len(recorded) >= 1
    assert [(d.due, d.escalated_to) for d in missed] == [(due, to) for _, due, to in recorded]
    assert all(d.escalated_to and "President" in d.escalated_to for d in missed)
    assert {d.rule_id for d in missed} == {"IM-1", "ISU-3"}
    assert [y.year for y in facts.years if y.meeting.late] == [LATE]
    assert {d.year for d in facts.deviations(DeviationKind.REMINDER)} == {LATE}
    assert facts.deviations(DeviationKind.REJECTED) == []


def test_approvals_name_the_president_with_dates_and_ledger_positions(
        five_years_ledger: Ledger) -> None:
    facts = gather(stored(five_years_ledger), FIRST, LAST)
    for y in facts.years:
        rows = five_years_ledger.read_stream(f"cycle-{y.year}")
        by_position = {e.position: e for e in rows}
        presidencies = fold(parse_event(e.payload) for e in rows).presidencies
        steps = [a.step for a in y.approvals]
        assert steps[0] == "recording the election of coordinators"
        assert "approving the work plan for the Coordination Committee" in steps
        assert steps[-1] == "recording the MSP's adoption of the work plan"
        for a in y.approvals:
            row = by_position[a.position]
            # the President in office on the step's date, as the record names them (the
            # simulation's later years run at a clock the late year left, where an earlier
            # presidency is still in office)
            presiding = presiding_on(a.occurred_at.date(), presidencies)
            assert presiding is not None
            assert (a.actor, a.role, a.represents) == (
                "President of the MSP", "president", presiding.state)
            assert a.occurred_at.isoformat() == parse_event(row.payload).occurred_at.isoformat()
            assert (a.stream, a.version, a.recorded_at.isoformat().replace("+00:00", "Z")) == (
                row.stream, row.version, row.recorded_at)


def test_budget_totals_are_the_sums_of_the_adopted_plans_lines(
        five_years_ledger: Ledger) -> None:
    facts = gather(stored(five_years_ledger), FIRST, LAST)
    for y in facts.years:
        rows = five_years_ledger.read_stream(f"cycle-{y.year}")
        (adopted,) = [e.payload["content_hash"] for e in rows if e.type == "WorkplanAdoptedByMSP"]
        (plan,) = [e.payload["workplan"] for e in rows if e.type == "WorkplanDrafted"
                   and e.payload["content_hash"] == adopted]
        assert y.workplan is not None
        assert y.workplan.fate is WorkplanStatus.ADOPTED
        assert y.workplan.content_hash == adopted
        assert y.workplan.plan.for_year == y.year + 1
        assert y.workplan.plan.total() == sum(Decimal(line["amount"]) for line in plan["budget"])


def test_a_year_without_a_cycle_or_a_backwards_span_is_refused(
        five_years_ledger: Ledger) -> None:
    events = stored(five_years_ledger)
    with pytest.raises(ReportError, match=r"^the ledger holds no cycle for 2019–2026\.$"):
        gather(events, 2019, FIRST)
    with pytest.raises(ReportError, match="backwards"):
        gather(events, LAST, FIRST)


def facts_and_html(settings: Settings) -> tuple[ReviewFacts, Verification, str]:
    ledger, verification = verified(settings)
    facts = gather(report_events(ledger, FIRST, LAST), FIRST, LAST)
    assert facts.coalitions
    assert facts.procedures
    html = report_html(ledger, FIRST, LAST, verification)
    ledger.engine.dispose()
    return facts, verification, html


def test_the_page_has_every_section_the_chart_and_the_signed_root(world: World) -> None:
    facts, verification, html = facts_and_html(world.settings)
    assert html == render(facts, verification)
    assert verification.intact
    assert verification.root_hash
    assert verification.key_id
    assert f"<title>Review of the intersessional programme, {FIRST}–{LAST}</title>" in html
    for section in ("Coordinators", "Intersessional meetings", "Work plans and budgets",
                    "Approvals", "Deviations", "Country coalitions", "Silence procedures"):
        assert f"<h2>{section}" in html
    assert "The ledger is intact" in html
    assert "NOT intact" not in html
    assert verification.root_hash in html
    assert verification.key_id in html
    svg = re.search(r'<svg class="budget-chart".*?</svg>', html, re.DOTALL)
    assert svg is not None
    assert len(re.findall(r'<rect class="bar"', svg[0])) == len(YEARS)
    for y in facts.years:
        assert y.workplan is not None
        assert f"{y.workplan.plan.total():,.0f}" in svg[0]
    assert str(escape(NECESSITY)) in html
    assert RETURN_REASON in html
    # self-contained: nothing to fetch, nothing to run
    assert "<script" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_a_tampered_ledger_is_said_to_be_not_intact_at_the_top(world: World,
                                                              tmp_path: Path) -> None:
    settings = world.copy(tmp_path)
    with sqlite3.connect(settings.data_dir / "ledger.sqlite3") as db:
        db.execute("UPDATE events SET payload = replace(payload, ?, ?) WHERE type = ?",
                   (RETURN_REASON, "no reason at all", "WorkplanReturnedForRevision"))
    _, verification, html = facts_and_html(settings)
    assert verification.problem is not None
    top = html[html.index('<section id="verification"'):html.index('<section id="coordinators"')]
    assert 'class="verification broken"' in top
    assert "The ledger is NOT intact" in top
    assert str(escape(str(verification.problem))) in top
    assert 'role="alert"' in top
    assert "no reason at all" in html  # the page still shows what the ledger now says
    # the altered event is marked where the report cites it (its approval, its deviation)
    marked = f'#{verification.problem.position}</span> <span class="badge bad"'
    assert html.count(marked) == 2
