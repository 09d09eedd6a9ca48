"""verify(): recompute every hash and link of the ledger and name the first problem precisely.

A fast pass walks the log in position order. At the first anomaly a diagnosis looks around it
to tell apart the kinds of tampering: a row *altered* (its content no longer matches its hash,
or its hash was recomputed but the next event of its stream still links to the original), a row
*deleted* (a gap, or later rows renumbered to close it), a row *inserted* (later rows shifted),
rows *reordered* (two rows each hashed for the other's position), the log *truncated* (the head
or a checkpoint counts more events than remain). Checkpoints (``ledger.checkpoints``) catch
what a rewrite of every hash of a chain would hide.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, select, text

from ledger.encoding import GENESIS, event_hash
from ledger.records import COLUMNS, header
from ledger.schema import ledger_head

Row = tuple[Any, ...]
_SQL = f"SELECT {', '.join(COLUMNS)} FROM events"
_LOOKAHEAD = 10_000


class ProblemKind(StrEnum):
    ALTERED = "altered"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    TRUNCATED = "truncated"
    CHECKPOINT = "checkpoint"


class Problem(BaseModel):
    """The first problem found: where (position, stream, version) and what differs."""

    model_config = ConfigDict(frozen=True)

    kind: ProblemKind
    position: int
    stream: str | None = None
    version: int | None = None
    detail: str

    def __str__(self) -> str:
        where = f"position {self.position}"
        if self.stream is not None:
            where += f" (stream {self.stream}, version {self.version})"
        return f"{self.kind.value} at {where}: {self.detail}"


class Report(BaseModel):
    model_config = ConfigDict(frozen=True)

    events: int
    streams: int
    checkpoints: int = 0
    problem: Problem | None = None

    @property
    def intact(self) -> bool:
        return self.problem is None


def _hash_at(row: Row, position: int) -> str:
    return event_hash(header((position, *row[1:])), row[15])


def _rows(engine: Engine, after: int = 0, batch: int = 20_000) -> Iterator[Row]:
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(
            text(f"{_SQL} WHERE position > :after ORDER BY position"), {"after": after})
        for row in result:
            yield tuple(row)


def _problem(kind: ProblemKind, row: Row | None, position: int, detail: str) -> Problem:
    if row is None:
        return Problem(kind=kind, position=position, detail=detail)
    return Problem(kind=kind, position=position, stream=row[2], version=row[3], detail=detail)


def _diagnose_mismatch(engine: Engine, row: Row) -> Problem:
    """Row ``row`` does not match its stored hash: shifted, swapped, or altered?"""
    position = row[0]
    if _hash_at(row, position - 1) == row[14]:
        return _problem(ProblemKind.INSERTED, None, position - 1,
                        f"the event now at {position} was recorded at {position - 1}: an event "
                        f"was inserted at {position - 1} and the rest renumbered")
    if _hash_at(row, position + 1) == row[14]:
        return _problem(ProblemKind.DELETED, None, position,
                        f"the event now at {position} was recorded at {position + 1}: the event "
                        f"at {position} was deleted and the rest renumbered")
    ahead = [r for _, r in zip(range(_LOOKAHEAD), _rows(engine, position), strict=False)]
    if ahead and _hash_at(ahead[0], position) == ahead[0][14]:
        return _problem(ProblemKind.INSERTED, row, position,
                        f"the event after it was recorded at {position}: this row was inserted")
    for other in ahead:
        if _hash_at(row, other[0]) == row[14] and _hash_at(other, position) == other[14]:
            return _problem(ProblemKind.REORDERED, row, position,
                            f"this event was recorded at {other[0]} and the event there at "
                            f"{position}: the two were swapped")
    return _problem(ProblemKind.ALTERED, row, position,
                    f"its content no longer matches its hash {row[14][:16]}… (recomputed "
                    f"{_hash_at(row, position)[:16]}…)")


def _diagnose_link(engine: Engine, row: Row, last: tuple[int, str, int]) -> Problem:
    """Row ``row`` has a sound hash but does not follow its stream's previous event."""
    version, last_hash, last_position = last
    if row[3] > version + 1:
        missing = version + 1
        later = next((r for r in _rows(engine, row[0]) if r[2] == row[2] and r[3] == missing),
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


def verify_chains(engine: Engine) -> Report:
    """Recompute every hash and link; report the first problem, or none."""
    heads: dict[str, tuple[int, str, int]] = {}
    expected = 1
    for row in _rows(engine):
        position, stream, version = row[0], row[2], row[3]
        if position != expected:
            return _report(heads, expected - 1, _diagnose_gap(engine, heads, expected, position))
        if event_hash(header(row), row[15]) != row[14]:
            return _report(heads, expected - 1, _diagnose_mismatch(engine, row))
        last = heads.get(stream, (0, GENESIS, 0))
        if version != last[0] + 1 or row[13] != last[1]:
            return _report(heads, expected - 1, _diagnose_link(engine, row, last))
        heads[stream] = (version, row[14], position)
        expected += 1
    with engine.connect() as conn:
        head = conn.execute(select(ledger_head.c.position)).scalar_one()
    count = expected - 1
    if head > count:
        return _report(heads, count, Problem(
            kind=ProblemKind.TRUNCATED, position=count + 1,
            detail=f"the ledger's head records {head} events but the log ends at {count}"))
    return _report(heads, count, None)


def _diagnose_gap(engine: Engine, heads: dict[str, tuple[int, str, int]], missing: int,
                  found: int) -> Problem:
    """Positions ``missing``…``found-1`` are absent: name the stream whose version jumps."""
    span = f"{missing}" if found - 1 == missing else f"{missing}–{found - 1}"
    detail = f"position {span} is missing: the log jumps from {missing - 1} to {found}"
    for row in _rows(engine, found - 1):
        version = heads.get(row[2], (0, GENESIS, 0))[0]
        if row[3] > version + 1:
            return Problem(kind=ProblemKind.DELETED, position=missing, stream=row[2],
                           version=version + 1, detail=detail)
        heads = {**heads, row[2]: (row[3], row[14], row[0])}
    return Problem(kind=ProblemKind.DELETED, position=missing, detail=detail)


def _report(heads: dict[str, tuple[int, str, int]], events: int, problem: Problem | None
            ) -> Report:
    return Report(events=events, streams=len(heads), problem=problem)
