"""Who stood behind a step: the attestation the side that authenticated the person signs for
it, and what binds it to the step the engine is asked to record (AT-2).

An entry point (the API, the CLI) that has authenticated a person signs, for each step, a
:class:`Statement`: who (the registered person, their role and the State they represent), what
(the stream, the step, the SHA-256 of the step's canonical input) and when (the version of the
stream they acted on, the moment). The signature is checked against the deployment's published
keys (``contracts.trust``, ``attesting``); this module holds only what needs no key: the
statement, its canonical bytes, and whether it names the step in hand. An attestation is used
once (its nonce is unique in the ledger, AT-3) and never before the version it names: people
acting at once on one stream (three participants joining a coalition) each see an earlier
version than the one their step is recorded at, and that is no reason to refuse them.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.convention import Actor, Role
from domain.errors import RuleViolation

FORMAT: Final = "intersessional-attestation/1"
#: the step of a fact imported from the Convention's record (``intersessional history
#: import``): the ISU person who imported it vouches for the fact, whose actor is who acted
#: then (the President of a meeting, the record), and its input is the event itself
IMPORT_HISTORY: Final = "import_history"
#: what a step's canonical input leaves out: who (the attestation says it) and the attestation
NOT_INPUT = frozenset({"actor", "attestation"})


def canonical(value: Any) -> str:
    """Sorted keys, no insignificant whitespace, ASCII only: the same bytes everywhere."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False)


class Statement(BaseModel):
    """What a signer vouches for; its :meth:`signed_bytes` are what the signature covers."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["intersessional-attestation/1"] = FORMAT
    nonce: str = Field(pattern=r"^[0-9a-f-]{36}$")
    #: the id of the registered person (``identities``); ``None`` for an actor no registry
    #: holds (a scripted scenario), which the audit lists as such
    person: int | None = None
    name: str
    role: Role
    represents: str | None = None
    stream: str
    step: str
    #: the stream's version the person acted on, as the entry point read it from the ledger
    #: (``None``: a sender that did not read it — a scripted scenario, a test)
    version: int | None = Field(default=None, ge=0)
    input_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    issued_at: str

    def signed_bytes(self) -> bytes:
        return canonical(self.model_dump(mode="json")).encode("ascii")

    @property
    def actor(self) -> Actor:
        return Actor(name=self.name, role=self.role, represents=self.represents)


class Attestation(BaseModel):
    """A :class:`Statement`, the id of the key that signed it (SHA-256 of the raw public key)
    and the Ed25519 signature over its bytes (base64)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    statement: Statement
    key_id: str = Field(pattern=r"^[0-9a-f]{64}$")
    signature: str = Field(max_length=100)


class Attested(BaseModel):
    """What every step's command carries beside its data: the attestation of who sent it
    (absent from what a person sends; the entry point adds it)."""

    attestation: Attestation | None = None


def canonical_input(command: BaseModel) -> str:
    """The step's input as the attestation names it: its data, without who or the
    attestation, as canonical JSON."""
    return canonical(command.model_dump(mode="json", exclude=set(NOT_INPUT)))


def input_digest(command: BaseModel) -> str:
    return hashlib.sha256(canonical_input(command).encode("ascii")).hexdigest()


def attestation_of(command: BaseModel) -> Attestation | None:
    found = getattr(command, "attestation", None)
    return found if isinstance(found, Attestation) else None


def bound(command: BaseModel, *, stream: str, step: str, version: int) -> Attestation:
    """The command's attestation if it names ``stream`` at ``version``, ``step``, this very
    input and the command's actor; otherwise the refusal (AT-1 for none at all, AT-2 for one
    that names another step)."""
    attestation = attestation_of(command)
    if attestation is None:
        raise RuleViolation("AT-1", "{step} on {stream} carries no attestation of who sent it; "
                                    "a person's step is taken through the API or the CLI, which "
                                    "sign it.",
                                    step=step, stream=stream)
    said = attestation.statement
    actor = getattr(command, "actor", None)
    mismatch = (
        "another stream" if said.stream != stream else
        "another step" if said.step != step else
        "other data" if said.input_sha256 != input_digest(command) else
        "someone else" if actor is None or said.actor != actor else
        None)
    if mismatch is not None:
        raise RuleViolation("AT-2", "the attestation sent with {step} on {stream} names "
                                    "{mismatch}, so it does not vouch for this step.",
                                    step=step, stream=stream, mismatch=mismatch)
    if said.version is not None and said.version > version:
        raise RuleViolation("AT-2", "the attestation sent with {step} was issued at version "
                                    "{version} of {stream}, which is at version {current}: it "
                                    "vouches for a moment the stream has not reached.",
                                    step=step, version=said.version, stream=stream, current=version)
    return attestation


def mismatch(statement: Statement, *, stream: str, version: int, records: str | None,
             event_type: str, actor: Actor, input_text: str,
             payload: dict[str, Any] | None = None) -> str | None:
    """Why ``statement`` does not vouch for the event recorded at ``version`` of ``stream``
    (of type ``event_type``, by ``actor``, decided from the input ``input_text``, by a step
    that ``records`` that type of event, if the step is known), in one clause; ``None`` if it
    does. What the ledger checks as it keeps an event, and the audit as it reads one.

    An imported fact (step :data:`IMPORT_HISTORY`) is vouched for by the ISU person who
    imported it, not by its actor: it is believed only for an event (``payload``, as recorded)
    that names the document recording it (``source``), attested by someone in the ISU's role,
    with the event itself as its input."""
    digest = hashlib.sha256(input_text.encode("utf-8")).hexdigest()
    if statement.step == IMPORT_HISTORY:
        return ("it names another stream" if statement.stream != stream else
                f"it was issued at version {statement.version}, after the event's ({version})"
                if statement.version is not None and statement.version >= version else
                "it imports history, but the event names no source document"
                if payload is None or not payload.get("source") else
                f"history is imported by the ISU, not by someone in the role "
                f"{statement.role.value}" if statement.role is not Role.ISU else
                "the input kept with it is not the input it names"
                if digest != statement.input_sha256 else
                "the input kept with it is not the event" if canonical(payload) != input_text
                else None)
    return ("it names another stream" if statement.stream != stream else
            f"it was issued at version {statement.version}, after the event's ({version})"
            if statement.version is not None and statement.version >= version else
            f"its step ({statement.step}) does not record {event_type}"
            if records != event_type else
            "it names someone other than the event's actor" if statement.actor != actor else
            "the input kept with it is not the input it names"
            if digest != statement.input_sha256 else None)
