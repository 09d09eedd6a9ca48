"""Why a year is wedged, as Temporal tells it: the status of its workflow's latest run and the
last failure its history holds (a failed workflow task, a failed recording, a failed update
or run), with its causes. The step client gives people a refusal's sentence, not the cause of
an engine failure, so the driver's last error alone often says only "update failed"."""

from __future__ import annotations

from typing import Any

from temporalio.api.failure.v1 import Failure
from temporalio.client import Client

from contracts import cycle_id

_FAILURES = {  # the history events that carry a failure, and where it is
    "workflow_task_failed_event_attributes": lambda a: a.failure,
    "marker_recorded_event_attributes": lambda a: a.failure,
    "activity_task_failed_event_attributes": lambda a: a.failure,
    "workflow_execution_update_completed_event_attributes": lambda a: a.outcome.failure,
    "workflow_execution_failed_event_attributes": lambda a: a.failure,
}


def _said(failure: Failure) -> str:
    parts: list[str] = []
    current, depth = failure, 0
    while current.message and depth < 4:
        kind = current.application_failure_info.type if current.HasField(
            "application_failure_info") else ""
        said = f"{kind}: {current.message[:160]}" if kind else current.message[:160]
        if not parts or parts[-1] != said:
            parts.append(said)
        if not current.HasField("cause"):
            break
        current, depth = current.cause, depth + 1
    return " ← ".join(parts)


def last_failure(events: Any) -> str:
    """The last failure (or termination) in a history's events, in one line; '' if none."""
    for event in reversed(list(events)):
        which = event.WhichOneof("attributes")
        if which == "workflow_execution_terminated_event_attributes":
            return f"terminated: {event.workflow_execution_terminated_event_attributes.reason}"
        if which in _FAILURES:
            failure = _FAILURES[which](getattr(event, which))
            if failure.message:
                return f"{which.removesuffix('_event_attributes')}: {_said(failure)}"
    return ""


def pending(raw: Any) -> str:
    """What a running workflow waits on that its history does not show yet: its pending
    workflow task (a retried one's attempt) and its pending activities, each with its attempt
    and last failure (an activity retried again and again leaves no failure in history)."""
    said: list[str] = []
    task = raw.pending_workflow_task
    if raw.HasField("pending_workflow_task"):
        said.append(f"workflow task {task.state} attempt {task.attempt}")
    for activity in raw.pending_activities:
        failure = _said(activity.last_failure) if activity.HasField("last_failure") else ""
        said.append(f"activity {activity.activity_type.name} attempt {activity.attempt}"
                    + (f" failing {failure}" if failure else ""))
    return "; ".join(said)


async def status(client: Client, year: int) -> str:
    """The year's workflow (its latest run): its status, its last failure, and what it waits
    on."""
    handle = client.get_workflow_handle(cycle_id(year))
    try:
        described = await handle.describe()
        history = await handle.fetch_history()
    except Exception as error:  # a diagnosis, never a failure of its own
        return f"workflow not described ({type(error).__name__}: {str(error)[:100]})"
    name = described.status.name if described.status else "unknown"
    failure = last_failure(history.events)
    waiting = pending(described.raw_description)
    return (f"workflow {name}, {len(history.events)} history events"
            + (f", last failure {failure}" if failure else "")
            + (f", pending: {waiting}" if waiting else ""))
