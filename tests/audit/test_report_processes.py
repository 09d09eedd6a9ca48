"""``audit report``'s country coalitions and silence procedures: the facts are their streams',
each step with who took it, when and where the ledger keeps it; a report has those that
concern its years, and lists each year's coalition progress beside that year's submission."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from markupsafe import escape

from audit.report import gather, render, report_events, report_html
from audit.review import SECTIONS, ReviewFacts
from audit.review.facts import Taken
from audit.verification import verify_ledger
from domain.coalition_state import CoalitionPhase
from domain.coalitions import ParticipantKind, PartnerRole
from domain.convention import Status, shipped_registry
from domain.kinds import KINDS
from domain.silence import SilencePhase
from ledger import Ledger, create_ledger_engine
from ledger.checkpoints import checkpoint_public_key
from scenarios.simulation import (
    ACTIVITY,
    ADOPTED,
    AUS,
    CHARTER,
    CLOSED_BECAUSE,
    COALITION,
    COMMITTEE,
    JPN,
    LAO,
    OBJECTION,
    OUTCOMES,
    PROGRESS,
    STRATEGY,
    SUBJECTS,
    WITHDRAWN,
    WITHDRAWN_BECAUSE,
)
from settings import Settings
from tests.audit.conftest import YEARS, World

FIRST, LAST = YEARS[0], YEARS[-1]


def _kept_where_the_ledger_keeps_it(ledger: Ledger, taken: Taken) -> None:
    (row,) = [e for e in ledger.read_stream(taken.stream) if e.version == taken.version]
    assert (row.position, row.actor) == (taken.position, taken.actor)
    assert row.occurred_at[:19] == taken.occurred_at.isoformat()[:19]


def test_the_coalition_is_reported_step_by_step(five_years_ledger: Ledger) -> None:
    facts = gather(report_events(five_years_ledger, FIRST, LAST), FIRST, LAST)
    (c,) = facts.coalitions
    assert (c.coalition, c.phase, c.later) == (COALITION, CoalitionPhase.CLOSED, 0)
    assert (c.affected.iso3, c.partner.iso3, c.partner_role) == ("LAO", "AUS", PartnerRole.DONOR)
    assert (c.affected.affected, c.affected.is_state_party, c.non_state_party) == (True, True,
                                                                                  False)
    assert c.focus == CHARTER.focus
    assert (c.identified.actor, c.identified.role, c.identified.represents) == (
        COMMITTEE.name, "committee member", "NOR")
    assert [(a.state, a.taken.actor) for a in c.agreements] == [("LAO", LAO.name),
                                                                ("AUS", AUS.name)]
    assert c.strategy is not None
    assert (c.strategy.document, c.strategy.taken.actor) == (STRATEGY, LAO.name)
    assert [(j.participant.name, j.participant.kind, j.left is not None)
            for j in c.participants] == [
        ("ICRC", ParticipantKind.INTERNATIONAL_ORGANISATION, False),
        ("UXO Lao", ParticipantKind.OPERATOR, False), ("JPN", ParticipantKind.STATE, True)]
    (workshop,) = c.workshops
    assert workshop.outcomes == OUTCOMES
    assert workshop.held is not None
    assert workshop.held.occurred_at.date() >= workshop.plan.starts > \
        workshop.planned.occurred_at.date()
    assert [(a.activity, a.taken.actor) for a in c.activities] == [(ACTIVITY, AUS.name)]
    assert [(r.msp_year, r.summary, r.taken.actor) for r in c.reports] == [
        (2027, PROGRESS[0], LAO.name), (2028, PROGRESS[1], AUS.name)]
    assert c.closed is not None
    assert (c.closed.actor, c.closed_because) == (LAO.name, CLOSED_BECAUSE)
    steps = [c.identified, *(a.taken for a in c.agreements), c.strategy.taken,
             *(j.taken for j in c.participants), workshop.planned, workshop.held,
             *(a.taken for a in c.activities), *(r.taken for r in c.reports), c.closed]
    for taken in steps:
        _kept_where_the_ledger_keeps_it(five_years_ledger, taken)
    assert len(steps) + 1 == len(five_years_ledger.read_stream(COALITION))  # + the departure
    # each year's progress goes with the submission of that year's cycle to its MSP
    assert [[r.summary for r in facts.progress(y)] for y in YEARS] == [
        [PROGRESS[0]], [PROGRESS[1]], [], [], []]


def test_the_silence_procedures_are_reported_with_their_outcomes(
        five_years_ledger: Ledger) -> None:
    facts = gather(report_events(five_years_ledger, FIRST, LAST), FIRST, LAST)
    adopted, withdrawn = facts.procedures
    assert (adopted.procedure, adopted.subject, adopted.phase, adopted.outcome) == (
        ADOPTED, SUBJECTS[0], SilencePhase.ADOPTED, "adopted")
    (only,) = adopted.circulations
    assert (only.outcome, only.objections, only.taken.role) == ("adopted", (), "president")
    assert only.decided is not None
    assert only.decided.role == "engine"
    assert only.decided.occurred_at >= only.deadline > only.taken.occurred_at
    assert adopted.ended == only.decided
    assert (withdrawn.procedure, withdrawn.subject, withdrawn.outcome) == (
        WITHDRAWN, SUBJECTS[1], "withdrawn")
    (broken,) = withdrawn.circulations
    assert broken.outcome == "not adopted"
    assert [(o.standing and o.standing.iso3, o.standing and o.standing.status, o.objection,
             o.taken.actor)
            for o in broken.objections] == [("JPN", Status.STATE_PARTY, OBJECTION, JPN.name)]
    assert broken.objections[0].taken.occurred_at < broken.deadline
    assert withdrawn.withdrawn is not None
    assert (withdrawn.withdrawn.role, withdrawn.withdrawn_because) == ("president",
                                                                       WITHDRAWN_BECAUSE)
    assert withdrawn.ended == withdrawn.withdrawn
    for taken in (only.taken, only.decided, broken.taken, broken.decided,
                  broken.objections[0].taken, withdrawn.withdrawn):
        assert taken is not None
        _kept_where_the_ledger_keeps_it(five_years_ledger, taken)


def test_a_report_has_the_processes_of_its_years_as_they_stood_at_its_end(
        five_years_ledger: Ledger) -> None:
    first = gather(report_events(five_years_ledger, FIRST, FIRST), FIRST, FIRST)
    (c,) = first.coalitions
    recorded = five_years_ledger.read_stream(COALITION)
    in_first = [e for e in recorded if e.occurred_at.startswith(str(FIRST))]
    assert (c.phase, c.closed, c.later) == (CoalitionPhase.ACTIVE, None,
                                            len(recorded) - len(in_first))
    assert ([r.msp_year for r in c.reports], c.workshops) == ([FIRST], ())
    assert [p.procedure for p in first.procedures] == [ADOPTED]
    second = gather(report_events(five_years_ledger, FIRST + 1, FIRST + 1), FIRST + 1,
                    FIRST + 1)
    assert [(c.coalition, c.phase) for c in second.coalitions] == [(COALITION,
                                                                    CoalitionPhase.CLOSED)]
    assert [p.procedure for p in second.procedures] == [WITHDRAWN]
    later = gather(report_events(five_years_ledger, FIRST + 2, LAST), FIRST + 2, LAST)
    assert (later.coalitions, later.procedures) == ((), ())


def _html(settings: Settings, first: int = FIRST, last: int = LAST) -> str:
    engine = create_ledger_engine(settings.effective_ledger_url)
    key = checkpoint_public_key(settings.effective_signing_key)
    html = report_html(Ledger(engine), first, last, verify_ledger(engine, key))
    engine.dispose()
    return html


def _section(html: str, name: str, until: str | None = None) -> str:
    start = html.index(f'<section id="{name}"')
    return html[start:html.index("<section", start + 1) if until is None
                else html.index(until, start)]


def test_the_page_shows_the_coalition_the_procedures_and_the_progress(world: World) -> None:
    html = _html(world.settings)
    coalitions = _section(html, "coalitions")
    assert "<h2>Country coalitions" in coalitions
    for fact in (shipped_registry()["LAO"].name, "Australia", "(donor)", COALITION,
                 "clearance and risk reduction education", COMMITTEE.name, STRATEGY.reference,
                 STRATEGY.sha256, "ICRC", "international organisation", "UXO Lao",
                 OUTCOMES.challenges[0], OUTCOMES.activities[1], OUTCOMES.records_reference,
                 ACTIVITY.reference, ACTIVITY.description, *PROGRESS, CLOSED_BECAUSE):
        assert str(escape(fact)) in coalitions, fact
    assert '<span class="badge pending">closed</span>' in coalitions
    assert "left</strong>" in coalitions  # Japan, which left
    assert "non-State Party · CK-8" not in coalitions
    silence = _section(html, "silence", "<footer>")
    assert ("<h2>Silence procedures <span class=\"extension\">(extension: later practice, not "
            "in the seed papers)</span>") in silence
    for fact in (ADOPTED, WITHDRAWN, *SUBJECTS, OBJECTION, WITHDRAWN_BECAUSE, "Japan"):
        assert str(escape(fact)) in silence, fact
    assert silence.count('<span class="badge ok">adopted</span>') == 2  # header and deadline
    assert '<span class="badge bad">not adopted</span>' in silence
    assert '<span class="badge bad">withdrawn</span>' in silence
    workplans = _section(html, "workplans")
    for year, summary in ((FIRST, PROGRESS[0]), (FIRST + 1, PROGRESS[1])):
        assert f"into this submission to the MSP of {year}</strong>" in workplans
        assert str(escape(summary)) in workplans
    assert "into this submission to the MSP of 2029" not in workplans
    nothing = _html(world.settings, FIRST + 2, LAST)
    assert "No country coalition recorded a step in these years." in nothing
    assert "No silence procedure recorded a step in these years." in nothing


def test_a_coalition_for_a_non_state_party_is_marked(five_years_ledger: Ledger,
                                                     world: World) -> None:
    """CK-8: allowed, and marked — on the page as in the event."""
    facts = gather(report_events(five_years_ledger, FIRST, LAST), FIRST, LAST)
    (c,) = facts.coalitions
    signatory = c.affected.model_copy(update={"status": Status.SIGNATORY})
    marked = facts.model_copy(update={"coalitions": (c.model_copy(update={
        "affected": signatory, "non_state_party": True}),)})
    engine = create_ledger_engine(f"sqlite:///{world.ledger_file}")
    page = render(marked, verify_ledger(engine, None))
    engine.dispose()
    assert "non-State Party · CK-8" in _section(page, "coalitions")
    assert "<strong>not a State Party</strong> (signatory)" in page


def test_a_tampered_objection_is_shown_and_marked_where_cited(world: World,
                                                              tmp_path: Path) -> None:
    settings = world.copy(tmp_path)
    with sqlite3.connect(settings.data_dir / "ledger.sqlite3") as db:
        db.execute("UPDATE events SET payload = replace(payload, ?, ?) WHERE stream = ?",
                   (OBJECTION, "no objection at all", WITHDRAWN))
    html = _html(settings)
    assert "The ledger is NOT intact" in html
    (position,) = [e.position for e in Ledger(create_ledger_engine(
        settings.effective_ledger_url)).read_stream(WITHDRAWN) if e.type == "SilenceBroken"]
    silence = _section(html, "silence", "<footer>")
    assert "no objection at all" in silence
    assert f'#{position}</span> <span class="badge bad"' in silence


def test_every_kind_of_process_has_its_section_of_the_report() -> None:
    """A kind of process added to ``domain.kinds`` without its section would leave its streams
    out of the report: each has one, and each fills its own field of the facts."""
    assert set(SECTIONS) == set(KINDS)
    fields = [section.field for section in SECTIONS.values()]
    assert len(set(fields)) == len(fields)
    assert set(fields) <= set(ReviewFacts.model_fields)
