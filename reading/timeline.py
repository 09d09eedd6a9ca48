"""A process's timeline as the ledger records it: one line per event, in the ledger's order."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from rich.markup import escape
from rich.table import Table

from ledger import StoredEvent


def what(p: dict[str, Any]) -> str:
    """One phrase saying what an event recorded, from its payload alone."""
    if said := process_what(p):  # a coalition's or a silence procedure's event
        return said
    match p["type"]:
        case "CycleOpened":
            return (f"calendar: MSP {p['calendar']['opening_msp']} → {p['calendar']['closing_msp']}"
                    f", committee due {p['calendar']['committee_due']}; carried "
                    f"{len(p['carried_terms'])} term(s), {len(p['carried_presidencies'])} "
                    "presidency(ies)")
        case "CoordinatorsElected":
            terms = p["election"]["terms"]
            return (f"{len(terms)} coordinator(s) elected by the MSP of "
                    f"{p['election']['msp_year']}: {', '.join(t['state'] for t in terms)}"
                    + (f"; warnings {', '.join(w['rule_id'] for w in p['warnings'])}"
                       if p["warnings"] else ""))
        case "RecordCompleted":
            return (f"{len(p['terms'])} coordinator(s) further sources name: "
                    f"{', '.join(t['state'] for t in p['terms'])}")
        case "PresidentDesignated":
            return f"{p['presidency']['state']} for the {p['presidency']['meeting']}"
        case "IntersessionalMeetingConvened":
            m = p["meeting"]
            return f"{m['place']}, {m['first_day']} to {m['last_day']}"
        case "IntersessionalMeetingHeld":
            return f"records: {p['records_reference']}"
        case "WorkplanDrafted":
            plan = p["workplan"]
            total = sum(Decimal(line["amount"]) for line in plan["budget"])
            return f"for {plan['for_year']}, {total:,}, sha256 {p['content_hash'][:12]}…"
        case "WorkplanReturnedForRevision":
            return f"sha256 {p['content_hash'][:12]}…: {p['reasons']}"
        case "DeadlineReminderSent" | "DeadlineMissed":
            escalated = p.get("escalated_to")
            return f"{p['deadline']} due {p['due']}" + (f", escalated to {escalated}"
                                                         if escalated else "")
        case _ if "content_hash" in p:
            return f"sha256 {p['content_hash'][:12]}…"
    return ""


def timeline_table(events: Iterable[StoredEvent], title: str) -> Table:
    """Any process's events, a line each: who took the step, in which role, for which State."""
    table = Table("#", "Recorded (UTC)", "Event", "By (role, for)", "What", title=title)
    table.columns[2].no_wrap = True
    for e in events:
        represents = e.payload.get("actor", {}).get("represents")
        table.add_row(str(e.position), e.recorded_at[:19].replace("T", " "), e.type,
                      f"{e.actor} ({e.role}" + (f", {represents})" if represents else ")"),
                      escape(what(e.payload)))
    return table


def _sha(document: dict[str, Any]) -> str:
    return f"{document['reference']}, sha256 {document['sha256'][:12]}…"


def process_what(p: dict[str, Any]) -> str:
    """One phrase saying what a coalition's or a silence procedure's event recorded; ``""``
    for any other event."""
    match p["type"]:
        case "CandidateIdentified":
            c = p["charter"]
            return (f"{c['affected_state']} with {c['partner_state']} ({c['partner_role']}), "
                    f"focus: {', '.join(c['focus'])}"
                    + ("; extends to a non-State Party (CK-8)" if p["non_state_party"] else ""))
        case "CoCoordinationAgreed":
            return f"{p['state']} agreed to co-coordinate"
        case "StrategyDocumentRegistered":
            return _sha(p["document"])
        case "ParticipantJoined":
            return f"{p['participant']['name']} ({p['participant']['kind'].replace('_', ' ')})"
        case "ParticipantLeft":
            return f"{p['name']} left"
        case "CountryWorkshopPlanned":
            w = p["workshop"]
            return f"{w['place']}, {w['starts']} to {w['ends']}"
        case "CountryWorkshopHeld":
            o = p["outcomes"]
            return (f"records: {o['records_reference']}; {len(o['challenges'])} challenge(s), "
                    f"{len(o['activities'])} activity(ies), actors: {', '.join(o['actors'])}")
        case "ExistingActivityCoordinated":
            return f"{p['activity']['reference']} ({p['activity']['kind']})"
        case "ProgressReported":
            return f"to the MSP of {p['msp_year']}: {p['summary']}"
        case "CoalitionClosed" | "TextWithdrawn":
            return str(p["reason"])
        case "TextCirculated":
            return f"{p['subject']}: {_sha(p['text'])}, until {p['deadline']}"
        case "TextRecirculated":
            return f"circulation {p['circulation']}: {_sha(p['text'])}, until {p['deadline']}"
        case "SilenceBroken":
            by = p["standing"]["iso3"] if p.get("standing") else p["actor"].get("represents")
            return f"{by} objects: {p['objection']}"
        case "DecisionAdoptedBySilence":
            return f"circulation {p['circulation']} adopted, sha256 {p['content_hash'][:12]}…"
        case "DecisionNotAdopted":
            return (f"circulation {p['circulation']} not adopted; silence broken by "
                    f"{', '.join(p['objected_by'])}")
    return ""
