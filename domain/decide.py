"""Build the event a step would record, with the fields the rules derive, and judge it.

Callers (the workflow's update validators, the demo, tests) never type in what follows from
the rules: the standing of each elected State and the CO-6 warnings, the IM-6 warning, a work
plan's content hash. Each function returns the event only if :func:`domain.cycle.apply` accepts
it in ``state``; otherwise the ``RuleViolation`` propagates and nothing is to be recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from domain.convention import Actor, State
from domain.cycle import apply
from domain.elections import ElectionResult
from domain.errors import RuleWarning
from domain.events import (
    CoordinatorsElected,
    CycleEvent,
    IntersessionalMeetingConvened,
    WorkplanDrafted,
)
from domain.meetings import IntersessionalMeeting
from domain.state import CycleState
from domain.workplan import Workplan


def _new_warnings(state: CycleState, event: CycleEvent) -> tuple[RuleWarning, ...]:
    # apply() checks role, then phase, then data, and derives the soft-rule warnings
    return apply(state, event).warnings[len(state.warnings):]


def election(state: CycleState, result: ElectionResult, registry: Mapping[str, State],
             actor: Actor, at: datetime) -> CoordinatorsElected:
    """The ``CoordinatorsElected`` event for ``result``, recording the standing in today's
    registry of every State it was judged on (so a replay never depends on a later registry)."""
    year = state.year if state.year is not None else result.terms_begin
    # every State the judgement reads: the elected (CO-1) and those already in office (CO-6)
    judged = {t.state for t in (*state.terms, *result.terms)}
    standings = tuple(s for code, s in registry.items() if code in judged)
    event = CoordinatorsElected(year=year, occurred_at=at, actor=actor, election=result,
                                standings=standings)
    return event.model_copy(update={"warnings": _new_warnings(state, event)})


def convening(state: CycleState, meeting: IntersessionalMeeting, actor: Actor,
              at: datetime) -> IntersessionalMeetingConvened:
    """The ``IntersessionalMeetingConvened`` event, with its IM-6 warning if any."""
    event = IntersessionalMeetingConvened(year=state.year or meeting.year, occurred_at=at,
                                          actor=actor, meeting=meeting)
    return event.model_copy(update={"warnings": _new_warnings(state, event)})


def drafting(state: CycleState, plan: Workplan, actor: Actor, at: datetime) -> WorkplanDrafted:
    """The ``WorkplanDrafted`` event with the plan's content hash computed from its text."""
    event = WorkplanDrafted(year=state.year or plan.for_year - 1, occurred_at=at, actor=actor,
                            workplan=plan, content_hash=plan.content_hash())
    apply(state, event)
    return event
