"""recorded_in() reads what a workflow recorded from its history alone: the golden histories of
both kinds (local activities since ``record-events-locally``, normal activities before)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from temporalio.client import WorkflowHistory

from audit.histories import history_name, recorded_in
from ledger.records import Receipt

HISTORIES = Path(__file__).parents[1] / "histories"
LOCAL, ACTIVITY = "year-with-return.cycle-2027.json", \
    "year-with-return.cycle-2027.2026-11-22-activity.json"


def _load(name: str, edit: Any = None) -> WorkflowHistory:
    data = json.loads((HISTORIES / name).read_text())
    if edit is not None:
        edit(data["events"])
    return WorkflowHistory.from_json(name.split(".")[1], data)


@pytest.mark.parametrize(("name", "count"), [
    (LOCAL, 14), (ACTIVITY, 14), ("year-with-missed-deadlines.cycle-2027.json", 18),
    ("year-with-missed-deadlines.cycle-2027.2026-11-22-activity.json", 18)])
def test_a_year_recorded_its_events_in_order(name: str, count: int) -> None:
    history = _load(name)
    recorded = recorded_in(history)
    assert [r.version for r in recorded] == list(range(1, count + 1))
    assert [r.position for r in recorded] == list(range(1, count + 1))  # a fresh ledger
    assert {r.stream for r in recorded} == {"cycle-2027"}
    assert {(r.workflow_id, r.run_id) for r in recorded} == {("cycle-2027", history.run_id)}
    assert len({r.event_id for r in recorded}) == count
    assert all(len(r.hash) == 64 and int(r.hash, 16) >= 0 for r in recorded)


def test_a_history_that_recorded_nothing_yet_says_so() -> None:
    """A cycle waiting for its opening date has run no ``record_event``."""
    assert recorded_in(_load("scheduled-opening.cycle-2027.json")) == []


def _activity(marker: dict[str, Any]) -> str:
    data = marker["details"]["data"]["payloads"][0]["data"]
    return str(json.loads(base64.b64decode(data))["activity_type"])


def _markers(events: list[dict[str, Any]], activity: str = "record_event"
             ) -> list[dict[str, Any]]:
    return [e["markerRecordedEventAttributes"] for e in events
            if e["eventType"] == "EVENT_TYPE_MARKER_RECORDED"
            and e["markerRecordedEventAttributes"]["markerName"] == "core_local_activity"
            and _activity(e["markerRecordedEventAttributes"]) == activity]


def test_a_failed_local_activity_is_no_recording() -> None:
    """A failed attempt's marker carries a failure and no result."""
    def fail_first(events: list[dict[str, Any]]) -> None:
        marker = _markers(events)[0]
        del marker["details"]["result"]
        marker["failure"] = {"message": "the ledger was down"}

    recorded = recorded_in(_load(LOCAL, fail_first))
    assert [r.version for r in recorded] == list(range(2, 15))


def test_another_local_activity_is_no_recording() -> None:
    def rename_first(events: list[dict[str, Any]]) -> None:
        data = _markers(events)[0]["details"]["data"]["payloads"][0]
        decoded = json.loads(base64.b64decode(data["data"]))
        data["data"] = base64.b64encode(json.dumps(
            {**decoded, "activity_type": "prepare_cycle"}).encode()).decode()

    assert len(recorded_in(_load(LOCAL, rename_first))) == 13


def test_a_recovered_run_holds_what_it_read_back_from_the_ledger() -> None:
    """A run started again from the ledger, then caught up with it, recorded only the steps
    after; the events it read back (``read_stream``) are its record of the others."""
    history = _load("year-recovered.cycle-2027.json")
    recorded = recorded_in(history)
    assert [r.version for r in recorded] == list(range(1, len(recorded) + 1))
    read = [r.version for m in _markers(history.to_json_dict()["events"], "read_stream")
            for r in _receipts_in(m)]
    assert read[:3] == [1, 2, 3]  # as it resumed (1, 2), then as it caught up (3)
    assert {e.version for e in recorded} >= set(read)


def _receipts_in(marker: dict[str, Any]) -> list[Receipt]:
    result = json.loads(base64.b64decode(marker["details"]["result"]["payloads"][0]["data"]))
    return [Receipt.model_validate(entry["receipt"]) for entry in result["entries"]]


def test_an_activity_that_never_completed_is_no_recording() -> None:
    """Before the patch: a scheduled ``record_event`` without its completion recorded nothing."""
    def drop_first_completion(events: list[dict[str, Any]]) -> None:
        scheduled = next(e["eventId"] for e in events
                         if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"
                         and e["activityTaskScheduledEventAttributes"]["activityType"]["name"]
                         == "record_event")
        events[:] = [e for e in events if e.get("activityTaskCompletedEventAttributes", {}
                                                ).get("scheduledEventId") != scheduled]

    recorded = recorded_in(_load(ACTIVITY, drop_first_completion))
    assert [r.version for r in recorded] == list(range(2, 15))


def test_history_names_are_safe_file_names() -> None:
    assert history_name("cycle-2027", "0b1c-2d") == "cycle-2027.0b1c-2d"
    assert history_name("coalition/x y", "r:1") == "coalition_x_y.r_1"
