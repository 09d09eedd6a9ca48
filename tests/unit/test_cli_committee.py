"""What ``workplan approve|return`` shows a person at a terminal before sending a committee's
decision (CC-5): the committee sitting that day, those named present marked, the quorum; and
the codes it refuses before anything is sent."""

from __future__ import annotations

import pytest

from cli import committee
from cli.common import console
from domain.errors import RuleViolation
from scenarios.scripted import present
from tests.unit.cycle_factory import YEAR, at
from tests.unit.test_scripted_present import DECIDED, with_committee


def test_the_committee_of_the_day_is_shown_with_those_present_marked() -> None:
    state = with_committee("ccm-practice")
    day = at(DECIDED).date()
    chosen = present(state, day)
    with console.capture() as shown:
        committee.show(YEAR, state, day, chosen[:2])
    text = shown.get()
    assert f"The Coordination Committee on {day}" in text
    assert "ccm-practice profile" in text
    # each seat of those present: CHE presides and coordinates, two seats
    assert text.count("✔") == sum(m.represents in chosen[:2] for m in state.committee_on(day))
    assert "observer" in text  # the former President, beside the seeds' committee
    assert f"quorum: {len(chosen) // 2 + 1} members present" in text


def test_a_code_naming_no_one_sitting_is_refused_and_capitals_are_read() -> None:
    state = with_committee("seeds")
    day = at(DECIDED).date()
    assert committee.present_of(" che,ICRC , che") == ("CHE", "ICRC")
    committee.check_sitting(state, day, ("CHE", "ICRC"))
    with pytest.raises(RuleViolation, match=r"^CC-5 .*XYZ did not sit"):
        committee.check_sitting(state, day, ("CHE", "XYZ"))
