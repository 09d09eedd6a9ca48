"""What identities refuse, each in one readable sentence (``str(error)`` is the line to print)."""

from __future__ import annotations

from domain.rules import source_of


class IdentityError(Exception):
    """Anything identities refuse; the message is one sentence, and nothing was written."""


class InvalidPerson(IdentityError, ValueError):  # noqa: N818 - the brief's name, like RuleViolation
    """A person the rules or the table cannot take: bad name, role or whom they represent.

    ``rule_id`` is the rule of ``../shared/design/RULES.md`` that refuses it, where one does;
    the message then starts like a domain refusal: ``<rule id> (<paragraph>): …``.
    """

    def __init__(self, message: str, rule_id: str | None = None) -> None:
        self.rule_id = rule_id
        self.message = message
        super().__init__(f"{rule_id} ({source_of(rule_id)}): {message}" if rule_id else message)


class UnknownPerson(IdentityError, LookupError):  # noqa: N818 - named like InvalidPerson
    """No person has that id."""


class AlreadyRevoked(IdentityError, ValueError):  # noqa: N818 - named like InvalidPerson
    """The person's token was revoked before; revoking twice would rewrite when it happened."""


class Unauthenticated(IdentityError):  # noqa: N818 - it names the state the caller is in
    """A token that opens nothing: malformed, unknown or revoked. The message never repeats
    the token (it may end up in a log)."""
