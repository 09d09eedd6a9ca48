"""``audit export``: years of the ledger in one ZIP that an auditor verifies offline.

The bundle (format ``intersessional-audit-bundle/1``, deflated) holds, for the streams of the
chosen years (``cycle-A`` … ``cycle-B``, and every country coalition's and silence procedure's
stream with an event that occurred in them, whole: :func:`bundle_streams`):

- ``events.log``: one line per event, in position order: the event's canonical record text
  exactly as hashed (``ledger.encoding.record_text``), U+001F, its stored hash, LF. Record
  texts hold no character below U+0020, so the lines split unambiguously.
- ``checkpoints.json``: every signed checkpoint of the ledger (signature in base64), and
  ``checkpoints/<tree_size>.leaves``: the event hashes each one added, as stored with it.
- ``proofs.json``: RFC 9162 inclusion proofs of each stream's last event under the latest
  checkpoint, and consistency proofs between consecutive checkpoints.
- ``public-key.pem`` (when known) and ``histories/<workflow id>.<run id>.json``: the
  Temporal histories of the workflow runs of those streams (``WorkflowHistory.to_json``;
  a stream's name is its workflow's id).
- ``attestations.json`` (given the keyring): the attestations of those events, the keyring
  and the people registry (``audit.bundle_attested``).
- ``documents/<sha256>``: every document the bundled events name by hash that the document
  store holds (``domain.attachments.referenced``: a work plan's attachments, which the
  verifier requires, and the documents steps named by reference and hash).
- ``manifest.json``: what the bundle holds, and the SHA-256 of every other member.

Export writes what the database holds, tampered or not: finding out is the verifier's job
(``audit.offline``). It needs no private key. The members' models are ``audit.bundle_format``.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import zipfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy import Engine, select
from temporalio.client import WorkflowHistory

from attesting.keyring import Keyring
from audit.bundle_attested import bundled
from audit.bundle_format import (
    ATTESTED,
    CHECKPOINTS,
    EVENTS,
    FORMAT,
    KEY,
    MANIFEST,
    PROOFS,
    CheckpointRoot,
    Consistency,
    HistoryEntry,
    Inclusion,
    Manifest,
    MissingHistory,
    Progress,
    Proofs,
    SignedCheckpoint,
    document_file,
    history_file,
    leaves_file,
    year_streams,
)
from audit.tree import ProofTree
from audit.years import is_process, touching
from contracts import cycle_id
from documents import Store
from domain.attachments import referenced
from ledger import Ledger
from ledger.checkpoints import Checkpoint, all_checkpoints, key_id
from ledger.diagnose import batches
from ledger.encoding import SEPARATOR, canonical_time, record_text
from ledger.merkle import leaf_hash
from ledger.records import header
from ledger.schema import ledger_head

__all__ = ["Progress", "bundle_streams", "export_bundle"]  # Progress: export_bundle's callback


def bundle_streams(engine: Engine, from_year: int, to_year: int) -> list[str]:
    """The streams a bundle of ``from_year`` … ``to_year`` holds: the years' cycles, then every
    coalition and silence procedure with an event that occurred in those years — whole, as a
    stream's chain begins with its first event."""
    return year_streams(from_year, to_year) + touching(Ledger(engine),
                                                       range(from_year, to_year + 1))


class _Zip:
    """A ZIP being written, remembering the SHA-256 of each member."""

    def __init__(self, path: Path) -> None:
        # level 1: a third of the default's time for millions of lines, hardly larger
        self.zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True,
                                   compresslevel=1)
        self.files: dict[str, str] = {}

    def put(self, name: str, data: bytes) -> None:
        self.zip.writestr(name, data)
        self.files[name] = hashlib.sha256(data).hexdigest()


def _events(engine: Engine, streams: Sequence[str], into: _Zip, *, signed: int, head: int,
            progress: Progress | None, named: set[str]) -> tuple[int, dict[str, int]]:
    """Write ``events.log``; return the number of events and, per stream, the position of its
    last event under the latest checkpoint (``signed`` events); add to ``named`` the SHA-256
    of every document an event names. The log is read whole, in position order (its primary
    key: no sort), through the driver's cursor."""
    wanted, digest, count, heads = set(streams), hashlib.sha256(), 0, dict[str, int]()
    scanned = 0
    with into.zip.open(EVENTS, "w", force_zip64=True) as out:
        for batch in batches(engine):
            rows = [row for row in batch if row[2] in wanted]
            named.update(sha for row in rows if '"sha256"' in row[15]
                         for sha, _ in referenced(json.loads(row[15])))
            text = "".join([f"{record_text(header(row), row[15])}{SEPARATOR}{row[14]}\n"
                            for row in rows]).encode()
            out.write(text)
            digest.update(text)
            heads.update((row[2], row[0]) for row in rows if row[0] <= signed)
            count, scanned = count + len(rows), scanned + len(batch)
            if progress is not None:
                progress(scanned, max(head, scanned))
    into.files[EVENTS] = digest.hexdigest()
    return count, heads


def export_bundle(engine: Engine, public_key_pem: bytes | None,  # noqa: PLR0917 - as the CLI calls it
                  histories: Sequence[WorkflowHistory], from_year: int, to_year: int, out: Path,
                  progress: Progress | None = None, *, missing: Mapping[str, str] | None = None,
                  streams: Sequence[str] | None = None, keyring: Keyring | None = None,
                  documents: Store | None = None,
                  clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Manifest:
    """Write the bundle of ``from_year`` … ``to_year`` to ``out`` (replaced only once complete).
    ``missing`` gives, per workflow id, why its history could not be fetched; a year's cycle, or
    a bundled coalition or silence procedure, without a history and without a reason is listed
    as not provided. ``streams`` overrides :func:`bundle_streams`. With the deployment's
    ``keyring``, the bundle carries the attestations of its events to be checked offline;
    from the ``documents`` store, the documents they name (one it does not hold is left out:
    the verifier names a missing attachment)."""
    chosen = (list(streams) if streams is not None
              else bundle_streams(engine, from_year, to_year))
    checkpoints = all_checkpoints(engine)
    with engine.connect() as conn:
        head = int(conn.execute(select(ledger_head.c.position)).scalar_one())
    kid = None
    if public_key_pem is not None:
        public = load_pem_public_key(public_key_pem)
        if not isinstance(public, Ed25519PublicKey):
            raise ValueError("the checkpoints' public key is not an Ed25519 key")
        kid = key_id(public)
    partial = out.with_name(out.name + ".partial")
    bundle = _Zip(partial)
    try:
        with bundle.zip:
            named: set[str] = set()
            count, heads = _events(engine, chosen, bundle, head=head, progress=progress,
                                   signed=checkpoints[-1].tree_size if checkpoints else 0,
                                   named=named)
            for sha256 in sorted(named):
                if documents is not None and documents.has(sha256):
                    bundle.put(document_file(sha256), documents.get(sha256))
            bundle.put(CHECKPOINTS, json.dumps([SignedCheckpoint(
                tree_size=cp.tree_size, root_hash=cp.root_hash, taken_at=cp.taken_at,
                key_id=cp.key_id, signature=base64.b64encode(cp.signature).decode(),
            ).model_dump() for cp in checkpoints], indent=1).encode())
            for cp in checkpoints:
                bundle.put(leaves_file(cp.tree_size), cp.leaves)
            bundle.put(PROOFS, _proofs(checkpoints, heads).model_dump_json(indent=1).encode())
            if public_key_pem is not None:
                bundle.put(KEY, public_key_pem)
            if keyring is not None:
                bundle.put(ATTESTED, bundled(engine, chosen, keyring))
            entries = []
            for history in histories:
                entry = HistoryEntry(workflow_id=history.workflow_id, run_id=history.run_id,
                                     file=history_file(history.workflow_id, history.run_id))
                if entry.file not in bundle.files:
                    bundle.put(entry.file, history.to_json().encode())
                    entries.append(entry)
            given = {h.workflow_id for h in histories}
            expected = [cycle_id(y) for y in range(from_year, to_year + 1)] + [
                s for s in chosen if is_process(s)]
            reasons = {w: "no history was provided" for w in expected if w not in given}
            manifest = Manifest(
                format=FORMAT, exported_at=canonical_time(clock()), from_year=from_year,
                to_year=to_year, streams=chosen, events=count, ledger_head=head, key_id=kid,
                checkpoints=[CheckpointRoot.of(c) for c in checkpoints], histories=entries,
                histories_missing=[MissingHistory(workflow_id=w, reason=r) for w, r in
                                   sorted((reasons | dict(missing or {})).items())],
                files=dict(bundle.files))
            bundle.zip.writestr(MANIFEST, manifest.model_dump_json(indent=1))
    except BaseException:
        partial.unlink(missing_ok=True)  # no half-written bundle is left behind
        raise
    partial.replace(out)
    return manifest


def _proofs(checkpoints: Sequence[Checkpoint], heads: Mapping[str, int]) -> Proofs:
    """From the hashes stored with the checkpoints (the signed leaves, read once): inclusion
    of each stream's last signed event, consistency between consecutive checkpoints. Without
    a complete set of stored leaves there is nothing to prove from (the verifier says so)."""
    sizes = [cp.tree_size for cp in checkpoints]
    stored = b"".join(cp.leaves for cp in checkpoints)
    if not sizes or len(stored) != 32 * sizes[-1]:
        return Proofs(inclusion=[], consistency=[])
    tree = ProofTree([leaf_hash(stored[i:i + 32]) for i in range(0, len(stored), 32)])
    size = sizes[-1]
    return Proofs(
        inclusion=[Inclusion(stream=s, position=p, tree_size=size,
                             path=[h.hex() for h in tree.inclusion(p - 1, size)])
                   for s, p in sorted(heads.items(), key=lambda item: item[1])],
        consistency=[Consistency(first=a, second=b, path=[h.hex() for h in
                                                          tree.consistency(a, b)])
                     for a, b in itertools.pairwise(sizes)])
