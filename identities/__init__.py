"""Who is who: people, their roles and their tokens, in the ledger's database.

``People(engine)`` registers a person and hands back their token once (only its SHA-256 is
kept), lists and revokes people, and authenticates a token to the :class:`Person` whose
``actor`` the engine records — the actor of a step always comes from the token, never from a
request body. ``Sessions(engine, lasts)`` keeps the dashboard's sessions, each opened by a
token once and held in a cookie by its own random id (only its SHA-256 is kept). A person's
e-mail address (``check_email``) is where notices go; ``new_calendar`` makes the secret of their
private iCalendar feed's address, and ``calendar_owner`` finds whose feed a secret opens.
"""

from identities.calendars import calendar_owner, new_calendar
from identities.errors import (
    AlreadyRevoked,
    IdentityError,
    InvalidPerson,
    Unauthenticated,
    UnknownPerson,
)
from identities.people import People, Person
from identities.schema import PERSON_ROLES
from identities.sessions import Sessions, csrf_of
from identities.validation import check_email, check_person

__all__ = ["PERSON_ROLES", "AlreadyRevoked", "IdentityError", "InvalidPerson", "People",
           "Person", "Sessions", "Unauthenticated", "UnknownPerson", "calendar_owner",
           "check_email", "check_person", "csrf_of", "new_calendar"]
