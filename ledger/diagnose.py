"""Diagnosis: at the first anomaly of the log, look around it and name the kind of tampering.

A row *altered* (its content no longer matches its hash, or its hash was recomputed but the next
event of its stream still links to the original), a row *deleted* (a gap, or later rows
renumbered to close it), a row *inserted* (later rows shifted), rows *reordered* (two rows each
hashed for the other's position).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine

from ledger.encoding import GENESIS, event_hash
from ledger.engine import driver_batches, placeholder
from ledger.problems import Problem, ProblemKind
from ledger.records import COLUMNS, header

Row = tuple[Any, ...]
Heads = dict[str, tuple[int, str, int]]  # stream -> (version, hash, position) of its last event
_SQL = f"SELECT {', '.join(COLUMNS)} FROM events"
_LOOKAHEAD = 10_000


def hash_at(row: Row, position: int) -> str:
    return event_hash(header((position, *row[1:])), row[15])


def batches(engine: Engine, after: int = 0, size: int = 20_000) -> Iterator[list[Row]]:
    """The events after ``after`` in position order, a batch at a time, through the driver's
    cursor: verify's hot path reads millions of rows."""
    sql = f"{_SQL} WHERE position > {placeholder(engine)} ORDER BY position"
    return driver_batches(engine, sql, (after,), size)


def rows(engine: Engine, after: int = 0) -> Iterator[Row]:
    """The events after ``after``, one at a time (for the diagnosis, which reads few)."""
    for batch in batches(engine, after, size=1_000):
        yield from batch


def _problem(kind: ProblemKind, row: Row | None, position: int, detail: str) -> Problem:
    if row is None:
        return Problem(kind=kind, position=position, detail=detail)
    return Problem(kind=kind, position=position, stream=row[2], version=row[3], detail=detail)


def mismatch(engine: Engine, row: Row) -> Problem:
    """Row ``row`` does not match its stored hash: shifted, swapped, or altered?"""
    position = row[0]
    if hash_at(row, position - 1) == row[14]:
        return _problem(ProblemKind.INSERTED, None, position - 1,
                        f"the event now at {position} was recorded at {position - 1}: an event "
                        f"was inserted at {position - 1} and the rest renumbered")
    if hash_at(row, position + 1) == row[14]:
        following = next(rows(engine, position), None)
        if following is not None and hash_at(following, position) == following[14]:
            return _problem(ProblemKind.REORDERED, row, position,
                            f"this event was recorded at {position + 1} and the event there at "
                            f"{position}: the two were swapped")
        return _problem(ProblemKind.DELETED, None, position,
                        f"the event now at {position} was recorded at {position + 1}: the event "
                        f"at {position} was deleted and the rest renumbered")
    ahead = [r for _, r in zip(range(_LOOKAHEAD), rows(engine, position), strict=False)]
    if ahead and hash_at(ahead[0], position) == ahead[0][14]:
        return _problem(ProblemKind.INSERTED, row, position,
                        f"the event after it was recorded at {position}: this row was inserted")
    for other in ahead:
        if hash_at(row, other[0]) == row[14] and hash_at(other, position) == other[14]:
            return _problem(ProblemKind.REORDERED, row, position,
                            f"this event was recorded at {other[0]} and the event there at "
                            f"{position}: the two were swapped")
    return _problem(ProblemKind.ALTERED, row, position,
                    f"its content no longer matches its hash {row[14][:16]}… (recomputed "
                    f"{hash_at(row, position)[:16]}…)")


def link(engine: Engine, row: Row, last: tuple[int, str, int]) -> Problem:
    """Row ``row`` has a sound hash but does not follow its stream's previous event."""
    version, last_hash, last_position = last
    if row[3] > version + 1:
        missing = version + 1
        later = next((r for r in rows(engine, row[0]) if r[2] == row[2] and r[3] == missing),
                     None)
        if later is not None:
            return _problem(ProblemKind.REORDERED, row, row[0],
                            f"version {row[3]} stands before version {missing}, which is at "
                            f"position {later[0]}")
        return Problem(kind=ProblemKind.DELETED, position=row[0], stream=row[2],
                       version=missing, detail=f"version {missing} of {row[2]} is missing: "
                       f"the stream jumps from {version} to {row[3]}")
    if row[13] != last_hash and row[3] == version + 1 and version > 0:
        return Problem(kind=ProblemKind.ALTERED, position=last_position, stream=row[2],
                       version=version, detail=f"its hash was recomputed after a change: "
                       f"version {row[3]} still links to {row[13][:16]}…, not {last_hash[:16]}…")
    return _problem(ProblemKind.INSERTED, row, row[0],
                    f"version {row[3]} does not follow version {version} of its stream")


def gap(engine: Engine, heads: Heads, missing: int,
                  found: int) -> Problem:
    """Positions ``missing``…``found-1`` are absent: name the stream whose version jumps."""
    span = f"{missing}" if found - 1 == missing else f"{missing}–{found - 1}"
    detail = f"position {span} is missing: the log jumps from {missing - 1} to {found}"
    for row in rows(engine, found - 1):
        version = heads.get(row[2], (0, GENESIS, 0))[0]
        if row[3] > version + 1:
            return Problem(kind=ProblemKind.DELETED, position=missing, stream=row[2],
                           version=version + 1, detail=detail)
        heads = {**heads, row[2]: (row[3], row[14], row[0])}
    return Problem(kind=ProblemKind.DELETED, position=missing, detail=detail)


def rewritten(row: Row) -> Problem:
    """A sound chain whose event is not the one a signed checkpoint covered."""
    return _problem(ProblemKind.ALTERED, row, row[0],
                    "this is not the event the signed checkpoint covered: it was changed and "
                    "the hashes of its chain recomputed")
