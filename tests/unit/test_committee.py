"""The Coordination Committee of a given day (2MSP Proposal 3), derived from the recorded
elections and presidencies (CC-1, CC-3).

The timeline follows the seeds: Lao PDR presided over the First MSP (Vientiane, 2010); Lebanon
hosted and presided over the Second (Beirut, 12–16 September 2011), which elected the first
coordinators for 2012; Norway presided over the Third (Oslo, opened 11 September 2012). The
designation dates are illustrative.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.committee import CommitteeMember, Presidency, committee_on, sits_on_committee
from domain.convention import COMMITTEE_ORGANISATIONS, shipped_registry
from domain.election_rules import validate_election
from domain.elections import ElectionResult, Term, plan_first_round
from domain.mandates import DEFAULT_MANDATES, mandates

REGISTRY = shipped_registry()
NAMES = {m.key: m.name for m in DEFAULT_MANDATES}
WORKING_GROUPS = {m.key for m in DEFAULT_MANDATES if m.is_working_group}

FIRST_MSP = Presidency(state="LAO", meeting="First Meeting of States Parties",
                       designated_on=date(2009, 12, 3), presides_from=date(2010, 11, 9),
                       presides_until=date(2011, 9, 12))
SECOND_MSP = Presidency(state="LBN", meeting="Second Meeting of States Parties",
                        designated_on=date(2010, 11, 12), presides_from=date(2011, 9, 12),
                        presides_until=date(2012, 9, 11))
THIRD_MSP = Presidency(state="NOR", meeting="Third Meeting of States Parties",
                       designated_on=date(2011, 9, 16), presides_from=date(2012, 9, 11))
PRESIDENCIES = (FIRST_MSP, SECOND_MSP, THIRD_MSP)

#: Elected by the 2MSP (2011) for terms from 2012; the second named serves 2012 only (CO-5).
FIRST_ROUND: dict[str, list[str]] = {
    "general-status": ["NLD", "CHL"],
    "universalization": ["GHA", "PRT"],
    "victim-assistance": ["AFG", "AUT"],
    "clearance": ["IRL", "BIH"],
    "stockpile-destruction": ["ESP", "MOZ"],
    "cooperation-assistance": ["IRQ", "AUS"],
    "national-implementation": ["MEX"],
    "reporting": ["BEL"],
}
#: Elected by the 3MSP (2012) for 2013–2014, into the seats of the single-year terms.
SECOND_ROUND: dict[str, str] = {
    "general-status": "COL",
    "universalization": "CAN",
    "victim-assistance": "ALB",
    "clearance": "HRV",
    "stockpile-destruction": "ITA",
    "cooperation-assistance": "JPN",
}


@pytest.fixture(scope="module")
def terms() -> list[Term]:
    first = plan_first_round(2011, FIRST_ROUND)
    validate_election(first, [], REGISTRY)
    second = ElectionResult(msp_year=2012, terms=tuple(
        Term(state=s, mandate=k, first_year=2013, last_year=2014)
        for k, s in SECOND_ROUND.items()))
    validate_election(second, list(first.terms), REGISTRY)
    return [*first.terms, *second.terms]


def _seats(members: tuple[CommitteeMember, ...]) -> list[tuple[str, str]]:
    return [(m.represents, m.paragraph) for m in members]


def _by(members: tuple[CommitteeMember, ...], paragraph: str) -> list[str]:
    return [m.represents for m in members if m.paragraph == paragraph]


ORGANISATIONS = [("ICRC", "P3.2(e)"), ("UN", "P3.2(e)"), ("CMC", "P3.2(f)")]


def test_cc3_committee_on_a_day_is_exactly_its_members(terms: list[Term]) -> None:
    """CC-3: on 1 March 2012 the committee is the 2MSP President, the fourteen coordinators of
    2012, the President-designate of the 3MSP, and the ICRC, UN and CMC — nobody else."""
    members = committee_on(date(2012, 3, 1), terms, PRESIDENCIES)
    assert _seats(members) == [
        ("LBN", "P3.2(a)"),
        ("CHL", "P3.2(b)"), ("NLD", "P3.2(b)"),
        ("GHA", "P3.2(b)"), ("PRT", "P3.2(b)"),
        ("AFG", "P3.2(b)"), ("AUT", "P3.2(b)"),
        ("BIH", "P3.2(b)"), ("IRL", "P3.2(b)"),
        ("ESP", "P3.2(b)"), ("MOZ", "P3.2(b)"),
        ("AUS", "P3.2(b)"), ("IRQ", "P3.2(b)"),
        ("MEX", "P3.2(c)"),
        ("BEL", "P3.2(c)"),
        ("NOR", "P3.2(d)"),
        *ORGANISATIONS,
    ]
    assert members[0].basis == "President of the Second Meeting of States Parties"
    assert members[1].basis == "Coordinator, General status and operation of the Convention"
    assert members[14].basis == "Coordinator, Reporting"
    assert members[15].basis == "President-designate of the Third Meeting of States Parties"
    assert {m.basis for m in members[-3:]} == {"Representative"}


def test_cc3_organisations_always_sit(terms: list[Term]) -> None:
    """CC-3: the ICRC, the UN (P3.2(e)) and the CMC (P3.2(f)) sit on any day, even before any
    coordinator or President is recorded."""
    assert list(COMMITTEE_ORGANISATIONS) == ["ICRC", "UN", "CMC"]
    assert _seats(committee_on(date(2008, 12, 3), [], [])) == ORGANISATIONS
    assert _seats(committee_on(date(2008, 12, 3), terms, PRESIDENCIES)) == ORGANISATIONS


@pytest.mark.parametrize(
    ("day", "president", "designate"),
    [
        (date(2009, 12, 2), [], []),
        (date(2009, 12, 3), [], ["LAO"]),  # designated_on is inclusive
        (date(2010, 11, 8), [], ["LAO"]),
        (date(2010, 11, 9), ["LAO"], []),  # presides_from is inclusive: no longer designate
        (date(2010, 11, 12), ["LAO"], ["LBN"]),
        (date(2011, 9, 11), ["LAO"], ["LBN"]),
        (date(2011, 9, 12), ["LBN"], []),  # presides_until is exclusive
        (date(2011, 9, 15), ["LBN"], []),
        (date(2011, 9, 16), ["LBN"], ["NOR"]),
        (date(2012, 9, 10), ["LBN"], ["NOR"]),
        (date(2012, 9, 11), ["NOR"], []),
        (date(2020, 1, 1), ["NOR"], []),  # presides_until not yet known: still President
    ],
)
def test_cc3_presidency_boundaries(
    day: date, president: list[str], designate: list[str], terms: list[Term]
) -> None:
    """CC-3: the President sits from presides_from (inclusive) until presides_until (exclusive);
    the President-designate from designation until taking office."""
    members = committee_on(day, terms, PRESIDENCIES)
    assert _by(members, "P3.2(a)") == president
    assert _by(members, "P3.2(d)") == designate


def test_cc3_coordinators_follow_the_calendar_year(terms: list[Term]) -> None:
    """CC-3: a coordinator sits from 1 January of the term's first year to 31 December of its
    last: the single-year coordinators of 2012 leave on 1 January 2013, the new ones join."""
    before = committee_on(date(2012, 12, 31), terms, PRESIDENCIES)
    after = committee_on(date(2013, 1, 1), terms, PRESIDENCIES)
    single_year = {lists[1] for lists in FIRST_ROUND.values() if len(lists) == 2}
    assert single_year <= set(_by(before, "P3.2(b)"))
    assert not single_year & set(_by(after, "P3.2(b)"))
    assert set(SECOND_ROUND.values()) <= set(_by(after, "P3.2(b)"))
    assert not set(SECOND_ROUND.values()) & set(_by(before, "P3.2(b)"))
    assert len(_by(before, "P3.2(b)")) == len(_by(after, "P3.2(b)")) == 12
    assert _by(after, "P3.2(c)") == ["MEX", "BEL"]
    assert _by(committee_on(date(2011, 12, 31), terms, PRESIDENCIES), "P3.2(b)") == []


def test_cc3_thematic_coordinators_sit_under_p32c(terms: list[Term]) -> None:
    """CC-3: the thematic coordinators sit under P3.2(c), the working-group ones under (b)."""
    members = committee_on(date(2012, 6, 1), terms, PRESIDENCIES)
    by_state = {m.represents: m for m in members}
    assert by_state["MEX"].paragraph == "P3.2(c)"
    assert by_state["MEX"].basis == "Coordinator, National implementation measures"
    assert by_state["IRQ"].paragraph == "P3.2(b)"
    assert by_state["IRQ"].basis == "Coordinator, Cooperation and assistance"


def test_cc3_catalogue_names_the_seats(terms: list[Term]) -> None:
    """CC-3: with one-year reporting terms, Belgium's 2012–2013 term still sits (the committee
    follows the recorded terms) and its seat is named from the catalogue given."""
    catalogue = mandates(term_years={"reporting": 1})
    members = committee_on(date(2013, 5, 1), terms, PRESIDENCIES, catalogue)
    assert ("BEL", "P3.2(c)") in _seats(members)


def test_cc3_sits_on_committee(terms: list[Term]) -> None:
    """CC-3: sits_on_committee answers for States and organisations on a given day."""
    day = date(2012, 3, 1)
    assert sits_on_committee("LBN", day, terms, PRESIDENCIES)  # President
    assert sits_on_committee("NOR", day, terms, PRESIDENCIES)  # President-designate
    assert sits_on_committee("AUS", day, terms, PRESIDENCIES)  # coordinator (single year)
    assert sits_on_committee("CMC", day, terms, PRESIDENCIES)
    assert sits_on_committee("ICRC", day, terms, PRESIDENCIES)
    assert not sits_on_committee("LAO", day, terms, PRESIDENCIES)  # its presidency is over
    assert not sits_on_committee("THA", day, terms, PRESIDENCIES)
    assert not sits_on_committee("COL", day, terms, PRESIDENCIES)  # elected for 2013–2014
    assert not sits_on_committee(None, day, terms, PRESIDENCIES)
    later = date(2013, 3, 1)
    assert sits_on_committee("COL", later, terms, PRESIDENCIES)
    assert not sits_on_committee("AUS", later, terms, PRESIDENCIES)
    assert not sits_on_committee("LBN", later, terms, PRESIDENCIES)


def test_cc1_chaired_by_the_president_in_office(terms: list[Term]) -> None:
    """CC-1: the President in office chairs the committee and is listed first, under
    P3.2(a); on the day the next meeting opens the chair passes to its President."""
    for day, chair in [(date(2011, 9, 11), "LAO"), (date(2012, 3, 1), "LBN"),
                       (date(2012, 9, 11), "NOR")]:
        members = committee_on(day, terms, PRESIDENCIES)
        assert members[0].represents == chair
        assert members[0].paragraph == "P3.2(a)"
        assert members[0].basis.startswith("President of the ")
        assert [m.paragraph for m in members].count("P3.2(a)") == 1


# --- the committee follows from the record, whatever it holds -------------------------------------

STATES = st.sampled_from(["LAO", "LBN", "NOR", "CHE", "AUS", "IRQ", "CHL", "MEX"])


@st.composite
def _term(draw: st.DrawFn) -> Term:
    first_year = draw(st.integers(2010, 2015))
    return Term(state=draw(STATES), mandate=draw(st.sampled_from(sorted(NAMES))),
                first_year=first_year, last_year=first_year + draw(st.integers(0, 2)))


@st.composite
def _presidency(draw: st.DrawFn) -> Presidency:
    designated = draw(st.dates(date(2009, 1, 1), date(2015, 12, 31)))
    presides_from = designated + timedelta(days=draw(st.integers(0, 500)))
    until = draw(st.none() | st.integers(1, 500))
    return Presidency(
        state=draw(STATES), meeting=draw(st.sampled_from(["2MSP", "3MSP", "1RC"])),
        designated_on=designated, presides_from=presides_from,
        presides_until=None if until is None else presides_from + timedelta(days=until))


@settings(max_examples=100, deadline=None)
@given(day=st.dates(date(2009, 1, 1), date(2018, 12, 31)),
       terms=st.lists(_term(), max_size=12),
       presidencies=st.lists(_presidency(), max_size=3))
def test_cc3_committee_equals_what_the_record_implies(
    day: date, terms: list[Term], presidencies: list[Presidency]
) -> None:
    """CC-3: on any date the committee is exactly the President of the most recent meeting, the
    coordinators in force that year, the Presidents-designate and the three organisations, in
    P3.2's order."""
    expected: Counter[tuple[str, str, str]] = Counter()
    in_office = [p for p in presidencies if p.presides_from <= day
                 and (p.presides_until is None or day < p.presides_until)]
    if in_office:  # CO-3: one President, of the most recent meeting to have opened
        chair = max(in_office, key=lambda p: p.presides_from)
        expected[(chair.state, "P3.2(a)", f"President of the {chair.meeting}")] += 1
    for p in presidencies:
        if p.designated_on <= day < p.presides_from:
            expected[(p.state, "P3.2(d)", f"President-designate of the {p.meeting}")] += 1
    for t in terms:
        if t.first_year <= day.year <= t.last_year:
            paragraph = "P3.2(b)" if t.mandate in WORKING_GROUPS else "P3.2(c)"
            expected[(t.state, paragraph, f"Coordinator, {NAMES[t.mandate]}")] += 1
    expected.update([("ICRC", "P3.2(e)", "Representative"), ("UN", "P3.2(e)", "Representative"),
                     ("CMC", "P3.2(f)", "Representative")])

    members = committee_on(day, terms, presidencies)
    assert Counter((m.represents, m.paragraph, m.basis) for m in members) == expected
    paragraphs = [m.paragraph for m in members]
    assert paragraphs == sorted(paragraphs)  # (a) President … (f) CMC, in P3.2's order
    for represents, _, _ in expected:
        assert sits_on_committee(represents, day, terms, presidencies)
    assert not sits_on_committee("THA", day, terms, presidencies)


def test_co3_an_open_ended_presidency_gives_way_to_the_next() -> None:
    """CO-3, CC-3: the committee has one President, of the most recent meeting: an earlier
    presidency recorded without an end yields when the next President takes office."""
    earlier = Presidency(state="LBN", meeting="2MSP", designated_on=date(2010, 11, 12),
                         presides_from=date(2011, 9, 12))
    later = Presidency(state="NOR", meeting="3MSP", designated_on=date(2011, 9, 16),
                       presides_from=date(2012, 9, 11))
    chairs = [m.represents for m in committee_on(date(2012, 10, 1), [], [earlier, later])
              if m.paragraph == "P3.2(a)"]
    assert chairs == ["NOR"]
    before = committee_on(date(2012, 9, 10), [], [earlier, later])
    assert [(m.represents, m.paragraph) for m in before[:2]] == [("LBN", "P3.2(a)"),
                                                                  ("NOR", "P3.2(d)")]
