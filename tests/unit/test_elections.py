"""Coordinator elections (2MSP Proposal 2): who may be elected, for how long, and how the seats of a
working group are staggered (CO-1, CO-2, CO-4 … CO-7, WG-1 … WG-3), and who holds every seat.

The examples follow the seeds: Lebanon hosted the 2MSP that proposed the structure (Beirut, 2011);
Australia and Iraq coordinated international cooperation and assistance in 2017 (7MSP ¶9);
Thailand hosted the Bangkok workshop but is not a party (7MSP ¶8).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.convention import Registry, shipped_registry
from domain.election_rules import validate_election
from domain.elections import (
    ElectionResult,
    NecessityException,
    Term,
    holders,
    plan_first_round,
    seat_table,
    seats_open,
)
from domain.errors import RuleViolation, RuleWarning
from domain.mandates import DEFAULT_MANDATES, mandate, mandates
from domain.rules import RULES

REGISTRY: Registry = shipped_registry()
WORKING_GROUPS = [m.key for m in DEFAULT_MANDATES if m.is_working_group]
THEMATIC_AREAS = [m.key for m in DEFAULT_MANDATES if not m.is_working_group]

#: The first round, elected by the MSP of 2024 for terms from 2025. In every working group the
#: first named serves 2025–2026 and the second 2025 only (CO-5); each working group has a
#: coordinator from an affected State (CO-6), so the round draws no warning.
FIRST_ROUND: dict[str, list[str]] = {
    "general-status": ["NLD", "LBN"],
    "universalization": ["CHL", "NZL"],
    "victim-assistance": ["AFG", "AUT"],
    "clearance": ["LAO", "NOR"],
    "stockpile-destruction": ["BIH", "ESP"],
    "cooperation-assistance": ["IRQ", "AUS"],
    "national-implementation": ["MEX"],
    "reporting": ["BEL"],
}

#: The MSP of 2025 fills the six single-year seats, for 2026–2027.
SECOND_ROUND: dict[str, str] = {
    "general-status": "COL",
    "universalization": "CAN",
    "victim-assistance": "MOZ",
    "clearance": "HRV",
    "stockpile-destruction": "ITA",
    "cooperation-assistance": "JPN",
}


def _raises(rule_id: str, excinfo: pytest.ExceptionInfo[RuleViolation]) -> str:
    """Assert the refusal's rule id and its citation; return its message for further checks."""
    assert excinfo.value.rule_id == rule_id
    assert excinfo.value.source == RULES[rule_id][0]
    assert str(excinfo.value).startswith(f"{rule_id} (")
    return excinfo.value.message


def _round(msp_year: int, picks: Mapping[str, str | Sequence[str]],
           necessity: tuple[NecessityException, ...] = (),
           length: int = 2) -> ElectionResult:
    """An election by the MSP of ``msp_year``: ``length``-year terms from the next year."""
    terms = []
    for key, chosen in picks.items():
        for iso3 in [chosen] if isinstance(chosen, str) else chosen:
            terms.append(Term(state=iso3, mandate=key, first_year=msp_year + 1,
                              last_year=msp_year + length))
    return ElectionResult(msp_year=msp_year, terms=tuple(terms), necessity=necessity)


def _general_status_left_open(first: ElectionResult) -> list[Term]:
    """The first round, then a 2025 round that leaves LBN's general-status seat vacant in 2026,
    so that both general-status seats are open for 2027."""
    validate_election(first, [], REGISTRY)
    partial = _round(2025, {k: v for k, v in SECOND_ROUND.items() if k != "general-status"})
    validate_election(partial, list(first.terms), REGISTRY)
    return [*first.terms, *partial.terms]


@pytest.fixture
def first() -> ElectionResult:
    return plan_first_round(2024, FIRST_ROUND)


@pytest.fixture
def second() -> ElectionResult:
    return _round(2025, SECOND_ROUND)


@pytest.fixture
def through_2025(first: ElectionResult, second: ElectionResult) -> list[Term]:
    """Every term elected by the MSPs of 2024 and 2025 (both validated)."""
    validate_election(first, [], REGISTRY)
    validate_election(second, list(first.terms), REGISTRY)
    return [*first.terms, *second.terms]


def _third_round(previous: Sequence[Term], **changes: str) -> dict[str, str]:
    """A complete election by the MSP of 2026 (the seats falling vacant in 2027), with
    fresh States (affected ones where a group's continuing coordinator is not), optionally
    changed per mandate."""
    fresh = iter(["SWE", "ALB", "IRL", "PER", "SLE", "ZMB", "GHA", "NGA", "SEN", "TUN"])
    picks = {key: next(fresh) for key, n in seats_open(previous, 2027).items() for _ in range(n)}
    picks.update(changes)
    return picks


# --- the complete rounds themselves --------------------------------------------------------------


def test_complete_first_round_is_accepted_without_warning(first: ElectionResult) -> None:
    """CO-5: the first round planned by plan_first_round, with an affected State in every
    working group, is accepted with no CO-6 warning."""
    assert validate_election(first, [], REGISTRY) == ()
    assert first.terms_begin == 2025
    assert len(first.terms) == 14


def test_complete_later_rounds_are_accepted(through_2025: list[Term]) -> None:
    """CO-4: later rounds that fill exactly the seats falling vacant with two-year terms are
    accepted."""
    third = _round(2026, _third_round(through_2025))
    assert validate_election(third, through_2025, REGISTRY) == ()
    everything = [*through_2025, *third.terms]
    assert all(n == 0 for n in seats_open(everything, 2027).values())


# --- CO-1 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iso3", "standing"),
    [
        ("THA", "is a non-party, not a State Party"),  # 7MSP ¶8: Bangkok host, not a party
        ("KEN", "is a signatory, not a State Party"),
        ("LTU", "is a non-party, not a State Party"),  # withdrew, effective 2025-03-06
        ("XYZ", "is not a State in the registry"),
    ],
)
def test_co1_coordinator_must_come_from_a_state_party(iso3: str, standing: str) -> None:
    """CO-1: a signatory, a non-party or an unknown code cannot be elected coordinator."""
    nominations = {**FIRST_ROUND, "universalization": ["CHL", iso3]}
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(plan_first_round(2024, nominations), [], REGISTRY)
    message = _raises("CO-1", excinfo)
    assert message.startswith(f"{iso3} {standing}")
    assert "Universalization" in message


def test_co1_state_party_is_eligible() -> None:
    """CO-1: Lebanon, a State Party, may coordinate (the registry says so)."""
    assert REGISTRY["LBN"].is_state_party
    assert validate_election(plan_first_round(2024, FIRST_ROUND), [], REGISTRY) == ()


# --- CO-2 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("first_year", [2024, 2026])
def test_co2_term_begins_the_year_after_the_msp(first_year: int) -> None:
    """CO-2: the MSP of 2024 elects terms beginning on 1 January 2025, not in 2024 or 2026."""
    first = plan_first_round(2024, FIRST_ROUND)
    shifted = Term(state="BEL", mandate="reporting", first_year=first_year,
                   last_year=first_year + 1)
    terms = (*(t for t in first.terms if t.mandate != "reporting"), shifted)
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(ElectionResult(msp_year=2024, terms=terms), [], REGISTRY)
    message = _raises("CO-2", excinfo)
    assert "BEL" in message
    assert "1 January 2025" in message
    assert str(first_year) in message


def test_co2_empty_election_refused(through_2025: list[Term]) -> None:
    """CO-2: an MSP that elects no coordinator at all is refused."""
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(ElectionResult(msp_year=2026, terms=()), through_2025, REGISTRY)
    message = _raises("CO-2", excinfo)
    assert "2026" in message
    assert "no coordinator" in message


# --- CO-4 ----------------------------------------------------------------------------------------


def test_co4_two_year_term(first: ElectionResult) -> None:
    """CO-4: every coordinator serves two years; plan_first_round gives the first named (and the
    thematic coordinators) a two-year term."""
    by_state = {t.state: t for t in first.terms}
    assert (by_state["NLD"].first_year, by_state["NLD"].last_year) == (2025, 2026)
    assert by_state["MEX"].length == 2
    assert by_state["BEL"].length == 2
    assert all(m.term_years == 2 for m in mandates().values())


@pytest.mark.parametrize("length", [1, 3])
def test_co4_wrong_length_refused_for_a_thematic_area(length: int) -> None:
    """CO-4: a reporting coordinator given one or three years (default two) is refused."""
    terms = tuple(t for t in plan_first_round(2024, FIRST_ROUND).terms if t.mandate != "reporting")
    bel = Term(state="BEL", mandate="reporting", first_year=2025, last_year=2024 + length)
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(ElectionResult(msp_year=2024, terms=(*terms, bel)), [], REGISTRY)
    message = _raises("CO-4", excinfo)
    assert "BEL" in message
    assert "Reporting serves 2 year(s)" in message


def test_co4_three_year_term_refused_in_a_later_round(through_2025: list[Term]) -> None:
    """CO-4: a later round may not give a working-group coordinator three years."""
    result = _round(2026, _third_round(through_2025), length=3)
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, through_2025, REGISTRY)
    message = _raises("CO-4", excinfo)
    assert "2027–2029 (3 year(s))" in message


def test_co4_one_year_reporting_term_when_the_mandate_says_so() -> None:
    """CO-4: with mandates(term_years={"reporting": 1}) a one-year reporting term is accepted
    (later practice), and the same result is refused under the default two years."""
    catalogue = mandates(term_years={"reporting": 1})
    assert catalogue["reporting"].term_years == 1
    assert catalogue["national-implementation"].term_years == 2
    result = plan_first_round(2024, FIRST_ROUND, catalogue)
    bel = next(t for t in result.terms if t.state == "BEL")
    assert (bel.first_year, bel.last_year) == (2025, 2025)
    assert validate_election(result, [], REGISTRY, catalogue) == ()
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, [], REGISTRY)
    assert "BEL" in _raises("CO-4", excinfo)


def test_co4_two_year_reporting_term_refused_when_the_mandate_gives_one() -> None:
    """CO-4: under a one-year reporting mandate, a two-year reporting term is refused."""
    catalogue = mandates(term_years={"reporting": 1})
    result = plan_first_round(2024, FIRST_ROUND)  # planned with the default two years
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, [], REGISTRY, catalogue)
    message = _raises("CO-4", excinfo)
    assert "Reporting serves 1 year(s)" in message
    assert "BEL" in message


def test_co7_a_renewable_one_year_term_may_be_renewed_by_the_same_state() -> None:
    """CO-7, CO-4: where later practice made a mandate's one-year term renewable, the same State
    may serve it again the next year without a necessity; moving to another mandate may not."""
    catalogue = mandates(term_years={"reporting": 1, "national-implementation": 1},
                         renewable=["reporting", "national-implementation"])
    assert catalogue["reporting"].renewable
    assert not catalogue["clearance"].renewable
    first = plan_first_round(2024, FIRST_ROUND, catalogue)
    validate_election(first, [], REGISTRY, catalogue)
    renewed = _round(2025, {**SECOND_ROUND, "reporting": "BEL", "national-implementation": "MEX"})
    renewed = renewed.model_copy(update={"terms": tuple(
        t.model_copy(update={"last_year": 2026}) if t.mandate in catalogue and
        catalogue[t.mandate].term_years == 1 else t for t in renewed.terms)})
    assert validate_election(renewed, list(first.terms), REGISTRY, catalogue) == ()
    swapped = renewed.model_copy(update={"terms": tuple(
        t.model_copy(update={"state": {"BEL": "MEX", "MEX": "BEL"}.get(t.state, t.state)})
        for t in renewed.terms)})
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(swapped, list(first.terms), REGISTRY, catalogue)
    assert "BEL" in _raises("CO-7", excinfo) or "MEX" in excinfo.value.message


def test_wg1_an_unknown_renewable_mandate_is_refused() -> None:
    """WG-1: naming an unknown mandate as renewable is refused with the valid keys."""
    with pytest.raises(RuleViolation) as excinfo:
        mandates(renewable=["transparency"])
    assert "reporting" in _raises("WG-1", excinfo)


# --- CO-5 ----------------------------------------------------------------------------------------


def test_co5_first_round_is_staggered(first: ElectionResult) -> None:
    """CO-5: in the first round one of two coordinators serves a single year, the other two."""
    for key in WORKING_GROUPS:
        lengths = sorted(t.length for t in first.terms if t.mandate == key)
        assert lengths == [1, 2], key
    by_state = {t.state: t for t in first.terms}
    assert (by_state["LBN"].first_year, by_state["LBN"].last_year) == (2025, 2025)
    assert (by_state["IRQ"].first_year, by_state["IRQ"].last_year) == (2025, 2026)
    assert by_state["AUS"].last_year == 2025


def test_co5_seats_fall_vacant_in_alternate_years(through_2025: list[Term]) -> None:
    """CO-5: after the first round, each working group elects one coordinator a year."""
    assert seats_open(through_2025, 2027) == {
        **{key: 1 for key in WORKING_GROUPS}, **{key: 1 for key in THEMATIC_AREAS}}
    assert seats_open(through_2025, 2026) == {key: 0 for key in mandates()}


def test_co5_both_two_year_terms_in_first_round_refused() -> None:
    """CO-5: two first-round coordinators of a group who would both serve 2025–2026 are
    refused."""
    first = plan_first_round(2024, FIRST_ROUND)
    terms = tuple(t.model_copy(update={"last_year": 2026}) if t.state == "AUS" else t
                  for t in first.terms)
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(ElectionResult(msp_year=2024, terms=terms), [], REGISTRY)
    message = _raises("CO-5", excinfo)
    assert "IRQ" in message
    assert "AUS" in message
    assert "2026" in message


def test_co5_both_ending_the_same_year_in_a_later_round_refused(first: ElectionResult) -> None:
    """CO-5: a group whose two seats are both open (one left vacant a year) may not fill them
    with terms that end in the same year."""
    previous = _general_status_left_open(first)
    assert seats_open(previous, 2027)["general-status"] == 2
    both = _round(2026, _third_round(previous, **{"general-status": "SWE"}))
    both = both.model_copy(update={"terms": (*both.terms, Term(
        state="DNK", mandate="general-status", first_year=2027, last_year=2028))})
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(both, previous, REGISTRY)
    message = _raises("CO-5", excinfo)
    assert "SWE" in message
    assert "DNK" in message
    assert "2028" in message


def test_co5_single_year_outside_the_first_round_refused_as_co4(first: ElectionResult) -> None:
    """CO-5: a single-year term is allowed only in the first round; later it is refused (CO-4)."""
    short = _round(2025, SECOND_ROUND, length=1)
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(short, list(first.terms), REGISTRY)
    message = _raises("CO-4", excinfo)
    assert "COL" in message
    assert "2026–2026 (1 year(s))" in message


def test_co5_staggering_by_a_single_year_only_in_the_first_round(
    first: ElectionResult,
) -> None:
    """CO-5: a group whose two seats are both open later may not re-stagger them with a
    single-year term beside a two-year one; that is allowed in the first round only (CO-4)."""
    previous = _general_status_left_open(first)
    result = _round(2026, _third_round(previous, **{"general-status": "SWE"}))
    result = result.model_copy(update={"terms": (*result.terms, Term(
        state="DNK", mandate="general-status", first_year=2027, last_year=2027))})
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, previous, REGISTRY)
    message = _raises("CO-4", excinfo)
    assert "DNK was given 2027–2027 (1 year(s))" in message


def test_co5_single_year_without_a_full_term_partner_refused() -> None:
    """CO-5: in the first round a lone coordinator of a group may not serve a single year."""
    terms = tuple(t for t in plan_first_round(2024, FIRST_ROUND).terms if t.state != "NLD")
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(ElectionResult(msp_year=2024, terms=terms), [], REGISTRY)
    message = _raises("CO-4", excinfo)
    assert "LBN" in message


# --- CO-6 ----------------------------------------------------------------------------------------


def test_co6_group_without_affected_state_is_a_warning_not_a_refusal() -> None:
    """CO-6: a working group with no coordinator from an affected State is accepted, with one
    recorded warning naming the group."""
    nominations = {**FIRST_ROUND, "cooperation-assistance": ["AUS", "CAN"]}
    assert not REGISTRY["AUS"].affected
    assert not REGISTRY["CAN"].affected
    warnings = validate_election(plan_first_round(2024, nominations), [], REGISTRY)
    assert [w.rule_id for w in warnings] == ["CO-6"]
    assert "Cooperation and assistance" in warnings[0].message
    assert "2025" in warnings[0].message
    assert warnings[0].source == RULES["CO-6"][0]


def test_co6_does_not_concern_thematic_areas(first: ElectionResult) -> None:
    """CO-6: thematic areas led by non-affected States (Mexico, Belgium) draw no warning."""
    assert not REGISTRY["MEX"].affected
    assert not REGISTRY["BEL"].affected
    assert validate_election(first, [], REGISTRY) == ()


def test_co6_warns_once_per_working_group() -> None:
    """CO-6: every working group without an affected coordinator draws its own warning."""
    nominations = {
        **FIRST_ROUND,
        "general-status": ["NLD", "BEL"],
        "clearance": ["CAN", "SWE"],
        "reporting": ["DNK"],
    }
    warnings = validate_election(plan_first_round(2024, nominations), [], REGISTRY)
    assert [w.rule_id for w in warnings] == ["CO-6", "CO-6"]
    assert "General status" in warnings[0].message
    assert "Clearance" in warnings[1].message


# --- CO-7 ----------------------------------------------------------------------------------------


def test_co7_no_coordinator_in_the_term_right_after(through_2025: list[Term]) -> None:
    """CO-7: a State that coordinated victim assistance in 2025–2026 may not coordinate
    universalization in 2027–2028 without a recorded necessity."""
    result = _round(2026, _third_round(through_2025, universalization="AFG"))
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, through_2025, REGISTRY)
    message = _raises("CO-7", excinfo)
    assert message.startswith("AFG provided the victim-assistance coordinator for 2025–2026")
    assert "universalization" in message
    assert "2027–2028" in message


def test_co7_same_theme_right_after_refused(through_2025: list[Term]) -> None:
    """CO-7: re-electing the Netherlands to general status right after its term is refused."""
    result = _round(2026, _third_round(through_2025, **{"general-status": "NLD"}))
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, through_2025, REGISTRY)
    assert "NLD" in _raises("CO-7", excinfo)


def test_co7_applies_after_a_single_year_first_round_term(first: ElectionResult) -> None:
    """CO-7: Lebanon, single-year coordinator in 2025, may not take a seat for 2026–2027."""
    result = _round(2025, {**SECOND_ROUND, "clearance": "LBN"})
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, list(first.terms), REGISTRY)
    message = _raises("CO-7", excinfo)
    assert "LBN provided the general-status coordinator for 2025–2025" in message


def test_co7_accepted_with_a_recorded_necessity(through_2025: list[Term]) -> None:
    """CO-7: the same election is accepted when the MSP records why it is necessary."""
    reason = "no other State Party stood for the seat at the 2026 MSP"
    result = _round(2026, _third_round(through_2025, universalization="AFG"), necessity=(
        NecessityException(state="AFG", mandate="universalization", reason=reason),))
    assert validate_election(result, through_2025, REGISTRY) == ()
    assert result.necessity[0].reason == reason


def test_co7_necessity_for_another_mandate_does_not_excuse(through_2025: list[Term]) -> None:
    """CO-7: a necessity recorded for another mandate does not excuse the election."""
    result = _round(2026, _third_round(through_2025, universalization="AFG"), necessity=(
        NecessityException(state="AFG", mandate="victim-assistance", reason="continuity"),))
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, through_2025, REGISTRY)
    assert "AFG" in _raises("CO-7", excinfo)


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
def test_co7_necessity_needs_a_reason(reason: str) -> None:
    """CO-7: a necessity exception with a blank reason is rejected when it is built."""
    with pytest.raises(ValidationError) as excinfo:
        NecessityException(state="AFG", mandate="universalization", reason=reason)
    assert "reason" in str(excinfo.value)


def test_co7_unused_necessity_exception_refused(through_2025: list[Term]) -> None:
    """CO-7: a necessity exception recorded for a State not elected right after its own term is
    refused."""
    result = _round(2026, _third_round(through_2025), necessity=(
        NecessityException(state="CHL", mandate="universalization", reason="continuity"),))
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, through_2025, REGISTRY)
    message = _raises("CO-7", excinfo)
    assert message.startswith("a necessity exception is recorded for CHL on universalization")


def test_co7_state_whose_term_ended_two_years_earlier_is_eligible(
    through_2025: list[Term],
) -> None:
    """CO-7: Lebanon, whose term ended in 2025, may coordinate again from 2027."""
    assert max(t.last_year for t in through_2025 if t.state == "LBN") == 2025
    result = _round(2026, _third_round(through_2025, universalization="LBN"))
    assert validate_election(result, through_2025, REGISTRY) == ()


# --- WG-1 ----------------------------------------------------------------------------------------


def test_wg1_six_working_groups_and_two_thematic_areas() -> None:
    """WG-1: the catalogue has the six working groups (a)–(f) and two thematic areas."""
    assert [m.letter for m in DEFAULT_MANDATES if m.is_working_group] == list("abcdef")
    assert THEMATIC_AREAS == ["national-implementation", "reporting"]
    assert all(m.max_seats == 2 for m in DEFAULT_MANDATES if m.is_working_group)
    assert all(m.max_seats == 1 for m in DEFAULT_MANDATES if not m.is_working_group)


def test_wg1_unknown_mandate_refused_in_an_election(first: ElectionResult) -> None:
    """WG-1: a term for a mandate that does not exist is refused, naming the key."""
    bogus = Term(state="CHE", mandate="gender-and-diversity", first_year=2025, last_year=2026)
    result = first.model_copy(update={"terms": (*first.terms, bogus)})
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, [], REGISTRY)
    message = _raises("WG-1", excinfo)
    assert "'gender-and-diversity'" in message
    assert "universalization" in message


def test_wg1_unknown_mandate_refused_everywhere() -> None:
    """WG-1: mandate(), mandates(term_years=...) and plan_first_round refuse an unknown key."""
    with pytest.raises(RuleViolation) as excinfo:
        mandate("transparency")
    assert "'transparency'" in _raises("WG-1", excinfo)
    with pytest.raises(RuleViolation) as excinfo:
        mandates(term_years={"transparency": 1})
    assert "'transparency'" in _raises("WG-1", excinfo)
    with pytest.raises(RuleViolation) as excinfo:
        plan_first_round(2024, {**FIRST_ROUND, "transparency": ["CHE"]})
    assert "'transparency'" in _raises("WG-1", excinfo)


# --- WG-2 ----------------------------------------------------------------------------------------


def test_wg2_three_coordinators_refused_when_planned() -> None:
    """WG-2: plan_first_round refuses three coordinators for one working group."""
    with pytest.raises(RuleViolation) as excinfo:
        plan_first_round(2024, {**FIRST_ROUND, "clearance": ["LAO", "NOR", "LBN"]})
    message = _raises("WG-2", excinfo)
    assert "Clearance and risk reduction takes 1 to 2" in message
    assert "3 were nominated" in message


def test_wg2_no_coordinator_refused_when_planned() -> None:
    """WG-2: plan_first_round refuses a working group with nobody nominated."""
    with pytest.raises(RuleViolation) as excinfo:
        plan_first_round(2024, {**FIRST_ROUND, "clearance": []})
    assert "0 were nominated" in _raises("WG-2", excinfo)


def test_wg2_third_coordinator_in_a_later_round_refused(first: ElectionResult) -> None:
    """WG-2: electing two coordinators for the one open seat of a group is refused."""
    result = _round(2025, {**SECOND_ROUND, "clearance": ["HRV", "SWE"]})
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, list(first.terms), REGISTRY)
    message = _raises("WG-2", excinfo)
    assert "3 coordinators in 2026" in message
    assert "LAO" in message
    assert "HRV" in message
    assert "SWE" in message


def test_wg2_same_state_twice_in_a_group_refused() -> None:
    """WG-2: Switzerland may not hold both seats of general status."""
    result = plan_first_round(2024, {**FIRST_ROUND, "general-status": ["CHE", "CHE"]})
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, [], REGISTRY)
    message = _raises("WG-2", excinfo)
    assert "CHE would hold both seats" in message
    assert "2025" in message


def test_wg2_same_state_as_a_continuing_coordinator_refused(first: ElectionResult) -> None:
    """WG-2: a State already in a group's continuing seat may not take the other seat."""
    result = _round(2025, {**SECOND_ROUND, "general-status": "NLD"})
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, list(first.terms), REGISTRY)
    assert "NLD would hold both seats" in _raises("WG-2", excinfo)


def test_wg2_group_left_without_coordinator_refused() -> None:
    """WG-2: a first round that leaves clearance without a coordinator is refused."""
    nominations = {k: v for k, v in FIRST_ROUND.items() if k != "clearance"}
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(plan_first_round(2024, nominations), [], REGISTRY)
    message = _raises("WG-2", excinfo)
    assert "Clearance and risk reduction would have no coordinator in 2025" in message


def test_wg2_group_left_without_coordinator_in_a_later_round_refused(
    first: ElectionResult,
) -> None:
    """WG-2: a group whose both seats fall vacant must be given a coordinator."""
    partial = _round(2025, {k: v for k, v in SECOND_ROUND.items() if k != "clearance"})
    validate_election(partial, list(first.terms), REGISTRY)
    previous = [*first.terms, *partial.terms]
    picks = {k: v for k, v in _third_round(previous).items() if k != "clearance"}
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(_round(2026, picks), previous, REGISTRY)
    assert "Clearance and risk reduction would have no coordinator in 2027" in _raises(
        "WG-2", excinfo)


# --- WG-3 ----------------------------------------------------------------------------------------


def test_wg3_two_coordinators_for_a_thematic_area_refused_when_planned() -> None:
    """WG-3: plan_first_round refuses two coordinators for reporting."""
    with pytest.raises(RuleViolation) as excinfo:
        plan_first_round(2024, {**FIRST_ROUND, "reporting": ["BEL", "CHE"]})
    message = _raises("WG-3", excinfo)
    assert "Reporting takes 1 to 1" in message


def test_wg3_two_coordinators_for_a_thematic_area_refused(first: ElectionResult) -> None:
    """WG-3: a second two-year reporting coordinator is refused."""
    extra = Term(state="CHE", mandate="reporting", first_year=2025, last_year=2026)
    result = first.model_copy(update={"terms": (*first.terms, extra)})
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(result, [], REGISTRY)
    message = _raises("WG-3", excinfo)
    assert "Reporting would have 2 coordinators in 2025" in message
    assert "BEL" in message
    assert "CHE" in message


def test_wg3_thematic_area_left_without_coordinator_refused(through_2025: list[Term]) -> None:
    """WG-3: the MSP of 2026 must elect the reporting coordinator for 2027."""
    picks = {k: v for k, v in _third_round(through_2025).items() if k != "reporting"}
    with pytest.raises(RuleViolation) as excinfo:
        validate_election(_round(2026, picks), through_2025, REGISTRY)
    assert "Reporting would have no coordinator in 2027" in _raises("WG-3", excinfo)


# --- who holds every seat ------------------------------------------------------------------------


def test_seat_table_after_the_first_round(first: ElectionResult) -> None:
    """CO-5: seat_table lists every seat of every mandate in 2025, none vacant."""
    table = seat_table(first.terms, 2025)
    assert len(table) == 14
    assert [(h.mandate, h.seat) for h in table][:3] == [
        ("general-status", 1), ("general-status", 2), ("universalization", 1)]
    assert all(h.term is not None for h in table)
    general = [h.term.state for h in table if h.mandate == "general-status" and h.term]
    assert sorted(general) == ["LBN", "NLD"]
    reporting = [h for h in table if h.mandate == "reporting"]
    assert len(reporting) == 1
    assert reporting[0].term is not None
    assert reporting[0].term.state == "BEL"


def test_seat_table_shows_vacant_seats(first: ElectionResult) -> None:
    """CO-5: in 2026 the single-year seats of the first round are vacant until filled."""
    table = seat_table(first.terms, 2026)
    vacant = sorted(h.mandate for h in table if h.term is None)
    assert vacant == sorted(WORKING_GROUPS)
    table_2027 = seat_table(first.terms, 2027)
    assert all(h.term is None for h in table_2027)


def test_seat_table_follows_the_terms_year_by_year(through_2025: list[Term]) -> None:
    """CO-5: who holds the cooperation and assistance seats each year follows from the terms."""
    def coop(year: int) -> list[str | None]:
        return [h.term.state if h.term else None for h in seat_table(through_2025, year)
                if h.mandate == "cooperation-assistance"]

    assert sorted(s for s in coop(2025) if s) == ["AUS", "IRQ"]
    assert coop(2026) == ["IRQ", "JPN"]  # seat 1: the longer-serving coordinator
    assert coop(2027) == ["JPN", None]
    assert coop(2024) == [None, None]


def test_seat_table_with_a_one_year_reporting_catalogue() -> None:
    """CO-4: with one-year reporting terms the reporting seat is vacant in the second year."""
    catalogue = mandates(term_years={"reporting": 1})
    first = plan_first_round(2024, FIRST_ROUND, catalogue)
    reporting = [h for h in seat_table(first.terms, 2026, catalogue) if h.mandate == "reporting"]
    assert [h.term for h in reporting] == [None]
    assert seats_open(first.terms, 2026, catalogue)["reporting"] == 1
    assert seats_open(first.terms, 2026)["national-implementation"] == 0


def test_holders_by_mandate(through_2025: list[Term]) -> None:
    """CO-5: holders gives the terms in force in a year by mandate, ordered by first year."""
    in_2026 = holders(through_2025, 2026)
    assert set(in_2026) == set(mandates())
    assert [t.state for t in in_2026["victim-assistance"]] == ["AFG", "MOZ"]
    assert [t.state for t in in_2026["reporting"]] == ["BEL"]
    assert holders(through_2025, 2024) == {}
    assert set(holders(through_2025, 2027)) == set(WORKING_GROUPS)


def test_seats_open(first: ElectionResult, through_2025: list[Term]) -> None:
    """WG-2: seats_open is what the next MSP has to elect, per mandate."""
    assert seats_open([], 2025) == {m.key: m.max_seats for m in DEFAULT_MANDATES}
    assert seats_open(first.terms, 2025) == {key: 0 for key in mandates()}
    assert seats_open(first.terms, 2026) == {
        **{key: 1 for key in WORKING_GROUPS}, **{key: 0 for key in THEMATIC_AREAS}}
    assert sum(seats_open(through_2025, 2027).values()) == 8


def test_term_cannot_end_before_it_starts() -> None:
    """CO-4: a term that ends before it starts cannot even be recorded."""
    with pytest.raises(ValidationError):
        Term(state="CHE", mandate="reporting", first_year=2026, last_year=2025)
    assert Term(state="CHE", mandate="reporting", first_year=2026, last_year=2026).length == 1


# --- properties ----------------------------------------------------------------------------------

STATES_PARTIES = sorted(s.iso3 for s in REGISTRY.states_parties())


def _eligible(terms: Collection[Term], msp_year: int) -> list[str]:
    """States Parties holding no seat in ``msp_year`` or later: no CO-7 or WG-2 conflict."""
    busy = {t.state for t in terms if t.last_year >= msp_year}
    return [s for s in STATES_PARTIES if s not in busy]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), later_rounds=st.integers(min_value=1, max_value=8))
def test_co5_seats_of_a_group_never_expire_in_the_same_year(
    data: st.DataObject, later_rounds: int
) -> None:
    """CO-5: after the first round, the two seats of a two-coordinator group never expire in the
    same year, through any sequence of valid yearly elections."""
    pool = data.draw(st.permutations(STATES_PARTIES))
    sizes = {key: data.draw(st.integers(1, 2)) if key in WORKING_GROUPS else 1
             for key in mandates()}
    drawn = iter(pool)
    nominations = {key: [next(drawn) for _ in range(n)] for key, n in sizes.items()}
    result = plan_first_round(2024, nominations)
    validate_election(result, [], REGISTRY)
    terms = list(result.terms)
    for msp_year in range(2025, 2025 + later_rounds):
        open_seats = seats_open(terms, msp_year + 1)
        needed = sum(open_seats.values())
        candidates = data.draw(st.permutations(_eligible(terms, msp_year)))
        assert len(candidates) >= needed
        chosen = iter(candidates)
        new = tuple(Term(state=next(chosen), mandate=key, first_year=msp_year + 1,
                         last_year=msp_year + 2)
                    for key, n in open_seats.items() for _ in range(n))
        validate_election(ElectionResult(msp_year=msp_year, terms=new), terms, REGISTRY)
        terms += new
    last = max(t.last_year for t in terms)
    for year in range(2025, last + 1):
        in_force = holders(terms, year)
        for key in WORKING_GROUPS:
            ends = [t.last_year for t in in_force.get(key, [])]
            assert len(ends) == len(set(ends)), (key, year, ends)
            if year <= 2025 + later_rounds:
                # every seat filled through the elected years: one seat turns over each year
                assert len(ends) == 2 or (sizes[key] == 1 and year == 2025)


MSP_YEARS = st.integers(min_value=2023, max_value=2027)
ANY_STATE = st.sampled_from([*STATES_PARTIES[:12], "THA", "KEN", "LTU", "XYZ", "LBN", "CHL"])
ANY_MANDATE = st.sampled_from([*mandates(), "transparency"])


@st.composite
def _terms(draw: st.DrawFn, msp_year: int) -> Term:
    first_year = draw(st.integers(msp_year - 1, msp_year + 2))
    return Term(state=draw(ANY_STATE), mandate=draw(ANY_MANDATE), first_year=first_year,
                last_year=first_year + draw(st.integers(0, 2)))


@st.composite
def _elections(draw: st.DrawFn) -> ElectionResult:
    msp_year = draw(MSP_YEARS)
    terms = draw(st.lists(_terms(msp_year), max_size=10))
    necessity = draw(st.lists(st.builds(
        NecessityException, state=ANY_STATE, mandate=ANY_MANDATE,
        reason=st.just("no other candidate")), max_size=2))
    return ElectionResult(msp_year=msp_year, terms=tuple(terms), necessity=tuple(necessity))


@settings(max_examples=100, deadline=None)
@given(result=_elections(), with_history=st.booleans(), one_year_reporting=st.booleans())
def test_any_election_is_accepted_or_refused_with_a_known_rule(
    result: ElectionResult, with_history: bool, one_year_reporting: bool
) -> None:
    """CO-2: any election result is either accepted (with CO-6 warnings only) or refused with a
    rule id from the catalogue; never another kind of error."""
    catalogue = mandates(term_years={"reporting": 1} if one_year_reporting else None)
    previous = list(plan_first_round(2022, FIRST_ROUND, catalogue).terms) if with_history else []
    refusal: RuleViolation | None = None
    warnings: tuple[RuleWarning, ...] = ()
    try:
        warnings = validate_election(result, previous, REGISTRY, catalogue)
    except RuleViolation as caught:
        refusal = caught
    if refusal is not None:
        assert refusal.rule_id in RULES
        assert refusal.source == RULES[refusal.rule_id][0]
        assert refusal.message
        assert warnings == ()
    else:
        assert result.terms
        assert all(w.rule_id == "CO-6" for w in warnings)
        assert all(REGISTRY[t.state].is_state_party for t in result.terms)
        assert all(t.first_year == result.msp_year + 1 for t in result.terms)
