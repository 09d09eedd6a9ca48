"""Step 4 of ``audit verify-bundle``: the walk over ``events.log``, every event checked in one
pass (:func:`walk`); the first anomaly it finds is diagnosed (``audit.diagnose``) once the
file's hash is known to be the manifest's.

Speed: ``events.log`` is inflated and hashed in 16 MiB chunks by a thread while the walk checks
the previous chunk; the walk splits each line twice and hashes it once.
"""

from __future__ import annotations

import binascii
import hashlib
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any

from audit.bundle_format import (
    EVENTS,
    UNREADABLE,
    Manifest,
    Progress,
    Stop,
    file_stop,
    stop_at,
    unhashed,
)
from audit.diagnose import CHUNK, link, mismatch, rewritten
from ledger import encoding
from ledger.problems import ProblemKind

_SEP, _FORMAT, _GENESIS = (encoding.SEPARATOR.encode(), encoding.FORMAT.encode(),
                           encoding.GENESIS.encode())


@dataclass
class Walked:
    """What the walk saw: per stream its last [version, hash, position], the last signed
    position of each, the payloads of the years' streams, the records of watched workflows."""

    count: int = 0
    signed: int = 0
    last: int = 0
    heads: dict[bytes, list[Any]] = field(default_factory=dict)
    signed_heads: dict[bytes, int] = field(default_factory=dict)
    payloads: dict[bytes, list[tuple[int, int, bytes]]] = field(default_factory=dict)
    tracked: list[tuple[bytes, bytes]] = field(default_factory=list)  # (record, hash)


class _Found(Exception):  # noqa: N818 - not an error: an anomaly, diagnosed once hashed
    def __init__(self, diagnose: Callable[[], Stop]) -> None:
        super().__init__()
        self.diagnose = diagnose


def _chunks(raw: IO[bytes], digest: Any) -> Iterator[bytes]:
    """``events.log`` in large chunks, each read (inflated) and hashed by a thread while the
    walk checks the one before: zlib and hashlib release the GIL for such chunks."""
    def read() -> bytes:
        chunk = raw.read(CHUNK)
        digest.update(chunk)
        return chunk

    with ThreadPoolExecutor(1) as reader:
        pending = reader.submit(read)
        while chunk := pending.result():
            pending = reader.submit(read)
            yield chunk


def walk(archive: zipfile.ZipFile, manifest: Manifest, witness: bytes, proven: int,  # noqa: PLR0915 - one function: its locals keep the hot loop fast
         *, watched: frozenset[bytes], folded: list[str], progress: Progress | None) -> Walked:
    """Check every line of ``events.log`` in one pass (and its SHA-256 against the manifest);
    the first anomaly is diagnosed once the file's hash is known to be the manifest's."""
    seen = Walked(payloads={s.encode(): [] for s in folded})
    heads, signed_heads, payloads, tracked = (seen.heads, seen.signed_heads, seen.payloads,
                                              seen.tracked)
    digest, sha256, unhex, sep = hashlib.sha256(), hashlib.sha256, binascii.unhexlify, _SEP
    done = chained = last = 0  # lines of the chunks before; events after the witness; position
    rest, found, crossed = b"", None, False
    try:
        with archive.open(EVENTS) as raw:
            chunks = _chunks(raw, digest)
            try:
                for chunk in chunks:
                    lines = (rest + chunk).split(b"\n")
                    rest = lines.pop()
                    for line in lines:  # the hot loop: two splits, one hash, few dict lookups
                        record, _, stored = line.rpartition(sep)
                        fields = record.split(sep, 12)  # up to workflow_id; then the rest
                        position, stream, version = int(fields[1]), fields[3], int(fields[4])
                        hashed = sha256(record).digest()
                        if hashed != unhex(stored) or fields[0] != _FORMAT:
                            raise _Found(partial(mismatch, archive, record, stored,
                                                 done + lines.index(line) + 1))
                        if position <= last:
                            raise _Found(partial(stop_at, ProblemKind.REORDERED, position,
                                                 record, f"it stands after position {last}"))
                        head = heads.get(stream) or heads.setdefault(stream, [0, _GENESIS, 0])
                        p = record.rfind(sep)  # the payload follows; prev_hash precedes it
                        if version != head[0] + 1 or record[p - 64:p] != head[1] or record[
                                p - 65] != 31:
                            raise _Found(partial(link, archive, record, list(head), last,
                                                 done + lines.index(line) + 1))
                        if position <= proven:
                            if witness[32 * position - 32:32 * position] != hashed:
                                raise _Found(partial(rewritten, record, witness, proven))
                        else:  # chained only; the streams' last signed events are known now
                            if not crossed:
                                signed_heads.update((s, h[2]) for s, h in heads.items() if h[2])
                                crossed = True
                            chained += 1
                        head[0], head[1], head[2] = version, stored, position
                        last = position
                        if stream in payloads:
                            payloads[stream].append((position, version, record[p + 1:]))
                        if fields[11] in watched:  # its run's history is bundled
                            tracked.append((record, stored))
                    done += len(lines)
                    if progress is not None:
                        progress(done, manifest.events)
            except _Found as anomaly:
                found = anomaly.diagnose
            except (ValueError, IndexError):  # int() of a non-number, too few fields, bad hex
                found = partial(file_stop, EVENTS, f"the line after position {last} is not an "
                                "event record")
            for _ in chunks:  # after an anomaly, the rest: the file's hash comes first
                pass
    except UNREADABLE as error:
        raise file_stop(EVENTS, f"cannot be read ({error})") from None
    if digest.hexdigest() != manifest.files[EVENTS]:
        raise unhashed(EVENTS, manifest.files[EVENTS])
    if found is None and rest:
        found = partial(file_stop, EVENTS, "its last line is cut off")
    if found is not None:
        raise found()
    if not crossed:
        signed_heads.update((s, h[2]) for s, h in heads.items())
    seen.count, seen.signed, seen.last = done, done - chained, last
    return seen
