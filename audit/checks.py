"""The checks of ``audit verify-bundle`` over one open bundle, in the order ``audit.offline``
gives (each a method, named for what it checks); each raises ``Stop`` at the first problem.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import itertools
import zipfile
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from pydantic import TypeAdapter, ValidationError
from pydantic_core import from_json
from temporalio.client import WorkflowHistory

from attesting.keyring import Keyring
from audit.attestations import Attestations
from audit.bundle_attested import check_bundled
from audit.bundle_documents import check_documents
from audit.bundle_format import (
    ATTESTED,
    CHECKPOINTS,
    EVENTS,
    KEY,
    MANIFEST,
    PROOFS,
    UNREADABLE,
    BundleKind,
    BundleProblem,
    CheckpointRoot,
    Manifest,
    Progress,
    Proofs,
    SignedCheckpoint,
    Stop,
    file_stop,
    leaves_file,
    stop_at,
    unhashed,
    year_streams,
)
from audit.histories import Recorded, recorded_in
from audit.replay import NotFolded, called, fold
from audit.tree import roots_later
from audit.walk import Walked, walk
from audit.years import is_process
from contracts import cycle_id
from domain.kinds import kind_of
from domain.state import Phase
from ledger.checkpoints import key_id, signed_bytes
from ledger.encoding import SEPARATOR
from ledger.merkle import leaf_hash, verify_consistency, verify_inclusion
from ledger.problems import ProblemKind

_CHECKPOINTS = TypeAdapter(list[SignedCheckpoint])
_SEP = SEPARATOR.encode()
STEPS = ("files", "signatures", "leaves", "histories", "events", "truncation", "inclusion",
         "compare", "fold", "documents", "attestations")


class Checks:
    """The checks over one open bundle, run in the order of :data:`STEPS`; what they found is
    kept for the report."""

    def __init__(self, archive: zipfile.ZipFile, manifest: Manifest,
                 pinned: Ed25519PublicKey | None, progress: Progress | None) -> None:
        self.zip, self.manifest, self.pinned, self.progress = archive, manifest, pinned, progress
        self.key: Ed25519PublicKey | None = None
        self.checkpoints: list[SignedCheckpoint] = []
        self.witness, self.proven = b"", 0
        self.proofs = Proofs(inclusion=[], consistency=[])
        self.recordings: list[Recorded] = []
        self.runs: set[tuple[str, str]] = set()
        self.seen = Walked()
        self.phases: dict[int, Phase] = {}
        self.processes: dict[str, str] = {}
        self._roots: Callable[[], list[str]] = list
        self._computed: list[str] | None = None
        self.attested: Attestations | None = None
        self.keyring: Keyring | None = None  # the auditor's own, pinned
        self.documents_checked = 0

    def read(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
        except KeyError:
            raise file_stop(name, "the manifest lists it, but the bundle does not hold it"
                            ) from None
        except UNREADABLE as error:
            raise file_stop(name, f"cannot be read ({error})") from None

    def files(self) -> None:
        listed = self.manifest.files
        for name in (EVENTS, CHECKPOINTS, PROOFS):
            if name not in listed:
                raise file_stop(name, "the manifest does not list it")
        held = set(self.zip.namelist())
        if unlisted := sorted(held - {MANIFEST} - set(listed)):
            raise file_stop(unlisted[0], "the bundle holds it, but the manifest does not list it")
        for name, expected in listed.items():
            if name == EVENTS:  # hashed as it is read, by the walk
                if name not in held:
                    self.read(name)
            elif hashlib.sha256(self.read(name)).hexdigest() != expected:
                raise unhashed(name, expected)

    def signatures(self) -> None:
        for name, load in ((CHECKPOINTS, self._checkpoints), (PROOFS, self._proofs)):
            try:
                load(self.read(name))
            except ValidationError as error:
                raise file_stop(name, f"not what the format holds ({error.errors()[0]['msg']})"
                            ) from None
        if [CheckpointRoot.of(c) for c in self.checkpoints] != self.manifest.checkpoints:
            raise Stop(BundleProblem(kind=ProblemKind.CHECKPOINT, detail=f"{CHECKPOINTS} and "
                                     "the manifest list different checkpoints"))
        bundled = self._bundled_key()
        if self.pinned is not None and bundled is not None and (
                key_id(bundled) != key_id(self.pinned)):
            raise Stop(BundleProblem(kind=BundleKind.KEY, detail=f"the bundle's public key "
                                     f"{key_id(bundled)[:16]}… is not the pinned key "
                                     f"{key_id(self.pinned)[:16]}…"))
        self.key = self.pinned or bundled
        if self.key is None:
            return
        expected = key_id(self.key)
        for cp in self.checkpoints:
            try:
                if cp.key_id != expected:
                    raise InvalidSignature
                self.key.verify(base64.b64decode(cp.signature, validate=True),
                                signed_bytes(cp.tree_size, cp.root_hash, cp.taken_at))
            except (InvalidSignature, binascii.Error):
                raise Stop(BundleProblem(
                    kind=ProblemKind.CHECKPOINT, position=cp.tree_size, detail=f"the "
                    f"checkpoint of {cp.tree_size} events does not carry a valid signature by "
                    f"key {expected[:16]}…")) from None

    def _checkpoints(self, data: bytes) -> None:
        self.checkpoints = _CHECKPOINTS.validate_json(data)

    def _proofs(self, data: bytes) -> None:
        self.proofs = Proofs.model_validate_json(data)

    def _bundled_key(self) -> Ed25519PublicKey | None:
        if KEY not in self.manifest.files:
            return None
        try:
            loaded = load_pem_public_key(self.read(KEY))
        except ValueError:
            loaded = None
        if not isinstance(loaded, Ed25519PublicKey) or self.manifest.key_id != key_id(loaded):
            raise Stop(BundleProblem(kind=BundleKind.KEY, detail=f"{KEY} is not the Ed25519 "
                                     f"key {(self.manifest.key_id or '')[:16]}… the manifest "
                                     "names"))
        return loaded

    def leaves(self) -> None:
        """Each checkpoint's stored leaves must rebuild its signed root (as ``ledger.verify``'s
        witness): their roots are computed while the walk runs, and compared before anything
        it found (:meth:`roots`). Every consecutive pair has a consistency proof that verifies."""
        stored: list[bytes] = []
        for cp in self.checkpoints:
            added, before = self.read(leaves_file(cp.tree_size)), self.proven
            if cp.tree_size <= before or len(added) != 32 * (cp.tree_size - before):
                raise Stop(BundleProblem(
                    kind=ProblemKind.CHECKPOINT, position=cp.tree_size, detail=f"the "
                    f"checkpoint of {cp.tree_size} events stores {len(added) // 32} event "
                    f"hashes, not {cp.tree_size - before}"))
            stored.append(added)
            self.proven = cp.tree_size
        self.witness = b"".join(stored)
        self._roots = roots_later(self.witness, [cp.tree_size for cp in self.checkpoints])
        given = {(c.first, c.second): c.path for c in self.proofs.consistency}
        for a, b in itertools.pairwise(self.checkpoints):
            path = given.get((a.tree_size, b.tree_size))
            if path is None or not verify_consistency(
                    a.tree_size, b.tree_size, bytes.fromhex(a.root_hash),
                    bytes.fromhex(b.root_hash), [bytes.fromhex(h) for h in path]):
                self.roots()  # rewritten leaves, which the proofs were made from, come first
                raise Stop(BundleProblem(kind=BundleKind.PROOF, position=b.tree_size,
                                         detail=f"no valid consistency proof from the "
                                         f"checkpoint of {a.tree_size} events to {b.tree_size}"))

    def roots(self) -> None:
        self.settle()
        for cp, root in zip(self.checkpoints, self._computed or [], strict=True):
            if root != cp.root_hash:
                raise Stop(BundleProblem(
                    kind=ProblemKind.CHECKPOINT, position=cp.tree_size, detail=f"the event "
                    f"hashes stored with the checkpoint of {cp.tree_size} events do not "
                    f"rebuild its signed root {cp.root_hash[:16]}…: they were rewritten"))

    def histories(self) -> None:
        """Read every bundled history (what it recorded is compared in :meth:`compare`)."""
        for entry in self.manifest.histories:
            try:
                history = WorkflowHistory.from_json(entry.workflow_id,
                                                    self.read(entry.file).decode())
                found = recorded_in(history)
            except (ValueError, RuntimeError) as error:  # protobuf's ParseError is ValueError
                raise file_stop(entry.file, f"not a workflow history ({error})") from None
            if history.run_id != entry.run_id:
                raise file_stop(entry.file, f"the history of run {history.run_id}, not of "
                            f"{entry.run_id} as the manifest says")
            self.runs.add((entry.workflow_id, entry.run_id))
            self.recordings += found
        self.recordings.sort(key=lambda r: r.position)

    def events(self) -> None:
        watched = frozenset(w.encode() for w, _ in self.runs)
        try:
            self.seen = walk(self.zip, self.manifest, self.witness, self.proven,
                             watched=watched, folded=self._folded(), progress=self.progress)
        except Stop:
            self.roots()  # the signed roots come first: a rewritten witness misleads the walk
            raise
        self.roots()
        if self.seen.count != self.manifest.events:
            raise file_stop(EVENTS, f"it holds {self.seen.count} events; the manifest says "
                        f"{self.manifest.events}")
        unlisted = {s.decode() for s in self.seen.heads} - set(self.manifest.streams)
        if unlisted:
            raise file_stop(EVENTS, f"it holds stream(s) the manifest does not list: "
                        f"{', '.join(sorted(unlisted))}")

    def truncation(self) -> None:
        """A stream ending below a version its workflow's history recorded; or a checkpoint or
        an event beyond the ledger's head (the log was cut and the head lowered)."""
        heads, streams = self.seen.heads, set(self.manifest.streams)
        for r in self.recordings:  # in position order: the first one cut off
            ended = heads.get(r.stream.encode(), [0, b"", 0])
            if r.stream in streams and r.version > ended[0]:
                raise Stop(BundleProblem(
                    kind=ProblemKind.TRUNCATED, position=r.position, stream=r.stream,
                    version=r.version, detail=f"the history of {r.workflow_id} recorded "
                    f"version {r.version} at position {r.position}; the stream ends at version "
                    f"{ended[0]}"))
        head, beyond = self.manifest.ledger_head, max(self.proven, self.seen.last)
        if beyond > head:
            raise Stop(BundleProblem(kind=ProblemKind.TRUNCATED, position=head + 1, detail=f"the "
                                     f"ledger's head is {head}, but a signed checkpoint or an "
                                     f"event counts {beyond} events"))

    def inclusion(self) -> None:
        given = {p.stream: p for p in self.proofs.inclusion}
        size = self.proven
        root = bytes.fromhex(self.checkpoints[-1].root_hash) if self.checkpoints else b""
        for stream, position in self.seen.signed_heads.items():
            proof = given.get(stream.decode())
            leaf = leaf_hash(self.witness[32 * position - 32:32 * position])
            if proof is None or (proof.position, proof.tree_size) != (position, size) or (
                    not verify_inclusion(leaf, position - 1, size,
                                         [bytes.fromhex(h) for h in proof.path], root)):
                raise Stop(BundleProblem(
                    kind=BundleKind.PROOF, position=position, stream=stream.decode(),
                    detail=f"no valid inclusion proof of the stream's last signed event in "
                    f"the checkpoint of {size} events"))

    def compare(self) -> None:
        """Every recording of a bundled stream has exactly its event; every event of a run
        whose history is bundled was recorded by it."""
        tracked = [(record.split(_SEP, 15), stored) for record, stored in self.seen.tracked]
        events = {p[2].decode(): (p, h) for p, h in tracked}
        streams = set(self.manifest.streams)
        for r in self.recordings:
            if r.stream not in streams:
                continue
            held = events.get(str(r.event_id))
            ours = (held[0][3].decode(), int(held[0][4]), int(held[0][1]),
                    held[1].decode()) if held else None
            if ours != (r.stream, r.version, r.position, r.hash):
                said = (f"holds it as {ours[0]} version {ours[1]} at {ours[2]}, hash "
                        f"{ours[3][:16]}…" if ours else "holds no event with its id")
                raise Stop(BundleProblem(
                    kind=BundleKind.HISTORY, position=r.position, stream=r.stream,
                    version=r.version, detail=f"the history of {r.workflow_id} (run "
                    f"{r.run_id}) recorded event {r.event_id} there with hash {r.hash[:16]}…; "
                    f"the bundle {said}"))
        recorded = {str(r.event_id) for r in self.recordings}
        for parts, _ in tracked:
            run = (parts[11].decode(), parts[12].decode())
            if run in self.runs and parts[2].decode() not in recorded:
                raise stop_at(BundleKind.HISTORY, int(parts[1]), _SEP.join(parts),
                               f"the history of {run[0]} (run {run[1]}) never recorded it")

    def _folded(self) -> list[str]:
        """The streams whose events fold to a state: the years' cycles, then the coalitions'
        and silence procedures' the bundle holds."""
        return year_streams(self.manifest.from_year, self.manifest.to_year) + [
            s for s in self.manifest.streams if is_process(s)]

    def fold(self) -> None:
        years = {cycle_id(y): y for y in range(self.manifest.from_year,
                                               self.manifest.to_year + 1)}
        for stream in self._folded():
            payloads = self.seen.payloads.get(stream.encode(), [])
            try:
                state = fold(stream, ((p, v, from_json(payload)) for p, v, payload in payloads))
            except NotFolded as refused:
                raise Stop(BundleProblem(
                    kind=BundleKind.REFUSED, position=refused.position, stream=stream,
                    version=refused.version, detail=f"the {called(stream)} does not fold: "
                    f"{refused.why}")) from None
            phase = kind_of(stream).phase(state)
            if stream in years:  # the report gives a year's phase by its year
                self.phases[years[stream]] = Phase(phase)
            else:
                self.processes[stream] = phase

    def documents(self) -> None:
        """Every attachment in the bundle, every document its own SHA-256."""
        self.documents_checked = check_documents(self.zip, self.seen.payloads)

    def attestations(self) -> None:
        """Every person's step attested (a bundle exported without a keyring has none to
        check: the report says so)."""
        if ATTESTED not in self.manifest.files:
            return
        try:
            self.attested = check_bundled(self.zip, self.read(ATTESTED), self.keyring)
        except ValidationError as error:
            raise file_stop(ATTESTED, f"not what the format holds "
                            f"({error.errors()[0]['msg']})") from None
        if self.attested.problems:
            first = self.attested.problems[0]
            raise Stop(BundleProblem(kind=BundleKind.ATTESTATION, position=first.position,
                                     stream=first.stream, version=first.version,
                                     detail=f"event {first.event_id} ({first.type}): "
                                            f"{first.problem}"))

    def settle(self) -> None:
        """The roots, once (their process is then joined, even if a problem came first)."""
        if self._computed is None:
            self._computed = self._roots()
