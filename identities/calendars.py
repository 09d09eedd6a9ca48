"""The secret in the address of each person's private iCalendar feed (``/calendar/<secret>.ics``).

A calendar client cannot send a bearer token, so the feed's address carries a secret of its
own: ``ics_`` and 43 characters of URL-safe base64 (256 bits from :mod:`secrets`), made by
:func:`new_calendar`, shown once and kept only as its SHA-256 (``people.calendar_hash``), as a
token is (:mod:`identities.tokens`). Making a new one replaces the old: the old address then
opens nothing. A revoked person's feed opens nothing either.
"""

from __future__ import annotations

import hmac
import re
import secrets

from sqlalchemy import Engine, select, update

from i18n import _
from identities.errors import Unauthenticated, UnknownPerson
from identities.people import _COLUMNS, Person, _person
from identities.schema import people
from identities.tokens import token_hash
from ledger.engine import writing

PREFIX = "ics_"
_FORM = re.compile(r"ics_[A-Za-z0-9_-]{43}")


def new_calendar(engine: Engine, person_id: int) -> str:
    """A fresh secret for ``person_id``'s feed, replacing any before it; stored nowhere but as
    its SHA-256: put it in the address now."""
    secret = PREFIX + secrets.token_urlsafe(32)
    with writing(engine) as conn:
        done = conn.execute(update(people).where(people.c.id == person_id)
                            .values(calendar_hash=token_hash(secret)))
    if done.rowcount != 1:
        raise UnknownPerson(_("no person has id {id}.").format(id=person_id))
    return secret


def calendar_owner(engine: Engine, secret: str) -> Person:
    """The person whose feed ``secret`` opens; :class:`Unauthenticated` for a malformed or
    unknown secret, or a revoked person's (the message never repeats the secret)."""
    if _FORM.fullmatch(secret) is None:
        raise Unauthenticated(_("no calendar has that address."))
    digest = token_hash(secret)
    with engine.connect() as conn:
        row = conn.execute(select(*_COLUMNS, people.c.calendar_hash)
                           .where(people.c.calendar_hash == digest)).one_or_none()
    if row is None or not hmac.compare_digest(row[-1], digest):
        raise Unauthenticated(_("no calendar has that address."))
    person = _person(row)
    if person.revoked:
        raise Unauthenticated(_("no calendar has that address."))
    return person
