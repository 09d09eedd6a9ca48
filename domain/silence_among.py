"""A text circulated under silence among the Coordination Committee (CC-5, issue 20): the
committee decides between its meetings by silence procedure among its members.

The President circulates it to exactly the committee's deciding members on the day of
circulation (``domain.committee.deciding_members``, as the record read from the ledger says);
only they may break silence — a delegate of a State among them, or a committee member for an
organisation among them (ICRC, UN, CMC) — and no one else (SP-2).
"""

from __future__ import annotations

from datetime import date

from domain import silence_events as se
from domain.authority import Record
from domain.committee import committee_on, deciding_members
from domain.convention import COMMITTEE_ORGANISATIONS, Role
from domain.errors import RuleViolation


def check_among(among: tuple[str, ...], day: date, record: Record) -> None:
    """Refuse a circulation ``among`` anyone but the committee's deciding members on ``day``,
    each named once (CC-5)."""
    members = deciding_members(committee_on(day, record.terms, record.presidencies,
                                            record.catalogue, record.profile))
    if len(set(among)) != len(among) or set(among) != set(members):
        raise RuleViolation("CC-5", "a text circulated among the Coordination Committee goes to "
                                    "its members on {day}, each once: {members}; not {among}.",
                                    day=day, members=', '.join(members) or 'none',
                                    among=', '.join(among))


def check_breaker(among: tuple[str, ...], event: se.SilenceBroken) -> None:
    """Refuse an objection to a text circulated ``among`` the committee from anyone not among
    them; an organisation's committee member breaks silence only on such a text (SP-2)."""
    who = event.actor.represents or "no one"
    if event.actor.role is Role.COMMITTEE_MEMBER and (
            not among or who not in COMMITTEE_ORGANISATIONS or event.standing is not None):
        raise RuleViolation("SP-2", "a committee member breaks silence for ICRC, UN or CMC on a "
                                    "text circulated among the Coordination Committee; {name} "
                                    "speaks for {who}.",
                                    name=event.actor.name, who=who)
    if among and who not in among:
        raise RuleViolation("SP-2", "the text is circulated among the Coordination Committee "
                                    "({among}): only they may break silence, not {name} for "
                                    "{who}.",
                                    among=', '.join(among), name=event.actor.name, who=who)
