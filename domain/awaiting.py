"""Whom a step awaits: who may take each pending step on a given day, which steps a state change
has just opened, and which steps a deadline watches — what the engine's notices and each
person's calendar are made of.

A person may take a pending step when their role takes it and the record of the cycle gives
them that role on the day (:mod:`domain.authority`: the President in office, a committee member
whose State or organisation sits on the Coordination Committee, CC-3), and the step is not one
the chair takes alone while they are a member.
"""

from __future__ import annotations

from datetime import date

from domain.authority import Record, authorise
from domain.committee_decisions import chair_alone
from domain.convention import Actor, Role
from domain.deadlines import watches
from domain.errors import RuleViolation
from domain.events import Deadline
from domain.procedure import PendingStep
from domain.state import CycleState
from domain.steps import pending_steps


def record_of_cycle(state: CycleState) -> Record:
    """Who holds office, as the cycle's own state records it."""
    return Record(terms=state.terms, presidencies=state.presidencies, mandates=state.mandates,
                  profile=state.profile)


def may_take(step: PendingStep, actor: Actor, state: CycleState, day: date) -> bool:
    """Whether ``actor``'s role takes ``step`` and the record of the cycle gives them that role
    on ``day``."""
    if actor.role not in step.roles or chair_alone(state, step.step, actor.role):
        return False
    return _holds(actor, state, day)


def presides(actor: Actor, state: CycleState, day: date) -> bool:
    """Whether ``actor`` is the President in office on ``day`` (to whom a missed deadline is
    escalated, CC-1)."""
    return actor.role is Role.PRESIDENT and _holds(actor, state, day)


def _holds(actor: Actor, state: CycleState, day: date) -> bool:
    """Whether the record of the cycle gives ``actor`` their role on ``day``."""
    try:
        authorise(actor, day, record_of_cycle(state))
    except RuleViolation:
        return False
    return True


def newly_pending(before: CycleState, after: CycleState) -> list[PendingStep]:
    """The steps pending in ``after`` that were not in ``before``: what a state change opened."""
    held = {s.step for s in pending_steps(before)}
    return [s for s in pending_steps(after) if s.step not in held]


def watched_by(deadline: Deadline, state: CycleState) -> list[PendingStep]:
    """The pending steps due on ``deadline``'s date: the ones its reminder is about."""
    due = next((w.due for w in watches(state) if w.deadline is deadline), None)
    return [s for s in pending_steps(state) if due is not None and s.due == due]


def owes_notices(before: CycleState, after: CycleState) -> bool:
    """Whether what was recorded between ``before`` and ``after`` can owe anyone a notice: a
    deadline's reminder or escalation, or a step it opened (the cycle's workflow starts the
    notices' workflow for nothing else)."""
    return (len(after.reminders) > len(before.reminders)
            or len(after.deadlines_missed) > len(before.deadlines_missed)
            or bool(newly_pending(before, after)))
