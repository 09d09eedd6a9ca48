"""``history import`` on both backends: each year recorded whole with its historical dates,
attested by the ISU person; the audit believes it; a second import records nothing; a dry run
records nothing; a different file for a recorded year is refused."""

from __future__ import annotations

from datetime import UTC, datetime

from attesting.keyring import trust_of
from audit.attestations import check_attestations
from audit.verification import verify_ledger
from domain.attestation import IMPORT_HISTORY, Statement
from domain.events import CycleOpened, parse_event
from history.format import schema_text
from ledger.attested import by_event
from tests.history.conftest import Recorder, line_of, three_years

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def test_the_published_schema_is_current() -> None:
    published = (ROOT / "docs" / "history.schema.json").read_text(encoding="utf-8")
    assert published == schema_text(), "run `intersessional history schema > " \
                                       "docs/history.schema.json`"


def test_each_year_is_recorded_as_the_past_and_the_audit_believes_it(recorder: Recorder
                                                                      ) -> None:
    before = datetime.now(UTC)
    done = recorder.run(three_years())
    assert done.refusal is None
    assert [(y.year, y.outcome, y.events) for y in done.years] == [
        (2012, "recorded", 6), (2013, "recorded", 6), (2014, "recorded", 6)]
    stored = recorder.ledger.read_stream("cycle-2012")
    assert [s.type for s in stored] == [
        "CycleOpened", "CoordinatorsElected", "PresidentDesignated",
        "IntersessionalMeetingConvened", "IntersessionalMeetingHeld", "CycleClosed"]
    assert stored[0].occurred_at.startswith("2011-09-16T17:00")  # the 2MSP's last day
    assert stored[-1].occurred_at.startswith("2012-09-11")  # the 3MSP opens
    assert all(s.recorded_at >= before.isoformat()[:19] for s in stored)
    opened = parse_event(stored[0].payload)
    assert opened.source
    assert opened.source.startswith("Synthetic final report")
    ended = [parse_event(s.payload) for s in recorder.ledger.read_stream("cycle-2014")][3]
    assert ended.type == "TermEndedEarly"
    assert ended.replacement is not None
    assert ended.replacement.state == "MNE"
    kept = by_event(recorder.engine)
    statements = [Statement.model_validate_json(k.statement) for k in kept.values()]
    assert len(statements) == 18
    assert {(s.step, s.role.value, s.name) for s in statements} == {
        (IMPORT_HISTORY, "isu", "Ida Archivist")}
    result = verify_ledger(recorder.engine, None, keyring=recorder.keyring)
    assert result.intact, result.sentence()
    assert result.attestations is not None
    assert result.attestations.attested == 18
    assert not result.attestations.unregistered


def test_a_second_import_is_a_no_op(recorder: Recorder) -> None:
    recorder.run(three_years())
    head = recorder.ledger.head()
    again = recorder.run(three_years())
    assert again.refusal is None
    assert {y.outcome for y in again.years} == {"already recorded"}
    assert recorder.ledger.head() == head


def test_a_dry_run_records_nothing(recorder: Recorder) -> None:
    done = recorder.run(three_years(), dry_run=True)
    assert done.refusal is None
    assert {y.outcome for y in done.years} == {"would be recorded"}
    assert recorder.ledger.head() == 0


def test_another_file_for_a_recorded_year_is_refused(recorder: Recorder) -> None:
    recorder.run(three_years())
    head = recorder.ledger.head()
    changed = three_years().replace("2012-04-19", "2012-04-18")
    done = recorder.run(changed)
    assert done.refusal is not None
    assert (done.refusal.rule_id, done.refusal.year) == ("HI-1", 2012)
    assert "already holds the 2012 cycle" in done.refusal.message
    assert [y.outcome for y in done.years] == ["refused", "not attempted", "not attempted"]
    assert recorder.ledger.head() == head


def test_the_audit_refuses_an_imported_event_without_its_attestation(
        sqlite_recorder: Recorder) -> None:
    sqlite_recorder.run(three_years())
    kept = by_event(sqlite_recorder.engine)
    events = sqlite_recorder.ledger.read_after(0)
    gone = str(events[4].event_id)
    del kept[gone]
    trust = trust_of(sqlite_recorder.keyring)
    found = check_attestations(events, kept, trust)
    assert [p.event_id for p in found.problems] == [gone]
    assert "no attestation" in found.problems[0].problem


def test_the_audit_refuses_an_import_attestation_for_an_event_without_source(
        sqlite_recorder: Recorder) -> None:
    sqlite_recorder.run(three_years())
    events = sqlite_recorder.ledger.read_after(0)
    stripped = events[1].model_copy(update={"payload": {
        k: v for k, v in events[1].payload.items() if k != "source"}})
    trust = trust_of(sqlite_recorder.keyring)
    found = check_attestations([stripped], by_event(sqlite_recorder.engine), trust)
    assert len(found.problems) == 1
    assert "names no source document" in found.problems[0].problem


def test_the_lines_of_a_refused_fact(sqlite_recorder: Recorder) -> None:
    text = three_years().replace("{state: NLD, mandate: general-status",
                                 "{state: BEL, mandate: general-status")
    done = sqlite_recorder.run(text)
    assert done.refusal is not None
    assert done.refusal.line == line_of(text, "{state: BEL, mandate: general-status, "
                                              "elected_at: 4msp")


def test_a_later_file_goes_on_from_the_year_the_ledger_holds(recorder: Recorder) -> None:
    text = three_years()
    head, years = text.split("years:\n")
    first, rest = years.split("  - year: 2013\n")
    second = "  - year: 2013\n" + rest.split("  - year: 2014\n")[0]
    assert recorder.run(f"{head}years:\n{first}").refusal is None
    # the 2013 file names only the coordinators the 3MSP elected: those of 2012 still in
    # office (the thematic areas' among them) come from the ledger's 2012 cycle
    done = recorder.run(f"{head}years:\n{second}")
    assert done.refusal is None, done.refusal and done.refusal.message
    assert [(y.year, y.outcome) for y in done.years] == [(2013, "recorded")]
    opened = parse_event(recorder.ledger.read_stream("cycle-2013")[0].payload)
    assert isinstance(opened, CycleOpened)
    assert {t.state for t in opened.carried_terms} >= {"NZL", "BGR", "BEL"}
