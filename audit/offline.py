"""``audit verify-bundle``: what a bundle claims, checked with the bundle alone (and the
checkpoints' public key, if the auditor pins one): no database, no Temporal.

In order, stopping at the first problem:

1. every member's SHA-256 against the manifest (``events.log``'s as it is read, once: a
   difference there is reported in place of whatever its lines showed);
2. every checkpoint's Ed25519 signature (by the pinned key, which the bundled key must be);
3. each checkpoint's stored leaves rebuild its signed root; consecutive checkpoints'
   consistency proofs verify;
4. every event (``audit.walk``): its hash, its stream's versions and links, increasing positions
   and, under the latest checkpoint, the signed leaf at its position; then truncation (a stream
   ending below what a history recorded, a checkpoint or event beyond the ledger's head) and
   the inclusion proofs of the streams' last signed events;
5. the histories against the events, both ways;
6. each year's cycle and each bundled coalition's and silence procedure's events parse and
   fold, one by one, by their kind's rules (``domain.kinds``: ``audit.replay.fold``);
7. every document an event attaches is in the bundle, and every bundled document's bytes
   hash to the SHA-256 it is named by (``audit.bundle_documents``).

Speed (millions of events): ``events.log`` is read once, inflated and hashed in 16 MiB chunks
by a thread while the walk checks the previous chunk; the walk splits each line twice and hashes
it once; the Merkle roots of the stored leaves are rebuilt by a forked process meanwhile
(``audit.tree``: two SHA-256 per event, which would otherwise hold the GIL as long as the walk).
A problem found is diagnosed afterwards (``audit.diagnose``), re-reading what it needs.

The checks themselves are ``audit.checks``; the bundle's format, ``audit.bundle_format``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, ValidationError

from attesting.keyring import Keyring
from audit.attestations import Attestations
from audit.bundle_format import (
    FORMAT,
    MANIFEST,
    UNREADABLE,
    BundleProblem,
    CheckpointRoot,
    Manifest,
    MissingHistory,
    Progress,
    Stop,
)
from audit.checks import STEPS, Checks
from domain.state import Phase
from ledger.checkpoints import key_id


class NotABundle(Exception):  # noqa: N818 - it says what the file is not
    """The file is no audit bundle at all (its message: one sentence saying why)."""


class BundleReport(BaseModel):
    """What the bundle proved, and the first problem (``None``: intact)."""

    model_config = ConfigDict(frozen=True)

    from_year: int
    to_year: int
    exported_at: str
    events: int = 0
    streams: tuple[str, ...] = ()
    checkpoints: tuple[CheckpointRoot, ...] = ()
    signed: int = 0  # events under the latest checkpoint, its signature checked
    chained_only: int = 0  # the others: recorded after it (or no key to check it with)
    signatures_checked: bool = False
    key_id: str | None = None
    key_pinned: bool = False
    histories: int = 0
    recordings: int = 0
    histories_missing: tuple[MissingHistory, ...] = ()
    phases: dict[int, Phase] = {}
    processes: dict[str, str] = {}  # each coalition's and silence procedure's phase
    attestations: Attestations | None = None  # None: the bundle carries none to check
    documents: int = 0  # documents whose SHA-256 was recomputed
    problem: BundleProblem | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def _open(path: Path) -> tuple[zipfile.ZipFile, Manifest]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise NotABundle(f"{path} is not a ZIP file, so not an audit bundle.") from None
    except OSError as error:
        raise NotABundle(f"{path} cannot be read: {error.strerror or error}.") from None
    try:
        manifest = Manifest.model_validate_json(archive.read(MANIFEST))
        if manifest.format != FORMAT:
            raise NotABundle(f"{path} is a bundle of format {manifest.format!r}; this "
                             f"verifier reads {FORMAT}.")
    except KeyError:
        archive.close()
        raise NotABundle(f"{path} is a ZIP file without {MANIFEST}, so not an audit "
                         "bundle.") from None
    except (ValidationError, *UNREADABLE) as error:
        archive.close()
        raise NotABundle(f"{path} holds no readable audit bundle manifest "
                         f"({str(error).splitlines()[0]}).") from None
    except NotABundle:
        archive.close()
        raise
    return archive, manifest


def _report(checks: Checks, problem: BundleProblem | None) -> BundleReport:
    m, seen = checks.manifest, checks.seen
    signed = seen.signed if checks.key is not None else 0
    return BundleReport(
        from_year=m.from_year, to_year=m.to_year, exported_at=m.exported_at,
        events=seen.count, streams=tuple(sorted(s.decode() for s in seen.heads)),
        checkpoints=tuple(CheckpointRoot.of(c) for c in checks.checkpoints), signed=signed,
        chained_only=seen.count - signed,
        signatures_checked=checks.key is not None and bool(checks.checkpoints),
        key_id=key_id(checks.key) if checks.key else None, key_pinned=checks.pinned is not None,
        histories=len(checks.runs), recordings=len(checks.recordings),
        histories_missing=tuple(m.histories_missing), phases=dict(checks.phases),
        processes=dict(checks.processes), attestations=checks.attested,
        documents=checks.documents_checked, problem=problem)


def verify_bundle(path: Path, public_key: Ed25519PublicKey | None = None,
                  progress: Progress | None = None, keyring: Keyring | None = None
                  ) -> BundleReport:
    """Check the bundle at ``path``, in the module docstring's order, up to the first problem.
    With ``public_key`` (pinned by the auditor) the checkpoints must be signed by it, and the
    bundled key must be it; with ``keyring`` (the deployment's, as published to the auditor)
    the attestations are checked against it instead of the keyring the bundle carries.
    ``progress(done, total)`` follows the events. A file that is no bundle at all raises
    :class:`NotABundle`."""
    archive, manifest = _open(path)
    with archive:
        checks = Checks(archive, manifest, public_key, progress)
        checks.keyring = keyring
        try:
            for step in STEPS:
                getattr(checks, step)()
        except Stop as stop:
            return _report(checks, stop.problem)
        finally:
            checks.settle()
        return _report(checks, None)
