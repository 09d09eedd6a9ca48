"""``audit verify``: every chain and signed checkpoint of the ledger, summed up for a person.
Every snapshot (``audit.snapshots``) is checked too, against the fold of its events.

The checking itself is :func:`ledger.verify.verify`; this adds what an auditor states with the
result — the latest signed checkpoint the verification rests on (its root, size, key and time).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine

from attesting.keyring import Keyring, trust_of
from audit.attestations import Attestations, Registered, check_attestations, in_turn
from audit.attestations import sentence as attested_sentence
from audit.snapshots import check_snapshots
from i18n import _
from identities import People
from ledger import Ledger
from ledger.attested import began, by_event
from ledger.checkpoints import latest_root
from ledger.problems import Problem
from ledger.verify import verify


class Verification(BaseModel):
    """The outcome of a verification, and the signed root it rests on."""

    model_config = ConfigDict(frozen=True)

    events: int
    streams: int
    checkpoints: int
    signatures_checked: bool
    problem: Problem | None = None
    tree_size: int | None = None  # the latest signed checkpoint
    root_hash: str | None = None
    key_id: str | None = None
    taken_at: str | None = None
    #: who stood behind each step (``None``: not checked, no keyring was given)
    attestations: Attestations | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None and (self.attestations is None
                                         or not self.attestations.problems)

    def sentence(self) -> str:
        """One line for a person: intact or not, what was checked, the root it rests on."""
        if self.problem is not None:
            return _("ledger NOT intact: {problem}").format(problem=self.problem)
        if self.attestations is not None and self.attestations.problems:
            return _("ledger NOT intact: {problem}").format(
                problem=attested_sentence(self.attestations))
        intact = _("ledger intact: {events} events in {streams} streams, {checkpoints} "
                   "checkpoint(s)") if self.signatures_checked else _(
            "ledger intact: {events} events in {streams} streams, {checkpoints} checkpoint(s) "
            "(signatures NOT checked: no key)")
        signed = _("rests on the checkpoint of {size} events, root {root}, signed {taken} by "
                   "key {key}…").format(size=self.tree_size, root=self.root_hash,
                                        taken=self.taken_at, key=(self.key_id or "")[:16]
                                        ) if self.root_hash else _("no signed checkpoint yet")
        attested = (attested_sentence(self.attestations) if self.attestations
                    else _("attestations NOT checked: no keyring"))
        return in_turn([intact.format(events=self.events, streams=self.streams,
                                      checkpoints=self.checkpoints), signed, attested])


def verify_ledger(engine: Engine, public_key: Ed25519PublicKey | None,
                  progress: Callable[[int], None] | None = None,
                  keyring: Keyring | None = None) -> Verification:
    """Verify every event, link, checkpoint and signature of the ledger on ``engine`` — and,
    given the deployment's ``keyring``, the attestation of every person's step."""
    report = verify(engine, public_key, progress)
    # snapshots after the chains: a snapshot is checked against events already proven intact
    problem = report.problem or check_snapshots(Ledger(engine))
    attested = attestations_of(engine, keyring) if keyring is not None else None
    # only the latest root: reading every checkpoint again would read all their leaves
    signed = latest_root(engine) or {}
    return Verification(events=report.events, streams=report.streams,
                        checkpoints=report.checkpoints,
                        signatures_checked=report.signatures_checked, problem=problem,
                        attestations=attested, **signed)


def attestations_of(engine: Engine, keyring: Keyring) -> Attestations:
    """Every event's attestation checked against ``keyring`` and the people registry."""
    ledger = Ledger(engine)

    def events() -> Iterator[Any]:
        after = 0
        while batch := ledger.read_after(after, 5_000):
            yield from batch
            after = batch[-1].position

    people = [Registered(**p.model_dump()) for p in People(engine).list()]
    return check_attestations(events(), by_event(engine), trust_of(keyring), people,
                              began(engine))
