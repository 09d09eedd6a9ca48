"""What the workflows return and take besides the domain's commands."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from contracts import CheckpointTaken
from domain.state import WorkplanStatus


class CycleOutcome(BaseModel):
    """How a year ended: the MSP's decision, the events recorded, the checkpoint signed, and
    the workflow id of the next year's cycle."""

    model_config = ConfigDict(frozen=True)

    year: int
    workplan_status: WorkplanStatus | None
    events: int
    checkpoint: CheckpointTaken
    next_cycle: str


class ScheduledOpening(BaseModel):
    """A Schedule's standing instruction: on its date, open the cycle of the year
    ``year_offset`` after the current one (1: the MSP of September Y−1 opens cycle Y)."""

    model_config = ConfigDict(frozen=True)

    year_offset: int = Field(default=1, ge=0, le=1)
    #: the calendar's lead times (the settings' when scheduled); None: the defaults
    committee_weeks: int | None = Field(default=None, ge=1, le=26)
    reminder_days: int | None = Field(default=None, ge=1, le=90)


class CoalitionOutcome(BaseModel):
    """How a coalition ended: its id, the events recorded, the MSPs it reported to."""

    model_config = ConfigDict(frozen=True)

    coalition: str
    events: int
    reports: tuple[int, ...]


class SilenceOutcome(BaseModel):
    """How a silence procedure ended: adopted or withdrawn, after how many circulations."""

    model_config = ConfigDict(frozen=True)

    procedure: str
    phase: str
    circulations: int
    events: int
