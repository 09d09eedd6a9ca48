"""What a Temporal workflow history says the workflow recorded in the ledger.

The cycle workflow records every event through the ``record_event`` activity, whose result is
the ledger's receipt (event id, stream, version, position, hash). Since the
``record-events-locally`` patch it runs as a *local* activity: its result is kept in a
``MARKER_RECORDED`` event named ``core_local_activity``, whose ``data`` detail names the
activity type and whose ``result`` detail is the receipt. Cycles started before the patch ran it
as a normal activity: ``ACTIVITY_TASK_SCHEDULED`` (type ``record_event``) then
``ACTIVITY_TASK_COMPLETED`` with the receipt as its result. Only completed recordings count: a
failed local activity's marker carries a failure and no result.

Everything here is pure: it reads a history already fetched (or loaded from JSON), no server.
"""

from __future__ import annotations

import json
import re
from uuid import UUID

from pydantic import BaseModel, ConfigDict
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import MarkerRecordedEventAttributes
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter

from ledger.records import Receipt

RECORD_EVENT = "record_event"  # activities.recording.CycleActivities.record_event
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


def _local_receipt(marker: MarkerRecordedEventAttributes) -> Receipt | None:
    """The receipt in a local activity marker, if it is a completed ``record_event``."""
    details = marker.details
    if marker.HasField("failure") or "result" not in details:
        return None
    data = details["data"].payloads
    if not data or json.loads(data[0].data).get("activity_type") != RECORD_EVENT:
        return None
    result = details["result"].payloads
    return _receipt(result[0]) if result else None


def receipts(history: WorkflowHistory) -> list[Receipt]:
    """Every receipt of a completed ``record_event`` in ``history``, in history order."""
    found: list[Receipt] = []
    scheduled: set[int] = set()  # event ids of ACTIVITY_TASK_SCHEDULED for record_event
    for event in history.events:
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_MARKER_RECORDED:
            marker = event.marker_recorded_event_attributes
            if marker.marker_name == LOCAL_ACTIVITY_MARKER and (
                    receipt := _local_receipt(marker)) is not None:
                found.append(receipt)
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
