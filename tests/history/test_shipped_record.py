"""The Convention's record 2011–2020 shipped with the engine: it imports whole, with CO-7
necessity flags exactly where the real slates needed them, and the machinery on any day of
those years reads back as the sources name it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from babel.dates import format_interval

from audit.crosscheck import compare
from audit.report import report_html
from audit.verification import verify_ledger
from domain.kinds import CYCLE
from reading.on_day import on_day
from recovery.survey import needs_workflow
from tests.history.conftest import Recorder

SHIPPED = Path(__file__).parents[2] / "history" / "data" / "ccm-2011-2020.yaml"


def _text() -> str:
    return SHIPPED.read_text(encoding="utf-8")


def test_the_shipped_record_imports_whole_and_verifies(recorder: Recorder) -> None:
    done = recorder.run(_text())
    assert done.refusal is None, done.refusal and done.refusal.sentence("shipped")
    assert [y.year for y in done.years] == list(range(2012, 2021))
    assert all(y.outcome == "recorded" for y in done.years)
    assert recorder.ledger.streams("cycle-") == [f"cycle-{y}" for y in range(2012, 2021)]
    verified = verify_ledger(recorder.engine, None, keyring=recorder.keyring)
    assert verified.intact, verified
    again = recorder.run(_text())
    assert [y.outcome for y in again.years] == ["already recorded"] * 9


def test_co7_flags_stand_exactly_where_the_real_slates_needed_them(
        sqlite_recorder: Recorder) -> None:
    """Each necessity exception the file records is needed: without it the year is refused
    CO-7 at that coordinator's line (an unneeded one would be refused too)."""
    document = yaml.safe_load(_text())
    flagged = [(y["year"], n["state"], n["mandate"]) for y in document["years"]
               for n in y["necessity"]]
    assert flagged == [(2013, "LAO", "clearance"), (2013, "ESP", "stockpile-destruction"),
                       (2014, "MEX", "victim-assistance"), (2014, "BEL", "reporting"),
                       (2014, "NZL", "national-implementation")]
    dry = sqlite_recorder.run(_text(), dry_run=True)
    assert dry.refusal is None
    assert sqlite_recorder.ledger.head() == 0
    for year, state, _mandate in flagged:
        trimmed = {**document, "years": [
            {**y, "necessity": [n for n in y["necessity"]
                                if (y["year"], n["state"]) != (year, state)]}
            for y in document["years"]]}
        refused = sqlite_recorder.run(yaml.safe_dump(trimmed, sort_keys=False),
                                      dry_run=True).refusal
        assert refused is not None
        assert (refused.rule_id, refused.year) == ("CO-7", year)
        assert state in refused.message, refused.message
        assert refused.line is not None


@pytest.mark.parametrize(("day", "president", "coordinators"), [
    (date(2012, 3, 1), "LBN", {"VAT", "ZMB", "JPN", "PRT", "AUT", "BIH", "LAO", "IRL", "DEU",
                               "HRV", "ESP", "MEX", "BEL", "NZL"}),
    # from meeting to meeting: the 4MSP (9–13 September 2013) elected 2014's coordinators
    (date(2013, 10, 1), "ZMB", {"CRI", "GHA", "AFG", "LAO", "ESP", "SWE", "NLD", "NOR",
                                "MEX", "CHE", "ALB", "CHL", "BEL", "NZL"}),
    (date(2018, 10, 1), "NIC", {"PAN", "AUT", "MOZ", "IRL", "ESP", "NZL"}),
])
def test_any_day_reads_back_the_president_and_the_coordinators(
        sqlite_recorder: Recorder, day: date, president: str, coordinators: set[str]) -> None:
    assert sqlite_recorder.run(_text()).refusal is None
    found = on_day(sqlite_recorder.ledger, day)
    assert found is not None
    assert found.president == president
    assert {c.state for c in found.coordinators} == coordinators
    sitting = {m.represents for m in found.committee}
    assert sitting >= coordinators | {president, "ICRC", "UN", "CMC"}


def test_the_second_review_conference_sits_in_two_parts_and_closes_2020(
        sqlite_recorder: Recorder) -> None:
    assert sqlite_recorder.run(_text()).refusal is None
    found = on_day(sqlite_recorder.ledger, date(2019, 10, 1))
    assert found is not None
    assert set(found.designated) == {"CHE"}
    events = [e.payload for e in sqlite_recorder.ledger.read_stream("cycle-2020")]
    closing = events[0]["closing_meeting"]
    assert closing["kind"] == "review_conference"
    assert len(closing["parts"]) == 2
    assert events[-1]["type"] == "CycleClosed"
    assert all(e.get("source") for e in events)


def days(year: int, month: int, first: int, last: int) -> str:
    """A meeting's days as the report writes them in English."""
    return format_interval(date(year, month, first), date(year, month, last), "yMMMd",
                           locale="en")


def test_the_report_of_2016_to_2020_gives_the_coordinators_and_meetings_as_recorded(
        sqlite_recorder: Recorder) -> None:
    assert sqlite_recorder.run(_text()).refusal is None
    verified = verify_ledger(sqlite_recorder.engine, None, keyring=sqlite_recorder.keyring)
    page = report_html(sqlite_recorder.ledger, 2016, 2020, verified)
    for said in ("Second Review Conference", days(2020, 11, 25, 27), days(2021, 9, 20, 21),
                 "Sri Lanka (LKA) for the Ninth Meeting of States Parties",
                 "Switzerland (CHE) for the Second Review Conference", "Namibia", "Panama",
                 "not in the record", "Taken from an incomplete record"):
        assert said in page, said
    assert ">vacant<" not in page  # an incomplete year's empty seat is unknown, not vacant


def test_a_year_closed_by_the_record_needs_no_workflow_to_open_the_next(
        sqlite_recorder: Recorder) -> None:
    """The engine heals open streams from the ledger; the last year the record closed is not
    one: no workflow ran it, and opening 2021 is the ISU's (no engine-opened year whose
    deadlines all lie in the past)."""
    assert sqlite_recorder.run(_text()).refusal is None
    ledger = sqlite_recorder.ledger
    assert not needs_workflow(ledger, "cycle-2020", CYCLE, ended=True)
    assert not needs_workflow(ledger, "cycle-2019", CYCLE, ended=True)


def test_imported_facts_are_no_workflow_historys_to_confirm(sqlite_recorder: Recorder) -> None:
    """The cross-check confirms each row against Temporal's histories; a fact imported from
    the Convention's record has none and is not reported, an engine's row with none is."""
    assert sqlite_recorder.run(_text()).refusal is None
    rows = sqlite_recorder.ledger.read_stream("cycle-2014")
    assert compare(rows, []) == []
    unsourced = rows[0].model_copy(update={"payload": {**rows[0].payload, "source": None}})
    assert [d.kind for d in compare([unsourced], [])] == ["unconfirmed"]


def _with_2017_clearance(text: str, state: str = "NOR") -> str:
    """The shipped file with one more coordinator named for 2017 (a source found later)."""
    document = yaml.safe_load(text)
    for y in document["years"]:
        if y["year"] == 2017:
            y["coordinators"].append({
                "state": state, "mandate": "clearance", "elected_at": None,
                "first_year": 2017, "last_year": 2017, "source": "isu-tc-clearance",
                "note": "a later source"})
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def test_an_incomplete_year_is_completed_by_a_later_file_and_nothing_recorded_changes(
        recorder: Recorder) -> None:
    """HI-2: a later file naming more coordinators for an incomplete year adds them in one
    event; the recorded events stay; importing it again changes nothing; a file that records
    the year otherwise, or names more for a whole year, is refused HI-1."""
    assert recorder.run(_text()).refusal is None
    before = [e.hash for e in recorder.ledger.read_stream("cycle-2017")]
    completed = recorder.run(_with_2017_clearance(_text()))
    assert completed.refusal is None, completed.refusal and completed.refusal.message
    assert [y.outcome for y in completed.years if y.year == 2017] == ["completed"]
    after = recorder.ledger.read_stream("cycle-2017")
    assert [e.hash for e in after[:-1]] == before
    assert after[-1].type == "RecordCompleted"
    assert [t["state"] for t in after[-1].payload["terms"]] == ["NOR"]
    found = on_day(recorder.ledger, date(2017, 3, 1))
    assert found is not None
    assert "NOR" in {c.state for c in found.coordinators}
    again = recorder.run(_with_2017_clearance(_text()))
    assert [y.outcome for y in again.years if y.year == 2017] == ["already recorded"]
    assert recorder.ledger.read_stream("cycle-2017")[-1].event_id == after[-1].event_id
    verified = verify_ledger(recorder.engine, None, keyring=recorder.keyring)
    assert verified.intact, verified
    # another change to a recorded year, or more names for a whole one: refused, nothing kept
    head = recorder.ledger.head()
    moved = yaml.safe_load(_with_2017_clearance(_text(), "SWE"))
    closing = next(m for m in moved["meetings"] if m["key"] == "7msp")  # 2017's closing
    closing["parts"][0]["venue"] = "Vienna"
    refused = recorder.run(yaml.safe_dump(moved, sort_keys=False, allow_unicode=True)).refusal
    assert (refused or _NONE).rule_id == "HI-1"
    assert recorder.ledger.head() == head
    document = yaml.safe_load(_text())
    document["years"][1]["coordinators"].append({
        "state": "NOR", "mandate": "reporting", "elected_at": "3msp", "first_year": 2013,
        "last_year": 2014, "source": "isu-composition-2012-2013", "note": ""})
    whole = recorder.run(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
    assert (whole.refusal or _NONE).rule_id == "HI-1"
    assert recorder.ledger.head() == head


class _NoRefusal:
    rule_id = "none"


_NONE = _NoRefusal()
