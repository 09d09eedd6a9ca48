"""The diagnosis of the first anomaly ``audit.walk`` finds in ``events.log``: which events were
swapped, inserted, deleted or altered (as ``ledger.diagnose`` does over the database), from the
bundle's lines alone, re-reading what it needs.
"""

from __future__ import annotations

import hashlib
import zipfile
from typing import Any

from audit.bundle_format import EVENTS, BundleProblem, Stop, stop_at
from ledger.encoding import SEPARATOR
from ledger.problems import ProblemKind

_SEP = SEPARATOR.encode()
CHUNK, _LOOKAHEAD = 1 << 24, 10_000  # bytes of events.log read at once; lines looked ahead


def _ahead(archive: zipfile.ZipFile, skip: int) -> list[tuple[bytes, bytes, int]]:
    """(record, hash, position) of up to ``_LOOKAHEAD`` lines after the first ``skip`` lines
    (the diagnosis reads them again)."""
    found: list[tuple[bytes, bytes, int]] = []
    rest = b""
    with archive.open(EVENTS) as raw:
        while len(found) < _LOOKAHEAD and (chunk := raw.read(CHUNK)):
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            for line in lines:
                skip -= 1
                record, _, stored = line.rpartition(_SEP)
                number = record.split(_SEP, 2)[1:2]
                if skip < 0 and number and number[0].isdigit():
                    found.append((record, stored, int(number[0])))
    return found[:_LOOKAHEAD]


def _hash_at(record: bytes, position: int) -> bytes:
    """The hash ``record`` would have at ``position`` (hex, as stored)."""
    fmt, _, rest = record.split(_SEP, 2)
    return hashlib.sha256(_SEP.join((fmt, str(position).encode(), rest))).hexdigest().encode()


def mismatch(archive: zipfile.ZipFile, record: bytes, stored: bytes, line: int) -> Stop:
    """The record (of line ``line``, from 1) does not match its stored hash: shifted,
    swapped, or altered? (As ``ledger.diagnose.mismatch``, over the bundle's lines.)"""
    position = int(record.split(_SEP, 2)[1])
    ahead = _ahead(archive, line)
    for other, other_stored, at in ahead:  # first: a swap (of neighbours, too)
        if _hash_at(record, at) == stored and _hash_at(other, position) == other_stored:
            return stop_at(ProblemKind.REORDERED, position, record, f"this event was recorded "
                            f"at {at} and the event there at {position}: the two were swapped")
    if _hash_at(record, position - 1) == stored:
        return stop_at(ProblemKind.INSERTED, position - 1, None, f"the event now at {position} "
                        f"was recorded at {position - 1}: an event was inserted before it and "
                        "the rest renumbered")
    if _hash_at(record, position + 1) == stored:
        return stop_at(ProblemKind.DELETED, position, None, f"the event now at {position} was "
                        f"recorded at {position + 1}: an event was deleted and the rest "
                        "renumbered")
    if ahead and _hash_at(ahead[0][0], position) == ahead[0][1]:
        return stop_at(ProblemKind.INSERTED, position, record, f"the event after it was "
                        f"recorded at {position}: this event was inserted")
    return stop_at(ProblemKind.ALTERED, position, record, f"its content no longer matches its "
                    f"hash {stored[:16].decode()}… (recomputed "
                    f"{_hash_at(record, position)[:16].decode()}…)")


def link(archive: zipfile.ZipFile, record: bytes, head: list[Any], before: int, line: int
          ) -> Stop:
    """The record's (of line ``line``) hash is sound, but it does not follow its stream's last
    event (``head``); ``before`` is the position of the line before it."""
    fields = record.split(_SEP, 15)
    position, stream, version = int(fields[1]), fields[3], int(fields[4])
    last, last_hash, last_position = head
    if version > last + 1:
        later = next((at for other, _, at in _ahead(archive, line)
                      if other.split(_SEP, 5)[3:5] == [stream, str(last + 1).encode()]), None)
        if later is not None:
            return stop_at(ProblemKind.REORDERED, position, record, f"version {version} stands "
                            f"before version {last + 1}, which is at position {later}")
        # nothing of the bundle's between the two: the gap starts right after the last
        gone = last_position + 1 if before == last_position else position
        return Stop(BundleProblem(kind=ProblemKind.DELETED, position=gone,
                                  stream=stream.decode(), version=last + 1, detail=f"version "
                                  f"{last + 1} is missing: the stream jumps from {last} at "
                                  f"position {last_position} to {version} at {position}"))
    if version == last + 1 and last > 0 and fields[14] != last_hash:
        return Stop(BundleProblem(kind=ProblemKind.ALTERED, position=last_position,
                                  stream=stream.decode(), version=last, detail=f"its hash was "
                                  f"recomputed after a change: version {version} still links "
                                  f"to {fields[14][:16].decode()}…, not "
                                  f"{last_hash[:16].decode()}…"))
    return stop_at(ProblemKind.INSERTED, position, record, f"version {version} does not "
                    f"follow version {last} of its stream")


def rewritten(record: bytes, witness: bytes, proven: int) -> Stop:
    """A sound chain, but not the event the signed checkpoint covered at this position: moved
    (events deleted or inserted before it, the rest renumbered and rehashed), or altered."""
    position = int(record.split(_SEP, 2)[1])
    for k in range(1, _LOOKAHEAD):
        for signed_at in (position + k, position - k):
            if 0 < signed_at <= proven and _hash_at(record, signed_at) == witness[
                    32 * signed_at - 32:32 * signed_at].hex().encode():
                kind, span = ((ProblemKind.DELETED, f"{k} event(s) before it were deleted")
                              if signed_at > position else
                              (ProblemKind.INSERTED, f"{k} event(s) were inserted before it"))
                return stop_at(kind, min(position, signed_at), None, f"the event now at "
                                f"{position} was signed at {signed_at}: {span}, the rest "
                                "renumbered and their hashes recomputed")
        if position + k > proven and position - k < 1:
            break
    return stop_at(ProblemKind.ALTERED, position, record, "this is not the event the signed "
                    "checkpoint covered: it was changed and the hashes of its chain recomputed")
