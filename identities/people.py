"""Who is who: the people who may step the cycle, each with a role and a token.

A person's token is made by :meth:`People.add`, returned once and kept only as its SHA-256;
:meth:`People.authenticate` turns a token back into the :class:`Person`, whose :attr:`~Person.actor`
is what the engine records as the actor of a step — always from the token, never from what a
request says about itself. Revoking keeps the row (the audit trail must still say who held a role
when a step was taken) and makes the token open nothing from then on.
"""

from __future__ import annotations

import builtins
import hmac
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, insert, select, update

from domain.convention import Actor, Role, shipped_registry
from i18n import UnknownLanguage, _, known
from identities.errors import AlreadyRevoked, InvalidPerson, Unauthenticated, UnknownPerson
from identities.schema import people
from identities.tokens import new_token, token_hash, well_formed
from identities.validation import check_email, check_person
from ledger.encoding import canonical_time
from ledger.engine import writing

_COLUMNS = (people.c.id, people.c.name, people.c.role, people.c.represents, people.c.created_at,
            people.c.revoked_at, people.c.email, people.c.language)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Person(BaseModel):
    """A registered person; ``created_at`` and ``revoked_at`` are canonical UTC text."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    role: Role
    represents: str | None
    created_at: str
    revoked_at: str | None
    #: where the engine's notices go; ``None``: the person is sent nothing (shown only to the
    #: person and the ISU)
    email: str | None = None
    #: one of ``i18n.LANGUAGES``, or ``None``: the browser's ``Accept-Language``, the CLI's own
    language: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def actor(self) -> Actor:
        """Who the engine records as having taken a step this person's token was sent with."""
        return Actor(name=self.name, role=self.role, represents=self.represents)

    def describe(self) -> str:
        """``Ana Díaz, coordinator for Chile (CHL)``."""
        role = self.role.value.replace("_", " ")
        if self.represents is None:
            return f"{self.name}, {role}"
        return f"{self.name}, {role} for {shipped_registry().describe(self.represents)}"


def _person(row: Sequence[Any]) -> Person:
    """A person from a row of ``_COLUMNS`` (in that order)."""
    return Person(id=row[0], name=row[1], role=Role(row[2]), represents=row[3],
                  created_at=row[4], revoked_at=row[5], email=row[6], language=row[7])


class People:
    """The ``people`` table of the ledger's database (migrated: ``ledger.upgrade``).

    ``clock`` gives the moments recorded as ``created_at`` and ``revoked_at`` (timezone-aware).
    Every refusal is an :class:`~identities.errors.IdentityError` of one sentence, and writes
    nothing.
    """

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _utc_now) -> None:
        self._engine = engine
        self._clock = clock

    @property
    def engine(self) -> Engine:
        """The database the people are kept in."""
        return self._engine

    def add(self, name: str, role: Role | str, represents: str | None = None,
            email: str | None = None) -> tuple[Person, str]:
        """Register a person (with the address their notices go to, if given); return them
        and their token, which is stored nowhere: hand it over now. Raises
        :class:`~identities.errors.InvalidPerson` before touching the table."""
        name, chosen, code = check_person(name, role, represents)
        address = check_email(email) if email is not None else None
        token = new_token()
        created_at = canonical_time(self._clock())
        with writing(self._engine) as conn:
            result = conn.execute(insert(people).values(
                name=name, role=chosen.value, represents=code, token_hash=token_hash(token),
                created_at=created_at, revoked_at=None, email=address))
            (person_id,) = result.inserted_primary_key or (None,)
        assert isinstance(person_id, int)
        person = Person(id=person_id, name=name, role=chosen, represents=code,
                        created_at=created_at, revoked_at=None, email=address)
        return person, token

    def set_email(self, person_id: int, email: str | None) -> Person:
        """Give the person the address their notices go to (``None``: none, they are sent
        nothing from now on). A bad address is refused before the table is touched."""
        address = check_email(email) if email is not None else None
        with writing(self._engine) as conn:
            done = conn.execute(update(people).where(people.c.id == person_id)
                                .values(email=address))
        if done.rowcount != 1:
            raise UnknownPerson(_("no person has id {id}.").format(id=person_id))
        return self.get(person_id)

    def get(self, person_id: int) -> Person:
        """The person with ``person_id``, revoked or not; :class:`UnknownPerson` if none."""
        with self._engine.connect() as conn:
            row = conn.execute(select(*_COLUMNS).where(people.c.id == person_id)).one_or_none()
        if row is None:
            raise UnknownPerson(f"no person has id {person_id}.")
        return _person(row)

    def revoke(self, person_id: int) -> Person:
        """Make the person's token open nothing from now on; the row stays, with ``revoked_at``.
        Revoking an unknown id, or a person revoked before, is refused."""
        with writing(self._engine) as conn:
            row = conn.execute(select(*_COLUMNS).where(people.c.id == person_id)).one_or_none()
            if row is None:
                raise UnknownPerson(f"no person has id {person_id}, so there is nothing to "
                                    "revoke.")
            person = _person(row)
            if person.revoked_at is not None:
                raise AlreadyRevoked(f"{person.describe()} (id {person_id}) was revoked "
                                     f"already, at {person.revoked_at}.")
            # never before the row was made, even if the clock has stepped back since
            revoked_at = max(canonical_time(self._clock()), person.created_at)
            done = conn.execute(update(people)
                                .where(people.c.id == person_id, people.c.revoked_at.is_(None))
                                .values(revoked_at=revoked_at))
            if done.rowcount != 1:  # revoked by someone else between our read and our write
                raise AlreadyRevoked(f"{person.describe()} (id {person_id}) was revoked "
                                     "already, a moment ago.")
        return person.model_copy(update={"revoked_at": revoked_at})

    def set_language(self, person_id: int, language: str | None) -> Person:
        """Make ``language`` (one of the UN's six, or ``None`` for the browser's own) the one
        the person reads in; an unknown language or id is refused and nothing is written."""
        try:
            code = None if language is None else known(language)
        except UnknownLanguage as error:
            raise InvalidPerson(str(error)) from None
        with writing(self._engine) as conn:
            done = conn.execute(update(people).where(people.c.id == person_id)
                                .values(language=code))
            if done.rowcount != 1:
                raise UnknownPerson(f"no person has id {person_id}.")
        return self.get(person_id)

    def authenticate(self, token: str) -> Person:
        """The person holding ``token``; :class:`Unauthenticated` for a malformed, unknown or
        revoked one. The message never repeats the token."""
        if not well_formed(token):
            raise Unauthenticated("that is not an intersessional token (isx_ followed by 43 "
                                  "letters, digits, - or _).")
        digest = token_hash(token)
        with self._engine.connect() as conn:
            row = conn.execute(select(*_COLUMNS, people.c.token_hash)
                               .where(people.c.token_hash == digest)).one_or_none()
        # The index lookup is not constant-time, but all its timing could tell is how much of a
        # SHA-256 matched, which is no help without a preimage of a 256-bit random token. Our
        # own comparison is constant-time, and guards against a loosely comparing collation.
        if row is None or not hmac.compare_digest(row[-1], digest):
            raise Unauthenticated("no one holds that token.")
        person = _person(row)
        if person.revoked_at is not None:
            raise Unauthenticated(f"that token was revoked at {person.revoked_at}; ask the ISU "
                                  "for a new one.")
        return person

    def list(self) -> builtins.list[Person]:
        """Everyone ever registered, revoked or not, in the order they were added."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(*_COLUMNS).order_by(people.c.id)).all()
        return [_person(row) for row in rows]
