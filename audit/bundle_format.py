"""The audit bundle's format (``intersessional-audit-bundle/1``): its members' names, the
models of its JSON members, and the problems its verifier names. ``audit.bundle`` writes it,
``audit.offline`` checks it; ``audit.bundle``'s docstring describes each member.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Protocol

from pydantic import BaseModel, ConfigDict, Field

from audit.histories import history_name
from contracts import cycle_id
from ledger.encoding import SEPARATOR
from ledger.problems import ProblemKind

FORMAT = "intersessional-audit-bundle/1"
MANIFEST, EVENTS, CHECKPOINTS = "manifest.json", "events.log", "checkpoints.json"
PROOFS, KEY = "proofs.json", "public-key.pem"
ATTESTED = "attestations.json"  # who stood behind each step: attestations, keyring, people
DOCUMENTS = "documents/"  # the documents the events name, each under its SHA-256
Hex = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]  # a SHA-256, as the ledger writes it
Progress = Callable[[int, int], None]  # (done, total): events (export: rows of the log)
UNREADABLE = (zipfile.BadZipFile, zlib.error, OSError, EOFError)  # a damaged member
_SEP = SEPARATOR.encode()


def leaves_file(tree_size: int) -> str:
    return f"checkpoints/{tree_size}.leaves"


def document_file(sha256: str) -> str:
    """A document's member: named by the SHA-256 its bytes must have."""
    return f"{DOCUMENTS}{sha256}"


def history_file(workflow_id: str, run_id: str) -> str:
    return f"histories/{history_name(workflow_id, run_id)}.json"


def year_streams(from_year: int, to_year: int) -> list[str]:
    """The years' cycles' streams. A coalition or a silence procedure is not a year's: the
    bundle holds those with an event in the years besides (``audit.bundle.bundle_streams``)."""
    return [cycle_id(year) for year in range(from_year, to_year + 1)]


class BundleKind(StrEnum):
    """Problems of the bundle itself, beside the ledger's (``ledger.problems.ProblemKind``)."""

    FILE = "file"  # a member missing, unlisted, unreadable, or not what the manifest hashed
    KEY = "key"  # the bundled public key is not the pinned one, or not the manifest's
    PROOF = "proof"  # an inclusion or consistency proof is missing or does not verify
    HISTORY = "history"  # a workflow history and the events disagree
    REFUSED = "refused"  # a year's (or a process's) events do not parse or fold to a state
    ATTESTATION = "attestation"  # a person's step without a believable attestation
    DOCUMENT = "document"  # a document an event attaches is missing, or is not its SHA-256


class BundleProblem(BaseModel):
    """The first problem found, named like ``ledger.problems.Problem``; bundle-level problems
    (a file, a key, a proof) may have no position."""

    model_config = ConfigDict(frozen=True)

    kind: ProblemKind | BundleKind
    position: int | None = None
    stream: str | None = None
    version: int | None = None
    detail: str

    def __str__(self) -> str:
        where = "" if self.position is None else f" at position {self.position}"
        if self.stream is not None:
            version = "" if self.version is None else f", version {self.version}"
            where += f" (stream {self.stream}{version})"
        return f"{self.kind.value}{where}: {self.detail}"


class Stop(Exception):  # noqa: N818 - not an error: the verification stops here
    """Raised by a check at the first problem."""

    def __init__(self, problem: BundleProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def stop_at(kind: ProblemKind | BundleKind, position: int | None, record: bytes | None,
            detail: str) -> Stop:
    """A problem at ``position``, of the stream and version of ``record`` (if named): a line's
    record text of ``events.log``, as bytes."""
    fields = record.split(_SEP, 5) if record else None
    return Stop(BundleProblem(kind=kind, position=position,
                              stream=fields[3].decode() if fields else None,
                              version=int(fields[4]) if fields else None, detail=detail))


def file_stop(name: str, detail: str) -> Stop:
    """A problem of the member ``name``."""
    return Stop(BundleProblem(kind=BundleKind.FILE, detail=f"{name}: {detail}"))


def unhashed(name: str, expected: str) -> Stop:
    """The member ``name`` is not what the manifest hashed (``expected``)."""
    return file_stop(name, f"its SHA-256 is not {expected[:16]}…, the manifest's")


class _Rooted(Protocol):
    @property
    def tree_size(self) -> int: ...
    @property
    def root_hash(self) -> str: ...


class CheckpointRoot(BaseModel):
    tree_size: int
    root_hash: Hex

    @classmethod
    def of(cls, checkpoint: _Rooted) -> CheckpointRoot:
        """The size and signed root of ``checkpoint`` (stored or bundled), and no more."""
        return cls(tree_size=checkpoint.tree_size, root_hash=checkpoint.root_hash)


class SignedCheckpoint(CheckpointRoot):
    taken_at: str
    key_id: Hex
    signature: str  # base64 of the 64-byte Ed25519 signature


class HistoryEntry(BaseModel):
    workflow_id: str
    run_id: str
    file: str


class MissingHistory(BaseModel):
    workflow_id: str
    reason: str


class Manifest(BaseModel):
    format: str
    exported_at: str
    from_year: int
    to_year: int
    streams: list[str]
    events: int
    ledger_head: int
    key_id: Hex | None
    checkpoints: list[CheckpointRoot]
    histories: list[HistoryEntry]
    histories_missing: list[MissingHistory]
    files: dict[str, str]  # member name -> SHA-256 (hex) of its bytes


class Inclusion(BaseModel):
    stream: str
    position: int
    tree_size: int
    path: list[Hex]


class Consistency(BaseModel):
    first: int
    second: int
    path: list[Hex]


class Proofs(BaseModel):
    inclusion: list[Inclusion]
    consistency: list[Consistency]
