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


async def status(client: Client, year: int) -> str:
    """The year's workflow (its latest run): its status and its last failure."""
    handle = client.get_workflow_handle(cycle_id(year))
    try:
        described = await handle.describe()
        history = await handle.fetch_history()
    except Exception as error:  # a diagnosis, never a failure of its own
        return f"workflow not described ({type(error).__name__}: {str(error)[:100]})"
    name = described.status.name if described.status else "unknown"
    failure = last_failure(history.events)
    return f"workflow {name}" + (f", last failure {failure}" if failure else "")
