"""The kinds of process the engine runs, one entry each: the annual cycle, the country
coalition (7MSP) and the silence procedure.

An entry says everything the engine's one machinery needs of a kind: its stream names (the
workflow id is the stream), the workflow type that runs it, its state and how events fold into
it, how a command becomes an event (``decide``, judged by ``apply``), and its steps — for each,
the update's name, who may send it, its input model and the rule a refusal cites. The
workflows, the step client (``stepping``), the reader (``reading``), the CLI, the API, the
dashboard and the audit read a kind only through its entry. A new kind of process is one domain
module (state, events, commands, ``apply``, ``decide``) and one entry in :data:`KINDS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, TypeAdapter

from domain import coalition, coalition_events, commands, events, silence, silence_events
from domain import cycle as cycle_rules
from domain import decide as cycle_decide
from domain.authority import Record
from domain.coalition_state import STEPS as COALITION_STEPS
from domain.coalition_state import CoalitionPhase, CoalitionState
from domain.convention import State
from domain.procedure import PendingStep, ProcedureStep, open_steps
from domain.rules import N_
from domain.silence_state import STEPS as SILENCE_STEPS
from domain.silence_state import SilenceState
from domain.state import CycleState, Phase
from domain.steps import STEPS as CYCLE_STEPS

S = TypeVar("S", bound=BaseModel)
Registry = Mapping[str, State]


@dataclass(frozen=True)
class Kind(Generic[S]):
    """One kind of process. ``begins`` is the step that begins a stream (its command is the
    workflow's argument) and ``began`` the update that waits for its receipt; ``commands``
    maps every step a person sends to its input model (the update of the same name takes
    it). ``begin`` judges a beginning on a stream not yet begun, ``decide`` any later step;
    both return the event to record or raise the ``RuleViolation`` that refuses it."""

    name: str
    title: str
    prefix: str
    workflow: str
    state: type[S]
    event: TypeAdapter[Any]
    apply: Callable[[S, Any], S]
    steps: tuple[ProcedureStep[S], ...]
    commands: Mapping[str, type[BaseModel]]
    begins: str
    began: str
    begin: Callable[[str, Any, Registry, datetime], Any]
    decide: Callable[[S, Any, Registry, datetime], Any]
    phase: Callable[[S], str]
    #: the name of the stream ``command`` begins at ``at`` — whole (``cycle-2027``: one per
    #: year) or, where ``numbered``, the prefix a number completes (``coalition-lao-``)
    stream_name: Callable[[Any, datetime], str]
    numbered: bool = True
    #: a stream's name as people write it (``coalition-<iso3>-<n>``), for a sentence that asks
    #: for one; by default the prefix, then what completes it
    form: str = ""
    #: whether a stream in ``state`` has ended: its workflow has nothing more to do (the
    #: engine's recovery restarts only the streams that have not)
    ended: Callable[[Any], bool] = lambda _state: False
    #: whether the actor of ``command`` holds, on ``at``'s date, the role they act in, as the
    #: record given says (``domain.authority``); the annual cycle holds its record in its
    #: state and judges it in ``apply``, so it needs none given
    authority: Callable[[S, Any, Record, datetime], None] = lambda *_: None
    #: whether the kind's workflow reads the record (``contracts.READ_RECORD``) to judge steps
    reads_record: bool = False
    by_step: Mapping[str, ProcedureStep[S]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_step", {row.step: row for row in self.steps})
        if not self.form:
            object.__setattr__(self, "form", f"{self.prefix}…")

    def fold(self, recorded: Iterable[Any]) -> S:
        """The state after ``recorded`` (events or their payloads), judged one by one."""
        state = self.state()
        for event in recorded:
            state = self.apply(state, event if isinstance(event, BaseModel)
                               else self.event.validate_python(event))
        return state

    def pending(self, state: S, include_engine: bool = False) -> list[PendingStep]:
        """The steps open in ``state``: what, by whom, by when, under which rule."""
        return open_steps(self.steps, state, include_engine)

    def step_of(self, command: BaseModel) -> str:
        """The step (and update) that takes ``command``."""
        return next(name for name, model in self.commands.items() if type(command) is model)

    def owns(self, stream: str) -> bool:
        return stream.startswith(self.prefix)


def _cycle_phase(state: CycleState) -> str:
    return state.phase.value


CYCLE: Kind[CycleState] = Kind(
    name="cycle", title=N_("annual cycle"), prefix="cycle-", workflow="AnnualCycle",
    state=CycleState, event=events.CYCLE_EVENT, apply=cycle_rules.apply, steps=CYCLE_STEPS,
    commands={"open_cycle": commands.OpenCycle,
              **{step.value: model for step, model in commands.COMMANDS.items()}},
    begins="open_cycle", began="wait_opened",
    begin=lambda _stream, command, _registry, at: cycle_decide.opening(command, (), (), at),
    decide=cycle_decide.decide, phase=_cycle_phase,
    stream_name=lambda command, _at: f"cycle-{command.year}", numbered=False,
    form="cycle-<year>", ended=lambda state: state.phase is Phase.CLOSED)

COALITION: Kind[CoalitionState] = Kind(
    name="coalition", title=N_("country coalition"), prefix="coalition-", workflow="Coalition",
    state=CoalitionState, event=coalition_events.COALITION_EVENT, apply=coalition.apply,
    steps=COALITION_STEPS, commands=coalition_events.COMMANDS,
    begins="identify_candidate", began="wait_identified", begin=coalition.identification,
    decide=lambda state, command, _registry, at: coalition.decide(state, command, at),
    phase=lambda state: state.phase.value,
    # lower case, as every ledger stream name is, so that workflow id and stream are one name
    stream_name=lambda command, _at: f"coalition-{(command.charter.affected_state or '').lower()}-",
    form="coalition-<iso3>-<n>", ended=lambda state: state.phase is CoalitionPhase.CLOSED,
    authority=coalition.authority, reads_record=True)

SILENCE: Kind[SilenceState] = Kind(
    name="silence", title=N_("silence procedure"), prefix="silence-", workflow="SilenceProcedure",
    state=SilenceState, event=silence_events.SILENCE_EVENT, apply=silence.apply,
    steps=SILENCE_STEPS, commands=silence_events.COMMANDS,
    begins="circulate_text", began="wait_circulated",
    begin=lambda stream, command, _registry, at: silence.circulation(stream, command, at),
    decide=silence.decide, phase=lambda state: state.phase.value,
    stream_name=lambda _command, at: f"silence-{at.year}-", form="silence-<year>-<n>",
    ended=lambda state: state.finished, authority=silence.authority, reads_record=True)

#: every kind, by name
KINDS: dict[str, Kind[Any]] = {kind.name: kind for kind in (CYCLE, COALITION, SILENCE)}


def kind_of(stream: str) -> Kind[Any]:
    """The kind whose streams ``stream`` is one of; ``KeyError`` for none."""
    for kind in KINDS.values():
        if kind.owns(stream):
            return kind
    raise KeyError(f"no kind of process records a stream named {stream}")
