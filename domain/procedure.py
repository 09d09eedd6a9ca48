"""What every human-stepped process shares besides the annual cycle (a country coalition, a
silence procedure): a table of steps — who may take each, under which rule, when it is open —
and the two refusals every step can meet before its data is read: the wrong role, the wrong
moment. ``domain.steps`` is the annual cycle's own, richer, table (with deadlines)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from domain.convention import Actor, Role
from domain.errors import RuleViolation

S = TypeVar("S")


@dataclass(frozen=True)
class ProcedureStep(Generic[S]):
    """One step of a process whose state is ``S``: the update (``step``) and the event it
    records, its label in a refusal, who may take it, the rule a refusal cites, and when it
    is open (``when``)."""

    step: str
    event: str
    label: str
    roles: tuple[Role, ...]
    rule_id: str
    when: Callable[[S], bool]


class RoleRule(Protocol):
    """What a role check reads of a step: who takes it, its label, the rule it cites (a row
    of this table, or of the annual cycle's ``domain.steps.STEPS``)."""

    @property
    def roles(self) -> tuple[Role, ...]: ...
    @property
    def label(self) -> str: ...
    @property
    def rule_id(self) -> str: ...


def roles_text(roles: Sequence[Role]) -> str:
    return " or ".join(r.value.replace("_", " ") for r in roles)


def check_role(rule: RoleRule, actor: Actor) -> None:
    """Refuse ``actor`` if their role never takes ``rule``'s step, whatever the moment."""
    if actor.role not in rule.roles:
        raise RuleViolation(rule.rule_id, f"{rule.label} is a step for the "
                            f"{roles_text(rule.roles)}; {actor.name} acted as "
                            f"{actor.role.value.replace('_', ' ')}.")


class OpenStep(BaseModel):
    """A step a person may take now: what, by whom, under which rule."""

    model_config = ConfigDict(frozen=True)

    step: str
    label: str
    roles: tuple[Role, ...]
    rule_id: str


def open_steps(table: Sequence[ProcedureStep[S]], state: S) -> list[OpenStep]:
    """The people's steps open in ``state``, in the table's order (the engine's left out)."""
    return [OpenStep(step=r.step, label=r.label, roles=r.roles, rule_id=r.rule_id)
            for r in table if r.when(state) and Role.ENGINE not in r.roles]


def check_open(rule: ProcedureStep[S], state: S, where: str) -> None:
    """Refuse ``rule``'s step if it is not open in ``state``; ``where`` names the state (its
    phase) and the refusal lists what is open instead."""
    if rule.when(state):
        return
    raise RuleViolation(rule.rule_id, f"{rule.label} is not possible now: {where}.")
