"""The dashboard's sessions, kept server-side: a person signs in with their token once, and
their cookie then holds a session's id — never the token.

A session's id is ``iss_`` and 43 characters of URL-safe base64 (256 bits from
:mod:`secrets`), kept only as its SHA-256, like a token (:mod:`identities.tokens`). It opens
the dashboard for its person until it expires, until it is revoked (signing out), or until
the person is — whichever comes first. Revoking keeps the row.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, select, update

from identities.errors import Unauthenticated
from identities.people import _COLUMNS as PERSON_COLUMNS
from identities.people import Person, _person
from identities.schema import people, sessions
from identities.tokens import token_hash
from ledger.encoding import canonical_time
from ledger.engine import writing

PREFIX = "iss_"
_FORM = re.compile(r"iss_[A-Za-z0-9_-]{43}")
#: the person's columns (``identities.people``), then the session's
_COLUMNS = (*PERSON_COLUMNS, sessions.c.expires_at, sessions.c.revoked_at, sessions.c.id_hash)
_EXPIRES, _ENDED = len(PERSON_COLUMNS), len(PERSON_COLUMNS) + 1


def _utc_now() -> datetime:
    return datetime.now(UTC)


def csrf_of(session: str) -> str:
    """The value a form of ``session``'s pages carries to show it was made by this site: only
    the holder of the session's id can compute it, and it reveals nothing of the id."""
    return hmac.new(session.encode("ascii"), b"intersessional csrf", hashlib.sha256).hexdigest()


class Sessions:
    """The ``sessions`` table of the ledger's database (migrated: ``ledger.upgrade``).

    ``clock`` gives the moments recorded (timezone-aware); ``lasts`` how long a session opens
    the dashboard after it is opened.
    """

    def __init__(self, engine: Engine, lasts: timedelta,
                 clock: Callable[[], datetime] = _utc_now) -> None:
        self._engine = engine
        self._lasts = lasts
        self._clock = clock

    def open(self, person: Person) -> str:
        """A new session of ``person``: its id, which is stored nowhere — set it in the cookie
        now."""
        session = PREFIX + secrets.token_urlsafe(32)
        now = self._clock()
        with writing(self._engine) as conn:
            conn.execute(insert(sessions).values(
                id_hash=token_hash(session), person_id=person.id,
                created_at=canonical_time(now), expires_at=canonical_time(now + self._lasts),
                revoked_at=None))
        return session

    def person_of(self, session: str) -> Person:
        """The person ``session`` opens the dashboard for; :class:`Unauthenticated` saying why
        not — unknown, expired, signed out, or the person's token revoked since."""
        if _FORM.fullmatch(session) is None:
            raise Unauthenticated("that is not a session of this dashboard.")
        digest = token_hash(session)
        with self._engine.connect() as conn:
            row = conn.execute(select(*_COLUMNS).join(people, people.c.id == sessions.c.person_id)
                               .where(sessions.c.id_hash == digest)).one_or_none()
        if row is None or not hmac.compare_digest(row[-1], digest):
            raise Unauthenticated("that session is not known; sign in again.")
        if row[_ENDED] is not None:
            raise Unauthenticated(f"that session was ended at {row[_ENDED]}; sign in again.")
        if row[_EXPIRES] <= canonical_time(self._clock()):
            raise Unauthenticated(f"that session expired at {row[_EXPIRES]}; sign in again.")
        person = _person(row[:_EXPIRES])
        if person.revoked_at is not None:
            raise Unauthenticated(f"your token was revoked at {person.revoked_at}; ask the ISU "
                                  "for a new one.")
        return person

    def revoke(self, session: str) -> bool:
        """End ``session`` now, whoever tries it later; whether there was one open to end."""
        if _FORM.fullmatch(session) is None:
            return False
        with writing(self._engine) as conn:
            done = conn.execute(update(sessions)
                                .where(sessions.c.id_hash == token_hash(session),
                                       sessions.c.revoked_at.is_(None))
                                .values(revoked_at=canonical_time(self._clock())))
        return done.rowcount == 1
