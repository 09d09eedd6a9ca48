"""What the notices' workflow and activities exchange (``workflows.notices``,
``activities.notices``): their registered names, stable for replay, and their models.

A notice is owed for a recorded event: its ``Notices`` workflow, started for the cycle's
workflow by the local activity ``start_notices`` with the id :func:`notices_id` of the event (so
a start retried or replayed is the same workflow, never a second one), plans the notices the
event calls for, one per (event, person, kind), then sends each, retried until it is sent.
"""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

#: the workflow's and the activities' registered names
NOTICES_WORKFLOW = "Notices"
PLAN_NOTICES, SEND_NOTICE = "plan_notices", "send_notice"
#: the cycle's local activity that starts an event's ``Notices`` workflow
START_NOTICES = "start_notices"


def notices_id(event_id: UUID) -> str:
    """The id of the workflow that sends the notices of ``event_id``."""
    return f"notices-{event_id}"


class PlanNotices(BaseModel):
    """Plan the notices of the event recorded at ``version`` of ``stream`` as ``event_id``:
    its reminder or escalation, and the steps it opened, to whom they are owed."""

    model_config = ConfigDict(frozen=True)

    stream: str
    version: int = Field(ge=1)
    event_id: UUID


class NoticesPlanned(BaseModel):
    """The keys of the notices to send (those already sent, or unsendable, left out)."""

    model_config = ConfigDict(frozen=True)

    keys: tuple[str, ...] = ()


class SendNotice(BaseModel):
    """Send the notice kept under ``key``, unless it was sent already."""

    model_config = ConfigDict(frozen=True)

    key: str


class NoticeOutcome(BaseModel):
    """How far the notice has gone: ``sent``, or ``pending`` (no mail server is set: it is
    kept, shown, and sent by ``intersessional notices send`` once one is)."""

    model_config = ConfigDict(frozen=True)

    status: str
    attempts: int
