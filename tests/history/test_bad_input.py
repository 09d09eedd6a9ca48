"""Bad input: each refusal one sentence with the file's line and the rule id, and nothing of
the refused year recorded (a file that breaks its format: nothing at all)."""

from __future__ import annotations

import pytest

from tests.history.conftest import Recorder, line_of, three_years

NLD_2014 = "{state: NLD, mandate: general-status, elected_at: 4msp"
BEL_2014 = "{state: BEL, mandate: general-status, elected_at: 4msp"


def _case(name: str) -> tuple[str, str, int, str]:
    """(the file, the rule id, the line, a phrase of the message) for a case ``name``."""
    text = three_years()
    if name == "malformed":
        bad = text.replace("    opened_at: 3msp\n", "    opened_at: [3msp\n")
        return bad, "HI-1", line_of(bad, "closed_at: 4msp"), "not well-formed YAML"
    if name == "unknown-state":
        bad = text.replace("{state: SWE,", "{state: XYZ,")
        return bad, "HI-1", line_of(bad, "{state: XYZ,"), "unknown State 'XYZ'"
    if name == "out-of-order":
        bad = text.replace("{first_day: 2013-04-15, last_day: 2013-04-18",
                           "{first_day: 2013-04-18, last_day: 2013-04-15")
        return bad, "HI-1", line_of(bad, "2013-04-18, last_day"), "dates out of order"
    if name == "unknown-meeting":
        bad = text.replace("closed_at: 5msp", "closed_at: 6msp")
        return bad, "HI-1", line_of(bad, "closed_at: 6msp"), "unknown meeting key '6msp'"
    if name == "unknown-source":
        bad = text.replace("source: synthetic}\n", "source: nowhere}\n", 1)
        return bad, "HI-1", line_of(bad, "source: nowhere}"), "unknown source key 'nowhere'"
    if name == "other-format":
        bad = text.replace("intersessional-history/1", "intersessional-history/2")
        return bad, "HI-1", line_of(bad, "format:"), "intersessional-history/2"
    if name == "unknown-field":
        bad = text.replace("    intersessional_meeting: 2013-ism\n",
                           "    intersessional_meeting: 2013-ism\n    chair: NOR\n")
        return bad, "HI-1", line_of(bad, "chair: NOR"), "Extra inputs are not permitted"
    raise AssertionError(name)


@pytest.mark.parametrize("name", ["malformed", "unknown-state", "out-of-order",
                                  "unknown-meeting", "unknown-source", "other-format",
                                  "unknown-field"])
def test_a_file_that_breaks_its_format_is_refused_whole(recorder: Recorder, name: str
                                                        ) -> None:
    text, rule, line, phrase = _case(name)
    done = recorder.run(text)
    assert done.refusal is not None
    assert (done.refusal.rule_id, done.refusal.line) == (rule, line), done.refusal.message
    assert phrase in done.refusal.message
    sentence = done.refusal.sentence("f.yaml")
    assert sentence.startswith(f"{rule}: f.yaml, line {line}: ")
    assert "\n" not in sentence
    assert recorder.ledger.head() == 0


def test_a_year_that_breaks_a_rule_is_refused_whole_and_the_years_before_stay(
        recorder: Recorder) -> None:
    # BEL served general status 2012-2013: elected again for 2014 without necessity (CO-7)
    text = three_years().replace(NLD_2014, BEL_2014)
    done = recorder.run(text)
    assert done.refusal is not None
    assert (done.refusal.rule_id, done.refusal.year) == ("CO-7", 2014)
    assert done.refusal.line == line_of(text, BEL_2014)
    assert [y.outcome for y in done.years] == ["recorded", "recorded", "refused"]
    assert recorder.ledger.read_stream("cycle-2014") == []
    assert len(recorder.ledger.read_stream("cycle-2013")) == 6
    # the file corrected, the import goes on from the year refused
    again = recorder.run(three_years())
    assert [y.outcome for y in again.years] == ["already recorded", "already recorded",
                                                "recorded"]


def test_the_necessity_the_file_records_lets_the_slate_pass(recorder: Recorder) -> None:
    text = three_years().replace(NLD_2014, BEL_2014).replace(
        "    no_intersessional_meeting:",
        "    necessity:\n      - {state: BEL, mandate: general-status, reason: \"no other "
        "State stood (synthetic)\", source: synthetic}\n    no_intersessional_meeting:")
    done = recorder.run(text)
    assert done.refusal is None, done.refusal and done.refusal.message
    assert [y.outcome for y in done.years] == ["recorded"] * 3


def test_an_unneeded_necessity_is_refused_at_its_line(recorder: Recorder) -> None:
    text = three_years().replace(
        "    no_intersessional_meeting:",
        "    necessity:\n      - {state: NLD, mandate: general-status, reason: \"not needed\", "
        "source: synthetic}\n    no_intersessional_meeting:")
    done = recorder.run(text)
    assert done.refusal is not None
    assert (done.refusal.rule_id, done.refusal.year) == ("CO-7", 2014)
    assert done.refusal.line == line_of(text, "{state: NLD, mandate: general-status, reason")
    assert recorder.ledger.read_stream("cycle-2014") == []


def test_a_term_without_its_years_is_refused_at_its_line(recorder: Recorder) -> None:
    text = three_years().replace("{state: SWE, mandate: cooperation-assistance, elected_at: "
                                 "3msp, first_year: 2013, last_year: 2014",
                                 "{state: SWE, mandate: cooperation-assistance, elected_at: "
                                 "3msp, first_year: 2013, last_year: null")
    done = recorder.run(text)
    assert done.refusal is not None
    assert (done.refusal.rule_id, done.refusal.year) == ("HI-1", 2013)
    assert done.refusal.line == line_of(text, "{state: SWE,")
    assert [y.outcome for y in done.years] == ["recorded", "refused", "not attempted"]
