"""Recording a history file: each year whole, in one ledger transaction, or not at all.

Per year, in the file's order: a year the ledger already holds as this file records it (the
same deterministic event ids) is "already recorded"; a year it holds otherwise is refused
(HI-1), unless its record is incomplete and the file only names more coordinators: then they
are added in one event (HI-2, ``history.completing``); any other year is judged from the
state the record leaves (the year before, as this run built it or as the ledger holds it) and
appended to its empty stream ``cycle-<year>`` with the historical ``occurred_at`` (the ledger
sets ``recorded_at``: now). Every event is
attested by the ISU person running the import: step ``import_history``, input the event's
canonical JSON. The first refused year stops the import; the years before it stay recorded.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from attesting.signer import Signer
from contracts import cycle_id
from domain.attestation import IMPORT_HISTORY, Statement, canonical
from domain.convention import Role, State
from domain.cycle import fold
from domain.events import parse_event
from domain.state import CycleState
from history import carrying
from history.building import build
from history.checks import read
from history.completing import completion
from history.format import HistoryFile
from history.judging import BuiltYear
from history.lines import HistoryRefusal, Lines
from ledger import Ledger, NewEvent, StoredEvent
from ledger.encoding import canonical_time
from ledger.errors import WrongExpectedVersion


@dataclass(frozen=True)
class Importer:
    """Who imports (a registered ISU person: their id and name) and the signer that vouches
    for them; ``None`` for a dry run, which records nothing."""

    person: int
    name: str
    signer: Signer


@dataclass
class YearOutcome:
    year: int
    outcome: str  # recorded | already recorded | would be recorded | refused | not attempted
    events: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class Imported:
    """What an import did, year by year, and the refusal that stopped it, if one did."""

    years: list[YearOutcome] = field(default_factory=list)
    refusal: HistoryRefusal | None = None


def _attestation(importer: Importer, stream: str, payload: dict[str, object]
                 ) -> dict[str, str]:
    text = canonical(payload)
    statement = Statement(
        nonce=str(uuid.uuid4()), person=importer.person, name=importer.name, role=Role.ISU,
        represents=None, stream=stream, step=IMPORT_HISTORY, version=0,
        input_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        issued_at=canonical_time(datetime.now(UTC)))
    vouched = importer.signer.vouch(statement)
    return {"nonce": statement.nonce, "key_id": vouched.key_id,
            "statement": canonical(statement.model_dump(mode="json")),
            "signature": vouched.signature, "input": text}


def _batch(built: BuiltYear, stream: str, importer: Importer) -> list[NewEvent]:
    batch = []
    for n, fact in enumerate(built.facts):
        event = fact.event
        payload = event.model_dump(mode="json")
        batch.append(NewEvent(
            event_id=carrying.event_id(built.digest, stream, n), type=event.type,
            schema_version=event.schema_version, payload=payload, actor=event.actor.name,
            role=event.actor.role.value, occurred_at=event.occurred_at,
            attestation=_attestation(importer, stream, payload)))
    return batch


def _complete(file: HistoryFile, i: int, held: tuple[list[StoredEvent], CycleState],
              ledger: Ledger, lines: Lines, *, importer: Importer | None,
              registry: Mapping[str, State], done: Imported,
              previous: CycleState | None) -> YearOutcome:
    """A year the ledger holds otherwise than this file: completed (HI-2) if its record is
    incomplete and the file only names more coordinators; else refused (HI-1)."""
    y, (stored, state) = file.years[i], held
    stream = cycle_id(y.year)
    try:
        if state.incomplete is None:
            raise HistoryRefusal("HI-1", f"the ledger already holds the {y.year} cycle "
                                 f"({len(stored)} events), not as this file records it; a "
                                 "year is recorded once", lines.of(("years", i)), y.year)
        before = previous if previous is not None else _recorded(ledger, y.year - 1)
        event = completion(file, i, stored, state, built=build(file, i, before, lines, registry),
                           lines=lines, registry=registry)
        if event is None:
            return YearOutcome(y.year, "already recorded", len(stored))
        if importer is not None:
            payload = event.model_dump(mode="json")
            ledger.append(stream, [NewEvent(
                event_id=carrying.event_id(carrying.digest(file, y), stream, len(stored)),
                type=event.type, schema_version=event.schema_version, payload=payload,
                actor=event.actor.name, role=event.actor.role.value,
                occurred_at=event.occurred_at,
                attestation=_attestation(importer, stream, payload))],
                expected_version=len(stored))
    except (HistoryRefusal, WrongExpectedVersion) as refused:
        done.refusal = refused if isinstance(refused, HistoryRefusal) else HistoryRefusal(
            "HI-1", f"the {y.year} cycle was recorded by someone else while this import "
            "judged it", None, y.year)
        return YearOutcome(y.year, "refused")
    return YearOutcome(y.year, "completed" if importer else "would be completed", 1,
                       [f"{len(event.terms)} coordinator(s) added: "
                        f"{', '.join(t.state for t in event.terms)}"])


def _recorded(ledger: Ledger, year: int) -> CycleState | None:
    stored = ledger.read_stream(cycle_id(year))
    return fold(parse_event(s.payload) for s in stored) if stored else None


def import_history(text: str, ledger: Ledger, registry: Mapping[str, State],
                   importer: Importer | None) -> Imported:
    """Import the history file ``text`` into ``ledger`` (``importer`` ``None``: a dry run)."""
    done = Imported()
    try:
        file, lines = read(text, registry)
    except HistoryRefusal as refused:
        done.refusal = refused
        return done
    states: dict[int, CycleState] = {}
    for i, y in enumerate(file.years):
        if done.refusal is not None:
            done.years.append(YearOutcome(y.year, "not attempted"))
            continue
        stream, digest = cycle_id(y.year), carrying.digest(file, y)
        stored = ledger.read_stream(stream)
        if stored:
            held = fold(parse_event(s.payload) for s in stored)
            if all(s.event_id == carrying.event_id(digest, stream, n)
                   for n, s in enumerate(stored)):
                states[y.year] = held
                done.years.append(YearOutcome(y.year, "already recorded", len(stored)))
                continue
            done.years.append(_complete(file, i, (stored, held), ledger, lines,
                                        importer=importer, registry=registry, done=done,
                                        previous=states.get(y.year - 1)))
            states[y.year] = _recorded(ledger, y.year) or held  # with its completion, if any
            continue
        previous = states[y.year - 1] if y.year - 1 in states else _recorded(ledger,
                                                                            y.year - 1)
        try:
            built = build(file, i, previous, lines, registry)
            if importer is not None:
                ledger.append(stream, _batch(built, stream, importer), expected_version=0)
        except HistoryRefusal as refused:
            done.refusal = refused
            done.years.append(YearOutcome(y.year, "refused"))
            continue
        except WrongExpectedVersion:
            done.refusal = HistoryRefusal("HI-1", f"the {y.year} cycle was recorded by someone "
                                          "else while this import judged it", None, y.year)
            done.years.append(YearOutcome(y.year, "refused"))
            continue
        states[y.year] = built.state
        done.years.append(YearOutcome(
            y.year, "recorded" if importer else "would be recorded", len(built.facts),
            [str(w) for w in built.state.warnings]))
    return done
