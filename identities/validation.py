"""Who may be registered, in which role, representing whom: pure checks, no database.

:func:`check_person` either returns the person's fields normalised (name stripped, ``represents``
upper-cased) or raises :class:`~identities.errors.InvalidPerson` with one sentence, citing the
rule of ``../shared/design/RULES.md`` where one applies. What a role requires:

=====================  ==========================================================================
isu                    represents no one: the ISU serves all the States Parties (ISU-1)
president(_designate)  may name the State holding the presidency; never an organisation
coordinator            must represent a State Party (CO-1)
committee_member       must represent a State or the ICRC, the UN or the CMC (CC-3); whether
                       it sits on the committee on a given day is judged by ``domain`` at each
                       step, from the recorded elections, never here
delegate               must represent a State of the registry, of any standing (CK-2; CK-8 lets a
                       non-State Party take part in a coalition); never an organisation
auditor                may represent a State or an organisation, or no one
=====================  ==========================================================================

``engine`` is the engine itself, acting on its durable timers; no person holds it.
"""

from __future__ import annotations

from domain.convention import COMMITTEE_ORGANISATIONS, Role, Status, shipped_registry
from domain.limits import NAME, nfc, unwritable
from i18n import _
from identities.errors import InvalidPerson
from identities.schema import PERSON_ROLES

MAX_NAME = NAME  # domain.limits; the ledger's ``actor`` column holds as much
_ROLES = ", ".join(r.value for r in PERSON_ROLES)
_ORGANISATIONS = "the " + ", the ".join(COMMITTEE_ORGANISATIONS[:-1]) + (
    f" or the {COMMITTEE_ORGANISATIONS[-1]}")
_STANDING = {Status.STATE_PARTY: "a State Party", Status.SIGNATORY: "a signatory, not a party",
             Status.NON_PARTY: "not a party to the Convention"}


def check_name(name: str) -> str:
    """The name stripped, in Unicode NFC; refused when empty, longer than 200 characters, or
    holding a control character (the ledger would refuse to record it as the actor of a step)
    or a bidirectional override (TX-1: it would show the name in another order)."""
    stripped = nfc(name.strip())
    if not stripped:
        raise InvalidPerson("a person needs a name, and an empty one was given.")
    if len(stripped) > MAX_NAME:
        raise InvalidPerson(f"a name is at most {MAX_NAME} characters, and this one has "
                            f"{len(stripped)}.")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in stripped):
        raise InvalidPerson("a name may not contain control characters (a tab, a line break), "
                            "which the ledger does not record.")
    if (refused := unwritable(stripped, ("name",), lines=False)) is not None:
        raise InvalidPerson(str(refused).split(": ", 1)[1], refused.rule_id)
    return stripped


def check_email(address: str) -> str:
    """The address normalised as ``email-validator`` normalises it (the domain lower-cased and
    IDNA-checked), if it is the syntax of an address mail can be sent to; its deliverability
    is not looked up (no DNS at registration: a mail server may be down that day)."""
    # imported here: ~40 ms of every process that imports ``identities`` (every CLI command
    # reading people) for the few that check an address
    from email_validator import EmailNotValidError, validate_email  # noqa: PLC0415

    try:
        checked = validate_email(address.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidPerson(_("{address!r} is not an e-mail address: {reason}").format(
            address=address, reason=str(error))) from None
    normalized: str = checked.normalized
    return normalized


def check_role(role: Role | str) -> Role:
    """The role, if a person can hold it."""
    try:
        chosen = Role(role)
    except ValueError:
        raise InvalidPerson(f"{role!r} is not a role; a person holds one of {_ROLES}.") from None
    if chosen is Role.ENGINE:
        raise InvalidPerson("engine is the engine itself, acting on its timers, not a role a "
                            f"person can hold; a person holds one of {_ROLES}.")
    return chosen


def check_represents(represents: str | None) -> str | None:
    """The code upper-cased, if it is a State of the shipped registry or ICRC, UN or CMC;
    ``None`` for nothing (or blank)."""
    if represents is None or not represents.strip():
        return None
    code = represents.strip().upper()
    if code not in shipped_registry() and code not in COMMITTEE_ORGANISATIONS:
        raise InvalidPerson(f"{represents.strip()!r} is neither a State of the registry (an ISO "
                            f"3166-1 alpha-3 code, as `intersessional states` lists them) nor "
                            f"{_ORGANISATIONS}.")
    return code


def _check_delegate(name: str, code: str | None) -> None:
    """A delegate speaks for a State (CK-2: the affected and the partner State co-coordinate
    through their delegates); a State of any standing, since a coalition may extend to a
    non-State Party (CK-8) — whether it may break silence (SP-2) is judged at that step."""
    if code is None:
        raise InvalidPerson(f"a delegate speaks for a State; say which one {name} represents.",
                            "CK-2")
    if code in COMMITTEE_ORGANISATIONS:
        raise InvalidPerson(f"a delegate speaks for a State, not for the {code}.", "CK-2")


def check_person(name: str, role: Role | str, represents: str | None
                 ) -> tuple[str, Role, str | None]:
    """``(name, role, represents)`` normalised, or :class:`InvalidPerson` saying what is wrong."""
    name, role, code = check_name(name), check_role(role), check_represents(represents)
    registry = shipped_registry()
    if role is Role.ISU and code is not None:
        raise InvalidPerson("the ISU serves all the States Parties and reports to them, so "
                            f"{name} of the ISU represents no one, not {code}.", "ISU-1")
    if role is Role.COORDINATOR:
        if code is None:
            raise InvalidPerson(f"a coordinator comes from a State Party; say which one {name} "
                                "represents.", "CO-1")
        if code in COMMITTEE_ORGANISATIONS:
            raise InvalidPerson(f"a coordinator comes from a State Party, not from the {code}.",
                                "CO-1")
        if not registry[code].is_state_party:
            standing = _STANDING[registry[code].status]
            raise InvalidPerson(f"a coordinator comes from a State Party, and "
                                f"{registry.describe(code)} is {standing}.", "CO-1")
    if role is Role.COMMITTEE_MEMBER and code is None:
        raise InvalidPerson(f"a committee member sits for a State or for {_ORGANISATIONS}; say "
                            f"which one {name} represents.", "CC-3")
    if role is Role.DELEGATE:
        _check_delegate(name, code)
    if role in (Role.PRESIDENT, Role.PRESIDENT_DESIGNATE) and code in COMMITTEE_ORGANISATIONS:
        raise InvalidPerson(f"a presidency is held by a State, not by the {code}.", "CC-3")
    return name, role, code
