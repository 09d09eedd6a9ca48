"""What every kind of process shares (the annual cycle, a country coalition, a silence
procedure): a table of steps — who may take each, under which rule, when it is open, by when it
is due — and the two refusals every step can meet before its data is read: the wrong role, the
wrong moment. Each kind's table is its own (``domain.steps``, ``domain.coalition_state``,
``domain.silence_state``); ``domain.kinds`` names them all."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict

from domain.convention import Actor, Role
from domain.errors import RuleViolation

S = TypeVar("S")


@dataclass(frozen=True)
class ProcedureStep(Generic[S]):
    """One step of a process whose state is ``S``: the update (``step``) and the event it
    records, its label in a refusal, who may take it, the rule a refusal cites, when it is
    open (``when``) and by which date it is due (``due``; most steps have no deadline)."""

    step: str
    event: str
    label: str
    roles: tuple[Role, ...]
    rule_id: str
    when: Callable[[S], bool]
    due: Callable[[S], date | None] = lambda _: None
    #: whether the step is *waiting* to be taken (listed as pending); by default, whenever it
    #: is open — a step that may be taken but need not be (a second designation, ending a
    #: term early) says otherwise
    pending: Callable[[S], bool] | None = None


class RoleRule(Protocol):
    """What a role check reads of a step: who takes it, its label, the rule it cites."""

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
        raise RuleViolation(rule.rule_id, "{label} is a step for the {roles}; {name} acted as "
                                          "{role}.",
                                          label=rule.label, roles=roles_text(rule.roles),
                                          name=actor.name, role=actor.role.value.replace('_', ' '))


class PendingStep(BaseModel):
    """A step a person may take now: what, by whom, by when, under which rule."""

    model_config = ConfigDict(frozen=True)

    step: str
    label: str
    roles: tuple[Role, ...]
    rule_id: str
    due: date | None = None


def open_steps(table: Sequence[ProcedureStep[S]], state: S, include_engine: bool = False
               ) -> list[PendingStep]:
    """The steps open in ``state``, in the table's order (the engine's own only if asked)."""
    return [PendingStep(step=r.step, label=r.label, roles=r.roles, rule_id=r.rule_id,
                        due=r.due(state))
            for r in table if (r.pending or r.when)(state)
            and (include_engine or Role.ENGINE not in r.roles)]


def check_open(rule: ProcedureStep[S], state: S, where: str) -> None:
    """Refuse ``rule``'s step if it is not open in ``state``; ``where`` names the state (its
    phase) and the refusal lists what is open instead."""
    if rule.when(state):
        return
    raise RuleViolation(rule.rule_id, "{label} is not possible now: {where}.",
                                      label=rule.label, where=where)
