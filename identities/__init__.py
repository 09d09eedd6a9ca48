"""Who is who: people, their roles and their tokens, in the ledger's database.

``People(engine)`` registers a person and hands back their token once (only its SHA-256 is
kept), lists and revokes people, and authenticates a token to the :class:`Person` whose
``actor`` the engine records — the actor of a step always comes from the token, never from a
request body.
"""

from identities.errors import (
    AlreadyRevoked,
    IdentityError,
    InvalidPerson,
    Unauthenticated,
    UnknownPerson,
)
from identities.people import People, Person
from identities.schema import PERSON_ROLES
from identities.validation import check_person

__all__ = ["PERSON_ROLES", "AlreadyRevoked", "IdentityError", "InvalidPerson", "People",
           "Person", "Unauthenticated", "UnknownPerson", "check_person"]
