"""Who stood behind each step, checked offline: every event a person's step recorded carries
an attestation that verifies with a key the deployment publishes and vouches for that very
event (its stream, version, step, actor and input); the engine's own events need none.

:func:`check_attestations` reads what ``audit verify`` reads from the database and
``audit verify-bundle`` from a bundle — the events, the kept attestations, the keyring, and the
people registry where there is one — and names every event whose attestation is missing,
altered, signed by an unknown or revoked key, or vouches for something else. It also lists the
actors the people registry did not hold, in that role, on the day they acted: not a fault of
the record, but what an auditor must see.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from contracts.trust import Trust
from domain.attestation import Attestation, Statement, canonical, mismatch
from domain.convention import Actor
from domain.kinds import kind_of
from i18n import _
from ledger.attested import KeptAttestation

ENGINE = "engine"


class Registered(BaseModel):
    """What the check reads of a registered person (``identities.Person`` has it)."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    role: str
    represents: str | None
    created_at: str
    revoked_at: str | None


class Unattested(BaseModel):
    """An event whose attestation cannot be believed, and why, in one sentence."""

    model_config = ConfigDict(frozen=True)

    position: int
    stream: str
    version: int
    event_id: str
    type: str
    problem: str

    def __str__(self) -> str:
        return (f"event {self.event_id} ({self.type}, version {self.version} of "
                f"{self.stream}, position {self.position}): {self.problem}")


class Unregistered(BaseModel):
    """An attested actor the people registry did not hold so on the day they acted."""

    model_config = ConfigDict(frozen=True)

    position: int
    stream: str
    name: str
    role: str
    represents: str | None
    person: int | None
    acted_at: str


class Attestations(BaseModel):
    """The outcome: how many events are attested, by whom, and what is wrong."""

    model_config = ConfigDict(frozen=True)

    attested: int = 0
    by_engine: int = 0
    #: people's events recorded before the ledger kept attestations (migration 0005)
    before_attestations: int = 0
    #: the kinds (event types) of the events no person's attestation stands behind — the
    #: engine's own and those recorded before attestations were kept — and how many of each
    unsigned_kinds: dict[str, int] = {}
    by_person: dict[str, int] = {}
    problems: list[Unattested] = []
    unregistered: list[Unregistered] = []
    registry_checked: bool = False


def _believed(event: Any, kept: KeptAttestation | None, trust: Trust) -> Statement | str:
    """The statement of ``event``'s attestation (``event`` a stored event) if it can be
    believed; otherwise why not, in one clause."""
    if kept is None:
        return ("it records a step by a person, but no attestation stands beside it "
                "(removed, or recorded around the engine)")
    try:
        statement = Statement.model_validate_json(kept.statement)
        attestation = Attestation(statement=statement, key_id=kept.key_id,
                                  signature=kept.signature)
    except ValidationError:
        return "its attestation is not one (altered)"
    if canonical(statement.model_dump(mode="json")) != kept.statement \
            or statement.nonce != kept.nonce:
        return "its attestation was altered"
    if (distrust := trust.problem(attestation, signed_by=event.recorded_at)) is not None:
        return f"its attestation cannot be believed: {distrust}"
    rule = kind_of(event.stream).by_step.get(statement.step)
    actor = Actor.model_validate(event.payload.get("actor"))
    found = mismatch(statement, stream=event.stream, version=event.version,
                     records=rule.event if rule else None, event_type=event.type, actor=actor,
                     input_text=kept.input, payload=event.payload)
    if found is not None:
        return f"its attestation does not vouch for it: {found}"
    if statement.issued_at > event.recorded_at:
        return "its attestation was issued after the event was recorded"
    return statement


def _registered(statement: Statement, people: Mapping[int, Registered]) -> bool:
    person = people.get(statement.person) if statement.person is not None else None
    return person is not None and (person.name, person.role, person.represents) == (
        statement.name, statement.role.value, statement.represents) \
        and person.created_at <= statement.issued_at \
        and (person.revoked_at is None or statement.issued_at < person.revoked_at)


def check_attestations(events: Iterable[Any], kept: Mapping[str, KeptAttestation],
                       trust: Trust, people: Sequence[Registered] | None = None,
                       began: int = 1) -> Attestations:
    """Check the attestation of every one of ``events`` (stored events, in any order); a
    person's event before position ``began`` was recorded before attestations existed."""
    registry = {p.id: p for p in people} if people is not None else None
    attested, engine, before, by_person = 0, 0, 0, Counter[str]()
    unsigned = Counter[str]()
    problems: list[Unattested] = []
    unregistered: list[Unregistered] = []
    for event in events:
        held = kept.get(str(event.event_id))
        if held is None and event.role == ENGINE:
            engine += 1
            unsigned[event.type] += 1
            continue
        if held is None and event.position < began:
            before += 1
            unsigned[event.type] += 1
            continue
        statement = _believed(event, held, trust)
        if isinstance(statement, str):
            problems.append(Unattested(position=event.position, stream=event.stream,
                                       version=event.version, event_id=str(event.event_id),
                                       type=event.type, problem=statement))
            continue
        attested += 1
        by_person[f"{statement.name} ({statement.role.value.replace('_', ' ')}"
                  f"{', ' + statement.represents if statement.represents else ''})"] += 1
        if registry is not None and not _registered(statement, registry):
            unregistered.append(Unregistered(
                position=event.position, stream=event.stream, name=statement.name,
                role=statement.role.value, represents=statement.represents,
                person=statement.person, acted_at=statement.issued_at))
    return Attestations(attested=attested, by_engine=engine, before_attestations=before,
                        by_person=dict(by_person), unsigned_kinds=dict(unsigned),
                        problems=problems, unregistered=unregistered,
                        registry_checked=registry is not None)


def sentence(found: Attestations) -> str:
    """One line for a person, in the language of the moment: how many steps are attested,
    and the first problem."""
    if found.problems:
        if len(found.problems) > 1:
            return _("attestation NOT believed: {problem} (and {more} more)").format(
                problem=found.problems[0], more=len(found.problems) - 1)
        return _("attestation NOT believed: {problem}").format(problem=found.problems[0])
    said = [_("{steps} step(s) attested, by {people} person(s)").format(
                steps=found.attested, people=len(found.by_person)),
            _("{events} event(s) by the engine itself").format(events=found.by_engine)]
    if found.before_attestations:
        said.append(_("{count} recorded before attestations were kept").format(
            count=found.before_attestations))
    if found.unregistered:
        said.append(_("{count} by someone the people registry did not hold so that day")
                    .format(count=len(found.unregistered)))
    return in_turn(said)


def in_turn(parts: Sequence[str]) -> str:
    """``a; b; c`` as the language of the moment separates the parts of one sentence."""
    said = parts[0] if parts else ""
    for part in parts[1:]:
        said = _("{one}; {other}").format(one=said, other=part)
    return said
