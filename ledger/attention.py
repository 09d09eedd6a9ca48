"""Streams that need attention: noted by a workflow that met what can never succeed, shown by
``cycle status``, the dashboard and ``audit cross-check``, cleared by ``intersessional engine
recover`` once it has started the stream again from the ledger.

A row is the engine's state of repair, not a fact of the Convention's process: it is kept
beside the events, unchained, and replaced rather than appended.
"""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, delete, insert, select

from ledger.encoding import canonical_time
from ledger.engine import writing
from ledger.schema import attention


class Attention(BaseModel):
    """Why a stream cannot move on its own, and the command that repairs it."""

    model_config = ConfigDict(frozen=True)

    stream: str
    cause: str
    repair: str
    noticed_at: str
    workflow_id: str | None = None
    run_id: str | None = None


def note(engine: Engine, stream: str, cause: str, repair: str, *,
         workflow_id: str | None = None, run_id: str | None = None) -> Attention:
    """Note that ``stream`` needs attention (replacing what was noted of it before)."""
    row = Attention(stream=stream, cause=cause, repair=repair,
                    noticed_at=canonical_time(datetime.now(UTC)), workflow_id=workflow_id,
                    run_id=run_id)
    with writing(engine) as conn:
        conn.execute(delete(attention).where(attention.c.stream == stream))
        conn.execute(insert(attention).values(**row.model_dump()))
    return row


def clear(engine: Engine, stream: str) -> bool:
    """Forget what was noted of ``stream``; whether anything was."""
    with writing(engine) as conn:
        return conn.execute(delete(attention).where(attention.c.stream == stream)).rowcount > 0


def noted(engine: Engine, stream: str | None = None) -> list[Attention]:
    """What is noted now, of ``stream`` or of every stream, in the order of the streams."""
    query = select(attention).order_by(attention.c.stream)
    if stream is not None:
        query = query.where(attention.c.stream == stream)
    with engine.connect() as conn:
        return [Attention.model_validate(dict(row._mapping)) for row in conn.execute(query)]
