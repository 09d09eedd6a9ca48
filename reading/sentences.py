"""Each recorded event of a year's cycle as a sentence a person reads ("Austria, coordinator
for victim assistance, was elected for 2019–2020."): one function per event type, States by
name, roles, mandates and deadlines in words, days as the language of the moment writes them.
A coalition's and a silence procedure's events are in :mod:`reading.process_sentences`.

Every sentence goes through ``i18n._`` with named placeholders; :func:`sentence` is the one
entry: any event's payload in, one sentence out (never the event's type name).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from domain.mandates import DEFAULT_MANDATES
from i18n import N_, _, ngettext
from reading.process_sentences import PROCESS_SENTENCES
from reading.words import day, deadline, money, state

Payload = dict[str, Any]
MANDATES = {m.key: m.name for m in DEFAULT_MANDATES}


def mandate(key: str) -> str:
    """``victim-assistance`` → ``victim assistance``."""
    return _(MANDATES[key]).lower() if key in MANDATES else key.replace("-", " ")


def years(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _term(t: Payload) -> str:
    return _("{state}, coordinator for {mandate}, for {years}").format(
        state=state(t["state"]), mandate=mandate(t["mandate"]),
        years=years(t["first_year"], t["last_year"]))


def _terms(terms: list[Payload]) -> str:
    return "; ".join(_term(t) for t in terms)


def opened(p: Payload) -> str:
    c = p["calendar"]
    return _("The {year} cycle was opened: the MSP meets on {opening}, the Coordination "
             "Committee is to approve the work plan by {due}, the next MSP meets on "
             "{closing}.").format(year=p["year"], opening=day(c["opening_msp"]),
                                  due=day(c["committee_due"]), closing=day(c["closing_msp"]))


def elected(p: Payload) -> str:
    terms = p["election"]["terms"]
    if len(terms) == 1:
        t = terms[0]
        return _("{state}, coordinator for {mandate}, was elected for {years}.").format(
            state=state(t["state"]), mandate=mandate(t["mandate"]),
            years=years(t["first_year"], t["last_year"]))
    return ngettext("The MSP of {msp} elected {n} coordinator: {terms}.",
                    "The MSP of {msp} elected {n} coordinators: {terms}.", len(terms)).format(
        msp=p["election"]["msp_year"], n=len(terms), terms=_terms(terms))


def completed(p: Payload) -> str:
    return _("The record of the year's coordinators was completed: {terms}.").format(
        terms=_terms(p["terms"]))


def designated(p: Payload) -> str:
    presidency = p["presidency"]
    return _("{state} was designated to preside over the {meeting}, from {start}.").format(
        state=state(presidency["state"]), meeting=presidency["meeting"],
        start=day(presidency["presides_from"]))


def ended_early(p: Payload) -> str:
    t = p["term"]
    said = _("The term of {state}, coordinator for {mandate}, ended early on {day}: "
             "{reason}").format(state=state(t["state"]), mandate=mandate(t["mandate"]),
                                day=day(p["ended_on"]), reason=p["reason"].rstrip("."))
    if p.get("replacement"):
        said += _("; {state} serves the rest of it").format(
            state=state(p["replacement"]["state"]))
    return said + "."


def convened(p: Payload) -> str:
    m = p["meeting"]
    return _("The intersessional meeting was convened in {place}, from {first} to "
             "{last}.").format(place=m["place"], first=day(m["first_day"]),
                               last=day(m["last_day"]))


def dispensed(p: Payload) -> str:
    return _("This cycle holds no intersessional meeting, as {decided} decided.").format(
        decided=p["decided_by"])


def held(p: Payload) -> str:
    return _("The intersessional meeting was held; its records: {records}.").format(
        records=p["records_reference"])


def drafted(p: Payload) -> str:
    plan = p["workplan"]
    total = sum((Decimal(line["amount"]) for line in plan["budget"]), Decimal("0.00"))
    currency = plan["budget"][0]["currency"] if plan["budget"] else None
    return _("The ISU drafted the work plan and budget for {year}: {items}, {total} in all "
             "(SHA-256 {hash}…).").format(
        year=plan["for_year"], total=money(total, currency), hash=p["content_hash"][:12],
        items=ngettext("{n} item", "{n} items", len(plan["items"])).format(
            n=len(plan["items"])))


def _hashed(text: str) -> Callable[[Payload], str]:
    return lambda p: _(text).format(hash=p["content_hash"][:12])


def returned(p: Payload) -> str:
    return _("The Coordination Committee returned the work plan (SHA-256 {hash}…) for "
             "revision: {reasons}").format(hash=p["content_hash"][:12],
                                           reasons=p["reasons"].rstrip(".")) + "."


def rejected(p: Payload) -> str:
    return _("The MSP rejected the work plan (SHA-256 {hash}…): {reason}").format(
        hash=p["content_hash"][:12], reason=p["reason"].rstrip(".")) + "."


def reminded(p: Payload) -> str:
    return _("A reminder was sent: {deadline} is due on {due}.").format(
        deadline=deadline(p["deadline"]), due=day(p["due"]))


def missed(p: Payload) -> str:
    said = _("The deadline for {deadline} ({due}) was missed").format(
        deadline=deadline(p["deadline"]), due=day(p["due"]))
    if p.get("escalated_to"):
        said += _("; it was brought to {whom}").format(whom=p["escalated_to"])
    return said + "."


def closed(p: Payload) -> str:
    return _("The {year} cycle was closed.").format(year=p["year"])


SENTENCES: dict[str, Callable[[Payload], str]] = {
    "CycleOpened": opened, "CoordinatorsElected": elected, "RecordCompleted": completed,
    "PresidentDesignated": designated, "TermEndedEarly": ended_early,
    "IntersessionalMeetingConvened": convened, "IntersessionalMeetingDispensedWith": dispensed,
    "IntersessionalMeetingHeld": held, "WorkplanDrafted": drafted,
    "WorkplanSubmittedToCommittee": _hashed(N_(
        "The ISU submitted the work plan (SHA-256 {hash}…) to the Coordination Committee.")),
    "WorkplanApprovedByCommittee": _hashed(N_(
        "The Coordination Committee approved the work plan (SHA-256 {hash}…).")),
    "WorkplanReturnedForRevision": returned,
    "WorkplanSubmittedToMSP": _hashed(N_(
        "The President submitted the approved work plan (SHA-256 {hash}…) to the MSP.")),
    "WorkplanAdoptedByMSP": _hashed(N_("The MSP adopted the work plan (SHA-256 {hash}…).")),
    "WorkplanRejectedByMSP": rejected, "DeadlineReminderSent": reminded,
    "DeadlineMissed": missed, "CycleClosed": closed, **PROCESS_SENTENCES,
}


def _words(name: str) -> str:
    """An unknown type's name in words: ``SomethingHappened`` → ``Something happened``."""
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()
    return spaced[:1].upper() + spaced[1:] + "."


def sentence(payload: Payload) -> str:
    """The sentence of a recorded event, from its payload (which names its ``type``); an
    event of a shape its function does not read is said by its type in words."""
    kind = str(payload.get("type", ""))
    said = SENTENCES.get(kind)
    if said is not None:
        try:
            return said(payload)
        except (KeyError, TypeError, ValueError, ArithmeticError, IndexError):
            pass
    return _words(kind) if kind else _("An event was recorded.")
