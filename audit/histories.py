"""What a Temporal workflow history says the workflow recorded in the ledger.

The cycle workflow records every event through the ``record_event`` activity, whose result is
the ledger's receipt (event id, stream, version, position, hash). Since the
``record-events-locally`` patch it runs as a *local* activity: its result is kept in a
``MARKER_RECORDED`` event named ``core_local_activity``, whose ``data`` detail names the
activity type and whose ``result`` detail is the receipt. Cycles started before the patch ran it
as a normal activity: ``ACTIVITY_TASK_SCHEDULED`` (type ``record_event``) then
``ACTIVITY_TASK_COMPLETED`` with the receipt as its result. Only completed recordings count: a
failed local activity's marker carries a failure and no result. A workflow that caught up
with the ledger (``read_stream``: after its task was retried, Temporal's database rolled back, a
reset, or started again by ``intersessional engine recover``) holds the receipts of the events
it read back and applied, hash and all: they are its record of them.

Everything here is pure: it reads a history already fetched (or loaded from JSON), no server.
"""

from __future__ import annotations

import json
import re
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import MarkerRecordedEventAttributes
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter

from ledger.records import Receipt

RECORD_EVENT = "record_event"  # activities.recording.CycleActivities.record_event
READ_STREAM = "read_stream"  # what a workflow catching up with the ledger read back
LOCAL_ACTIVITY_MARKER = "core_local_activity"  # the name the SDK's core gives the marker
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class Recorded(BaseModel):
    """One event a workflow run recorded, as the ledger's receipt told it."""

    model_config = ConfigDict(frozen=True)

    workflow_id: str
    run_id: str
    event_id: UUID
    stream: str
    version: int
    position: int
    hash: str


def _receipt(payload: Payload) -> Receipt:
    receipt: Receipt = pydantic_data_converter.payload_converter.from_payload(payload, Receipt)
    return receipt


def _local_receipts(marker: MarkerRecordedEventAttributes) -> list[Receipt]:
    """The receipts in a local activity marker: a completed ``record_event``'s, or those of
    the events a completed ``read_stream`` read back from the ledger."""
    details = marker.details
    if marker.HasField("failure") or "result" not in details:
        return []
    data = details["data"].payloads
    activity = json.loads(data[0].data).get("activity_type") if data else None
    result = details["result"].payloads
    if not result or activity not in (RECORD_EVENT, READ_STREAM):
        return []
    if activity == RECORD_EVENT:
        return [_receipt(result[0])]
    read: dict[str, Any] = json.loads(result[0].data)
    return [Receipt.model_validate(entry["receipt"]) for entry in read.get("entries", ())]


def receipts(history: WorkflowHistory) -> list[Receipt]:
    """Every receipt of a completed ``record_event`` in ``history``, in history order."""
    found: list[Receipt] = []
    scheduled: set[int] = set()  # event ids of ACTIVITY_TASK_SCHEDULED for record_event
    for event in history.events:
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_MARKER_RECORDED:
            marker = event.marker_recorded_event_attributes
            if marker.marker_name == LOCAL_ACTIVITY_MARKER:
                found += _local_receipts(marker)
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            if event.activity_task_scheduled_event_attributes.activity_type.name == RECORD_EVENT:
                scheduled.add(event.event_id)
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            completed = event.activity_task_completed_event_attributes
            if completed.scheduled_event_id in scheduled and completed.result.payloads:
                found.append(_receipt(completed.result.payloads[0]))
    return found


def recorded_in(history: WorkflowHistory) -> list[Recorded]:
    """What the run of ``history`` recorded in the ledger, in the order it recorded it. The run
    is the one its start event names (``history.run_id``)."""
    run_id = history.run_id if history.events else ""
    return [Recorded(workflow_id=history.workflow_id, run_id=run_id, event_id=r.event_id,
                     stream=r.stream, version=r.version, position=r.position, hash=r.hash)
            for r in receipts(history)]


def history_name(workflow_id: str, run_id: str) -> str:
    """A file name (without extension) for the history of a run: ``<workflow id>.<run id>``,
    with any character unsafe in a file name replaced by ``_``."""
    return f"{_UNSAFE.sub('_', workflow_id)}.{_UNSAFE.sub('_', run_id)}"
