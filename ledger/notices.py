"""The notices the engine owes people, and how far each has gone: kept, tried, sent.

A notice is planned once per (event, person, kind) — its :func:`key`, from which its Message-ID
is made — so planning it again (a retried activity, a replayed workflow) keeps the row as it
is, and a notice marked ``sent`` is never sent again. A person without an e-mail address gets a
row ``unsent`` saying why: it is not an error. Like ``ledger.attention``, the rows are the
engine's state of delivery beside the record, not part of it (nothing here is chained).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, insert, select, update

from ledger.encoding import canonical_time
from ledger.engine import writing
from ledger.schema import notices

Kind = Literal["reminder", "escalation", "awaits"]
Status = Literal["pending", "sent", "unsent"]
#: why a notice stays unsent; a fact about the person, not a failure
NO_ADDRESS = "no e-mail address"


class Notice(BaseModel):
    """One notice to one person: what it says, where it goes, how far it has gone."""

    model_config = ConfigDict(frozen=True)

    key: str
    message_id: str
    stream: str
    event_id: str
    kind: Kind
    person_id: int
    recipient: str | None
    subject: str
    body: str
    status: Status
    reason: str | None = None
    attempts: int = 0
    created_at: str
    attempted_at: str | None = None
    sent_at: str | None = None


def key(event_id: str, person_id: int, kind: Kind) -> str:
    """The idempotency key of the notice of ``kind`` about ``event_id`` to ``person_id``."""
    return f"{event_id}/{person_id}/{kind}"


def message_id(notice_key: str, domain: str) -> str:
    """The Message-ID the notice is sent under (RFC 5322), the same at every attempt, so that
    a mail server that received it twice (a crash between sending and marking it sent) can
    tell it is the same message."""
    digest = hashlib.sha256(notice_key.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain}>"


def now() -> str:
    return canonical_time(datetime.now(UTC))


def keep(engine: Engine, planned: Iterable[Notice]) -> list[Notice]:
    """Keep each planned notice whose key is not kept yet; the rows of all of them as kept
    (an earlier plan's row stays as it was, however far it has gone)."""
    planned = list(planned)
    if not planned:  # most events owe no one a notice: no transaction on the writer lock
        return []
    keys = [n.key for n in planned]
    with writing(engine) as conn:
        held = set(conn.scalars(select(notices.c.key).where(notices.c.key.in_(keys))))
        fresh = [n.model_dump() for n in planned if n.key not in held]
        if fresh:
            conn.execute(insert(notices), fresh)
    return of_keys(engine, keys)


def of_keys(engine: Engine, keys: Sequence[str]) -> list[Notice]:
    """The kept notices of ``keys``, in that order (a key not kept is left out)."""
    with engine.connect() as conn:
        rows = {r.key: Notice.model_validate(dict(r._mapping)) for r in conn.execute(
            select(notices).where(notices.c.key.in_(list(keys))))}
    return [rows[k] for k in keys if k in rows]


def get(engine: Engine, notice_key: str) -> Notice | None:
    found = of_keys(engine, [notice_key])
    return found[0] if found else None


def tried(engine: Engine, notice_key: str, error: str) -> None:
    """Note a failed attempt to send a pending notice, and why (it stays pending)."""
    with writing(engine) as conn:
        conn.execute(update(notices)
                     .where(notices.c.key == notice_key, notices.c.status == "pending")
                     .values(attempts=notices.c.attempts + 1, reason=error[:2000],
                             attempted_at=now()))


def sent(engine: Engine, notice_key: str) -> None:
    """Mark a pending notice sent: it is never sent again."""
    moment = now()
    with writing(engine) as conn:
        conn.execute(update(notices)
                     .where(notices.c.key == notice_key, notices.c.status == "pending")
                     .values(status="sent", attempts=notices.c.attempts + 1, reason=None,
                             attempted_at=moment, sent_at=moment))


def listed(engine: Engine, status: Status | None = None, person_id: int | None = None,
           limit: int = 500) -> list[Notice]:
    """The notices kept, the newest first: of one ``status`` or ``person_id`` if given."""
    query = select(notices).order_by(notices.c.created_at.desc(), notices.c.key).limit(limit)
    if status is not None:
        query = query.where(notices.c.status == status)
    if person_id is not None:
        query = query.where(notices.c.person_id == person_id)
    with engine.connect() as conn:
        return [Notice.model_validate(dict(r._mapping)) for r in conn.execute(query)]


def refused(engine: Engine, notice_key: str, error: str) -> None:
    """Mark a pending notice unsent for good: the mail server refused it (a 5xx)."""
    with writing(engine) as conn:
        conn.execute(update(notices)
                     .where(notices.c.key == notice_key, notices.c.status == "pending")
                     .values(status="unsent", attempts=notices.c.attempts + 1,
                             reason=error[:2000], attempted_at=now()))
