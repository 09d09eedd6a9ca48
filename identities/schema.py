"""The ``people`` table (SQLAlchemy 2 Core), in the ledger's database, beside its events.

Migration ``0002`` of ``ledger/migrations`` creates it (``0003`` widens its roles); code never
does. A row is never deleted: revoking a person sets ``revoked_at``, so the audit trail can
always say who held a role when a step was taken. ``token_hash`` is the SHA-256 of the
person's token (see ``identities.tokens``); the token itself is stored nowhere. Migration
``0007`` adds ``email`` and ``calendar_hash`` (the SHA-256 of the secret of the person's
iCalendar feed, ``identities.calendars``). Times are
canonical UTC text, as in the ledger (``2025-06-02T09:00:00.000000Z``).

``language`` (migration ``0008``) is the language the person reads the dashboard, the CLI's
messages and the refusals in (``i18n.LANGUAGES``), or NULL for the browser's or the CLI's own.

The ``sessions`` table (migration ``0006``) holds the dashboard's sessions: a session's id is
a random secret in the person's cookie, kept here only as its SHA-256 (``id_hash``), with the
person it opens, when it was opened, when it expires and when it was revoked (signed out).
"""

from __future__ import annotations

from sqlalchemy import (
    CHAR,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)

from domain.convention import Role

metadata = MetaData()

#: the roles a person can hold; ``engine`` is the engine itself, never a person
PERSON_ROLES: tuple[Role, ...] = tuple(r for r in Role if r is not Role.ENGINE)
#: the database's own guard on ``role`` (migration 0003, which added ``delegate``, spells out
#: the same list; a test holds the latest migration's list and this one together)
ROLE_CHECK = "role IN ({})".format(", ".join(f"'{r.value}'" for r in PERSON_ROLES))

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("role", String(50), nullable=False),
    Column("represents", String(8), nullable=True),
    Column("token_hash", CHAR(64), nullable=False),
    Column("created_at", String(27), nullable=False),
    Column("revoked_at", String(27), nullable=True),
    # migration 0007: where notices go (none: the person is sent nothing), and the SHA-256 of
    # the secret in the address of their private iCalendar feed (none until one is made)
    Column("email", String(254), nullable=True),
    Column("calendar_hash", CHAR(64), nullable=True),
    Index("uq_people_calendar_hash", "calendar_hash", unique=True),
    # the person's language, one of the UN's six (migration 0008); none: the browser's choice
    Column("language", String(8), nullable=True),
    # its index is both the guard against a duplicate and the path authenticate() looks up by
    UniqueConstraint("token_hash", name="uq_people_token_hash"),
    CheckConstraint(ROLE_CHECK, name="ck_people_role"),
    CheckConstraint("revoked_at IS NULL OR revoked_at >= created_at",
                    name="ck_people_revoked_after_created"),
)

sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", CHAR(64), primary_key=True),
    Column("person_id", Integer, ForeignKey("people.id", name="fk_sessions_person"),
           nullable=False),
    Column("created_at", String(27), nullable=False),
    Column("expires_at", String(27), nullable=False),
    Column("revoked_at", String(27), nullable=True),
    CheckConstraint("expires_at > created_at", name="ck_sessions_expire_after_created"),
)
