"""What a fourth kind of process costs: one domain module, one entry, its tests — here all in
this file. An Article 7 reporting round (a States Party's annual transparency report, CCM
Article 7) runs on the engine's one machinery: the generic workflow core records its steps in
the ledger, the step client begins it and takes its steps, the reader folds it; nothing of
``workflows/``, ``activities/``, ``contracts/``, ``stepping/`` or ``reading/`` changes.
docs/ARCHITECTURE.md counts its lines."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import pytest
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter
from temporalio import workflow
from temporalio.worker import Worker

from contracts import Receipt
from domain import kinds
from domain import rules as catalogue
from domain.attestation import Attested
from domain.convention import Actor, Role
from domain.errors import RuleViolation
from domain.procedure import ProcedureStep, check_open, check_role
from reading.streams import state_of
from stepping import client as step_client
from tests.workflows.conftest import Engine
from worker import cycle_activities
from workflows.core import ProcessCore

# --- the domain module: state, events, commands, apply, decide -----------------------------


class Round(BaseModel):
    model_config = ConfigDict(frozen=True)

    round: str | None = None
    reports: tuple[str, ...] = ()
    closed: bool = False
    event_count: int = 0


class RoundEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: int = 1
    round: str
    occurred_at: AwareDatetime
    actor: Actor


class RoundOpened(RoundEvent):
    type: Literal["RoundOpened"] = "RoundOpened"


class ReportSubmitted(RoundEvent):
    type: Literal["ReportSubmitted"] = "ReportSubmitted"
    state: str


class RoundClosed(RoundEvent):
    type: Literal["RoundClosed"] = "RoundClosed"


AnyRoundEvent = Annotated[RoundOpened | ReportSubmitted | RoundClosed, Field(discriminator="type")]


class OpenRound(Attested):
    model_config = ConfigDict(frozen=True, extra="forbid")
    actor: Actor


class SubmitReport(OpenRound):
    """A State Party's delegate submits its Article 7 report."""


class CloseRound(OpenRound):
    """The ISU closes the round."""


STEPS = (
    ProcedureStep[Round]("open_round", "RoundOpened", "opening a reporting round", (Role.ISU,),
                         "ART7-1", lambda s: s.round is None),
    ProcedureStep[Round]("submit_report", "ReportSubmitted", "submitting a report",
                         (Role.DELEGATE,), "ART7-2", lambda s: s.round is not None
                         and not s.closed),
    ProcedureStep[Round]("close_round", "RoundClosed", "closing the round", (Role.ISU,),
                         "ART7-1", lambda s: s.round is not None and not s.closed),
)
BY_EVENT = {s.event: s for s in STEPS}


def apply(state: Round, event: RoundOpened | ReportSubmitted | RoundClosed) -> Round:
    rule = BY_EVENT[event.type]
    check_role(rule, event.actor)
    check_open(rule, state, "the round is closed" if state.closed else "the round is open")
    if isinstance(event, ReportSubmitted) and event.state in state.reports:
        raise RuleViolation("ART7-2", f"{event.state} has reported in this round already.")
    after = state.model_copy(update={
        "round": event.round, "closed": isinstance(event, RoundClosed),
        "reports": (*state.reports, event.state) if isinstance(event, ReportSubmitted)
        else state.reports})
    return after.model_copy(update={"event_count": state.event_count + 1})


def decide(state: Round, command: Any, _registry: Any, at: datetime) -> RoundEvent:
    common = {"round": state.round or "", "occurred_at": at, "actor": command.actor}
    event = (ReportSubmitted(**common, state=command.actor.represents or "")
             if isinstance(command, SubmitReport) else RoundClosed(**common))
    apply(state, event)
    return event


def begin(stream: str, command: Any, _registry: Any, at: datetime) -> RoundOpened:
    event = RoundOpened(round=stream, occurred_at=at, actor=command.actor)
    apply(Round(), event)
    return event


# --- its entry in the registry of kinds ----------------------------------------------------

ARTICLE7 = kinds.Kind(
    name="article7", title="Article 7 reporting round", prefix="article7-",
    workflow="Article7Round", state=Round, event=TypeAdapter(AnyRoundEvent), apply=apply,
    steps=STEPS, commands={"open_round": OpenRound, "submit_report": SubmitReport,
                           "close_round": CloseRound},
    begins="open_round", began="wait_opened", begin=begin, decide=decide,
    phase=lambda s: "closed" if s.closed else "open",
    stream_name=lambda _command, at: f"article7-{at.year}-")


# --- its thin workflow class ---------------------------------------------------------------

@workflow.defn(name="Article7Round", sandboxed=False)
class Article7Workflow(ProcessCore[Round]):
    KIND = ARTICLE7

    @workflow.init
    def __init__(self, opening: OpenRound) -> None:
        self._setup()

    @workflow.run
    async def run(self, opening: OpenRound) -> int:
        stream = workflow.info().workflow_id
        await self._begin(opening, lambda command: begin(stream, command, {}, workflow.now()))
        await workflow.wait_condition(lambda: self._state.closed and not self._lock.locked())
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state.event_count

    @workflow.update
    async def wait_opened(self) -> Receipt:
        return await self._began()


# --- its tests -----------------------------------------------------------------------------

ISU = Actor(name="Isabel Unit", role=Role.ISU)
LAO = Actor(name="Khamphone S.", role=Role.DELEGATE, represents="LAO")


#: its rules, as domain/rules.py would list them
RULES = {"ART7-1": ("CCM Art. 7(2)", "the ISU opens and closes a reporting round"),
         "ART7-2": ("CCM Art. 7(2)", "each State Party reports once a round")}


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(kinds.KINDS, ARTICLE7.name, ARTICLE7)
    for rule_id, rule in RULES.items():
        monkeypatch.setitem(catalogue.RULES, rule_id, rule)


@pytest.mark.usefixtures("registered")
async def test_a_fourth_kind_runs_on_the_one_machinery(engine_parts: Engine) -> None:
    e = engine_parts
    acts = cycle_activities(e.ledger, e.settings)
    async with Worker(e.client, task_queue=e.task_queue, workflows=[Article7Workflow],
                      activities=acts, activity_executor=e.executor):
        stream, opened = await step_client.begin(e.client, ARTICLE7, OpenRound(actor=ISU),
                                                 e.task_queue)
        assert (stream, opened.version) == (f"article7-{datetime.now().year}-1", 1)
        await step_client.take(e.client, ARTICLE7, stream, SubmitReport(actor=LAO))
        head = e.ledger.head()
        with pytest.raises(RuleViolation) as twice:
            await step_client.take(e.client, ARTICLE7, stream, SubmitReport(actor=LAO))
        assert twice.value.rule_id == "ART7-2"
        with pytest.raises(RuleViolation) as wrong_role:
            await step_client.take(e.client, ARTICLE7, stream, CloseRound(actor=LAO))
        assert wrong_role.value.rule_id == "ART7-1"
        assert e.ledger.head() == head  # refused: nothing recorded
        await step_client.take(e.client, ARTICLE7, stream, CloseRound(actor=ISU))
        assert await e.client.get_workflow_handle(stream).result() == 3
    recorded = e.ledger.read_stream(stream)
    assert [r.type for r in recorded] == ["RoundOpened", "ReportSubmitted", "RoundClosed"]
    folded: Round = state_of(e.ledger, stream)
    assert (folded.reports, folded.closed) == (("LAO",), True)


def test_a_kind_is_known_by_its_streams_only_once_registered() -> None:
    with pytest.raises(KeyError):
        kinds.kind_of("article7-2027-1")
    assert kinds.kind_of("coalition-lao-1") is kinds.COALITION
