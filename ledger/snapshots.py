"""Snapshots: a stream's folded state, stored beside the ledger (table ``snapshots``).

The ledger knows a snapshot only as text: the state as canonical JSON in a ``format`` its
folder understands (``audit.snapshots``), bound to the last event folded into it by that
event's stream, version, position, recorded time and hash (the key). A snapshot is derived,
never a fact: it may be deleted and taken again at any time, and ``audit verify`` checks each
against the fold of its events.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from ledger.engine import writing
from ledger.schema import snapshots

_COLUMNS = ("stream", "version", "position", "hash", "recorded_at", "format", "state")
_SELECT = select(*(snapshots.c[name] for name in _COLUMNS))
# the newest at or before a moment: the (stream, version) index, read backwards from the top
_AS_OF = (_SELECT.where(snapshots.c.stream == bindparam("stream"),
                        snapshots.c.recorded_at <= bindparam("moment"))
          .order_by(snapshots.c.version.desc()).limit(1))
_NEWEST = (_SELECT.where(snapshots.c.stream == bindparam("stream"))
           .order_by(snapshots.c.version.desc()).limit(1))


@dataclass(frozen=True)
class Snapshot:
    """``state`` (canonical JSON, format ``format``) after the events of ``stream`` up to
    ``version``, the last of which is at ``position``, recorded at ``recorded_at``, with
    ``hash``."""

    stream: str
    version: int
    position: int
    hash: str
    recorded_at: str
    format: int
    state: str


def newest(engine: Engine, stream: str, moment: str | None = None) -> Snapshot | None:
    """The newest snapshot of ``stream`` whose last event was recorded at or before
    ``moment`` (canonical time; None: the newest of all), if any."""
    query, params = (_NEWEST, {"stream": stream}) if moment is None else (
        _AS_OF, {"stream": stream, "moment": moment})
    with engine.connect() as conn:
        row = conn.execute(query, params).first()
    return Snapshot(*row) if row else None


def every_snapshot(engine: Engine) -> Iterator[Snapshot]:
    """Every snapshot, by stream then version."""
    query = _SELECT.order_by(snapshots.c.stream, snapshots.c.version)
    with engine.connect() as conn:
        for row in conn.execute(query):
            yield Snapshot(*row)


def store(engine: Engine, taken: list[Snapshot]) -> int:
    """Store ``taken``, leaving any snapshot already stored under the same key (the same last
    event) as it is; how many were new."""
    if not taken:
        return 0
    rows = [{name: getattr(s, name) for name in _COLUMNS} for s in taken]
    insert = (postgresql.insert(snapshots) if engine.dialect.name == "postgresql"
              else sqlite.insert(snapshots)).on_conflict_do_nothing().returning(snapshots.c.hash)
    # counted by what the insert returns: psycopg's rowcount is -1 for a skipped conflict
    with writing(engine) as conn:
        return len(conn.execute(insert, rows).all())
