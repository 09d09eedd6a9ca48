"""The silence procedure's section of the Review Conference's report (SP-1 … SP-4, an
extension: later practice, not in the seed papers), read from the procedures' own ledger
streams (``silence-<year>-<n>``).

A procedure is in the report when one of its events occurred (the Convention's time,
``occurred_at``) in the years. Its events up to the end of the last year are read and judged
again (:class:`audit.review.section.Read`), each step kept with who took it, when, and where
the ledger keeps it. Later events are left out, and counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from audit.review.facts import Fact, Taken, taken
from audit.review.section import Made, Read, Section, Years, up_to
from audit.years import year_of
from domain import silence_events as se
from domain.coalitions import Document
from domain.convention import State
from domain.silence import SilencePhase, SilenceState
from ledger import StoredEvent


class Objection(Fact):
    #: the objecting State as judged (SP-2); none for ICRC, UN or CMC objecting among the
    #: committee (CC-5), named by ``taken.represents``
    standing: State | None = None
    objection: str
    taken: Taken


class Circulation(Fact):
    number: int
    text: Document
    deadline: datetime
    taken: Taken
    objections: tuple[Objection, ...] = ()
    outcome: Literal["adopted", "not adopted"] | None = None  # at the deadline (SP-3)
    decided: Taken | None = None


class SilenceFacts(Fact):
    procedure: str
    subject: str
    phase: SilencePhase
    circulations: tuple[Circulation, ...]
    withdrawn: Taken | None = None
    withdrawn_because: str | None = None
    later: int = 0

    @property
    def outcome(self) -> str:
        """adopted, not adopted, withdrawn — or where it stands."""
        return self.phase.value.replace("_", " ")

    @property
    def ended(self) -> Taken | None:
        """The step that gave the outcome: the withdrawal, else the last deadline's."""
        return self.withdrawn or self.circulations[-1].decided


def _reads(_stream: str, recorded: Sequence[StoredEvent], years: Years
           ) -> Sequence[StoredEvent]:
    """Up to the years' end, if one of its steps was taken in them."""
    shown = up_to(recorded, years)
    return shown if any(year_of(e) in years for e in shown) else []


def _make(read: Sequence[Read], _years: Years) -> Made:
    return tuple(_silence(r) for r in read), {}


def _silence(read: Read) -> SilenceFacts:
    state: SilenceState = read.judged()
    facts: dict[str, Any] = {"procedure": read.stream, "phase": state.phase,
                             "later": read.later, "subject": state.subject or ""}
    circulations: list[Circulation] = []
    for s, e in read.events:
        step = taken(s, e)
        match e:
            case se.TextCirculated() | se.TextRecirculated():
                circulations.append(Circulation(number=len(circulations) + 1, text=e.text,
                                                deadline=e.deadline, taken=step))
            case se.SilenceBroken():
                last = circulations[-1]
                circulations[-1] = last.model_copy(update={"objections": (
                    *last.objections, Objection(standing=e.standing, objection=e.objection,
                                                taken=step))})
            case se.DecisionAdoptedBySilence() | se.DecisionNotAdopted():
                outcome = ("adopted" if isinstance(e, se.DecisionAdoptedBySilence)
                           else "not adopted")
                circulations[-1] = circulations[-1].model_copy(
                    update={"outcome": outcome, "decided": step})
            case se.TextWithdrawn():
                facts |= {"withdrawn": step, "withdrawn_because": e.reason}
    return SilenceFacts(**facts, circulations=tuple(circulations))


def summary(state: SilenceState) -> str:
    """The procedure in one sentence: its subject, its circulation, the objections."""
    if state.text is None:
        return "not circulated"
    objections = "; ".join(f"{s} objects: {o}" for s, o in state.objections) or "none"
    return (f"{state.subject!r}: circulation {state.circulation} of "
            f"{state.text.reference}, silence until "
            f"{state.deadline.isoformat() if state.deadline else '—'}; objections: "
            f"{objections}")


SECTION = Section(field="procedures", reads=_reads, make=_make, summary=summary)
