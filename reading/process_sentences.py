"""A country coalition's and a silence procedure's recorded events as sentences (see
:mod:`reading.sentences`): one function per event type, States by name, kinds in words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from i18n import N_, _
from reading.words import day, state

Payload = dict[str, Any]
FOCUS = {"universalization": N_("universalization"),
         "clearance-and-risk-reduction-education": N_("clearance and risk reduction education"),
         "stockpile-destruction": N_("stockpile destruction"),
         "international-cooperation-and-assistance": N_("international cooperation and "
                                                         "assistance"),
         "national-implementation-measures": N_("national implementation measures")}
PARTNERS = {"donor": N_("donor"), "lead": N_("lead")}
PARTICIPANTS = {"state": N_("a State"),
                "international_organisation": N_("an international organisation"),
                "operator": N_("an operator"), "expert": N_("an expert")}
ACTIVITIES = {"bilateral": N_("bilateral"), "multilateral": N_("multilateral"),
              "international": N_("international")}


def _word(words: dict[str, str], value: str) -> str:
    return _(words[value]) if value in words else value.replace("_", " ").replace("-", " ")


def candidate(p: Payload) -> str:
    c = p["charter"]
    said = _("A country coalition was proposed: {affected} with {partner} as its {role} "
             "State, on {focus}").format(
        affected=state(c["affected_state"]), partner=state(c["partner_state"]),
        role=_word(PARTNERS, c["partner_role"]),
        focus=", ".join(_word(FOCUS, f) for f in c["focus"]))
    if p.get("non_state_party"):
        said += _("; it extends to a State not party to the Convention")
    return said + "."


def agreed(p: Payload) -> str:
    return _("{state} agreed to co-coordinate the coalition.").format(state=state(p["state"]))


def strategy(p: Payload) -> str:
    d = p["document"]
    return _("The national strategy {reference} was registered (SHA-256 {hash}…).").format(
        reference=d["reference"], hash=d["sha256"][:12])


def joined(p: Payload) -> str:
    who = p["participant"]
    return _("{name}, {kind}, joined the coalition.").format(
        name=who["name"], kind=_word(PARTICIPANTS, who["kind"]))


def left(p: Payload) -> str:
    return _("{name} left the coalition.").format(name=p["name"])


def planned(p: Payload) -> str:
    w = p["workshop"]
    return _("A country workshop was planned in {place}, from {starts} to {ends}.").format(
        place=w["place"], starts=day(w["starts"]), ends=day(w["ends"]))


def workshop_held(p: Payload) -> str:
    return _("The country workshop was held; its records: {records}.").format(
        records=p["outcomes"]["records_reference"])


def coordinated(p: Payload) -> str:
    a = p["activity"]
    return _("The coalition now coordinates the {kind} activity {reference}.").format(
        kind=_word(ACTIVITIES, a["kind"]), reference=a["reference"])


def progress(p: Payload) -> str:
    return _("Progress reported to the MSP of {year}: {summary}").format(
        year=p["msp_year"], summary=p["summary"].rstrip(".")) + "."


def coalition_closed(p: Payload) -> str:
    return _("The coalition was closed: {reason}").format(reason=p["reason"].rstrip(".")) + "."


def circulated(p: Payload) -> str:
    return _("The President circulated {reference} on “{subject}”; silence holds until "
             "{deadline}.").format(reference=p["text"]["reference"], subject=p["subject"],
                                   deadline=day(p["deadline"]))


def recirculated(p: Payload) -> str:
    return _("The text was circulated again ({reference}, circulation {n}); silence holds "
             "until {deadline}.").format(reference=p["text"]["reference"],
                                         n=p["circulation"], deadline=day(p["deadline"]))


def broken(p: Payload) -> str:
    by = p["standing"]["iso3"] if p.get("standing") else (p.get("actor") or {}).get(
        "represents")
    return _("{state} broke silence: {objection}").format(
        state=state(by), objection=p["objection"].rstrip(".")) + "."


def adopted(p: Payload) -> str:
    return _("No one broke silence: circulation {n} was adopted (SHA-256 {hash}…).").format(
        n=p["circulation"], hash=p["content_hash"][:12])


def not_adopted(p: Payload) -> str:
    return _("Circulation {n} was not adopted: silence was broken by {states}.").format(
        n=p["circulation"], states=", ".join(state(s) for s in p["objected_by"]))


def withdrawn(p: Payload) -> str:
    return _("The text was withdrawn: {reason}").format(reason=p["reason"].rstrip(".")) + "."


PROCESS_SENTENCES: dict[str, Callable[[Payload], str]] = {
    "CandidateIdentified": candidate, "CoCoordinationAgreed": agreed,
    "StrategyDocumentRegistered": strategy, "ParticipantJoined": joined,
    "ParticipantLeft": left, "CountryWorkshopPlanned": planned,
    "CountryWorkshopHeld": workshop_held, "ExistingActivityCoordinated": coordinated,
    "ProgressReported": progress, "CoalitionClosed": coalition_closed,
    "TextCirculated": circulated, "TextRecirculated": recirculated, "SilenceBroken": broken,
    "DecisionAdoptedBySilence": adopted, "DecisionNotAdopted": not_adopted,
    "TextWithdrawn": withdrawn,
}
