"""Human words: every event as a sentence (one function per event type, never its type's
name), roles and phases in plain words, States by name, money and days by locale; the work
plan a decision is on read from the events, with what changed since the version returned;
the committee of a cycle's page on the cycle's own dates."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

from api.cycles import committee
from api.dashboard import cycle_day
from api.pages import templates
from domain import coalition_events, events, silence_events
from domain.calendar import default_calendar
from domain.committee import Presidency
from domain.convention import Role
from domain.elections import Term
from domain.state import CycleState, Phase
from i18n import speaking
from reading import words
from reading.sentences import SENTENCES, sentence

CAMEL = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b")


def event_types() -> set[str]:
    found: set[str] = set()
    for module in (events, coalition_events, silence_events):
        for name in dir(module):
            model = getattr(module, name)
            fields = getattr(model, "model_fields", {})
            if "type" in fields:
                found.update(a for a in get_args(fields["type"].annotation) if isinstance(a, str))
    return found


def test_every_event_type_has_its_sentence() -> None:
    types = event_types()
    assert len(types) > 30
    assert types == set(SENTENCES)


def test_an_election_reads_as_a_sentence_with_the_state_by_name() -> None:
    said = sentence({"type": "CoordinatorsElected", "election": {"msp_year": 2018, "terms": [
        {"state": "AUT", "mandate": "victim-assistance", "first_year": 2019,
         "last_year": 2020}]}, "standings": [], "warnings": []})
    assert said == "Austria, coordinator for victim assistance, was elected for 2019–2020."


def test_a_payload_of_another_shape_is_said_in_words_not_by_its_type() -> None:
    assert sentence({"type": "WorkplanDrafted"}) == "Workplan drafted."
    assert not CAMEL.search(sentence({"type": "SomethingUnforeseen", "x": 1}))


def test_roles_phases_and_letters_in_plain_words() -> None:
    assert words.role(Role.COMMITTEE_MEMBER) == "a committee member"
    assert words.phase(Phase.MSP_DECISION) == "the MSP's decision"
    assert words.letter("h") == "(h) submit a committee-approved work plan and budget to each MSP"
    assert words.state("LAO").startswith("Lao People")
    assert words.state("ICRC") == "the International Committee of the Red Cross"
    for value in [*Role, *Phase]:
        shown = words.role(value) if value in set(Role) else words.phase(value)
        assert "_" not in shown


def test_money_and_days_by_the_language_of_the_moment() -> None:
    assert words.money(Decimal("697000.00"), "CHF") == "CHF697,000.00"
    assert words.day(date(2027, 9, 3)) == "September 3, 2027"
    with speaking("fr"):
        assert words.day("2027-09-03") == "3 septembre 2027"
        assert words.money("697000", "CHF").replace("\u202f", " ").replace("\xa0", " ") == (
            "697 000,00 CHF")


def _root() -> Path:
    return Path(__file__).resolve().parents[2]


def test_the_timeline_template_shows_no_event_type(tmp_path: Path) -> None:
    """The dashboard's timeline as it renders: a sentence per event, the actor's role in
    words, the type only as data (``data-type``)."""

    entries: list[Any] = [{"position": 1, "recorded_at": "2027-01-01T00:00:00", "type":
                           "IntersessionalMeetingHeld", "actor": "Isabel Unit", "role": "isu",
                           "hash": "a" * 64, "payload": {"type": "IntersessionalMeetingHeld",
                                                         "records_reference": "ISU/2027/IM"}}]
    html = templates.get_template("_timeline.html").render(timeline=entries)
    visible = re.sub(r"<[^>]+>", " ", html)
    assert "The intersessional meeting was held; its records: ISU/2027/IM." in visible
    assert "Isabel Unit, as the Implementation Support Unit" in visible
    assert not CAMEL.search(visible), visible


def _year(year: int, coordinator: str, presiding: str) -> Any:

    calendar = default_calendar(year)
    return CycleState(year=year, calendar=calendar, terms=(
        Term(state=coordinator, mandate="victim-assistance", first_year=year,
             last_year=year + 1),), presidencies=(Presidency(
                 state=presiding, meeting=f"Meeting of States Parties of {year - 1}",
                 designated_on=calendar.opening_msp.replace(year=year - 1),
                 presides_from=calendar.opening_msp.replace(day=1)),))


def test_a_cycle_page_shows_the_committee_as_it_sat_on_the_cycles_dates() -> None:
    """Two past years: each page's committee is the one on that cycle's committee day, with
    that year's coordinator and President; not today's, which holds neither."""

    today = date(2031, 6, 1)
    shown = {}
    for year, coordinator, presiding in ((2019, "AUT", "NOR"), (2023, "IRQ", "MEX")):
        state = _year(year, coordinator, presiding)
        day = cycle_day(state, today)
        assert day == state.calendar.committee_due
        seated = committee(year, state, day)
        shown[year] = {seat.represents for seat in seated.seats}
        assert {coordinator, presiding} <= shown[year]
        assert seated.chair == presiding
        # today, the coordinator's term is long over (the presidency, recorded with no end,
        # runs on)
        assert coordinator not in {s.represents for s in committee(year, state, today).seats}
    assert shown[2019] != shown[2023]
    running = _year(2030, "AUT", "NOR")  # a cycle running on the day: that day's committee
    inside = running.calendar.committee_due
    assert cycle_day(running, inside) == inside
