"""The words the report shows for the values the engine keeps (a work plan's fate, a coalition's
phase, a participant's kind…), marked for the catalogs: the ledger keeps ``returned`` or
``international_organisation``; a reader sees "returned for revision" in their language.
"""

from __future__ import annotations

from typing import Final

from i18n import N_, _

WORDS: Final[dict[str, str]] = {
    # a work plan's fate (domain.state.WorkplanStatus)
    "draft": N_("draft"), "with_committee": N_("with the committee"),
    "returned": N_("returned for revision"), "approved": N_("approved"),
    "submitted": N_("submitted to the MSP"), "adopted": N_("adopted"),
    "rejected": N_("rejected"),
    # a coalition's phase and its people (domain.coalition_state, domain.coalitions)
    "not_identified": N_("not identified"), "candidate": N_("candidate"),
    "formed": N_("formed"), "active": N_("active"), "closed": N_("closed"),
    "donor": N_("donor"), "lead": N_("lead"), "state": N_("State"),
    "international_organisation": N_("international organisation"),
    "operator": N_("operator"), "expert": N_("expert"),
    # a silence procedure's phase (domain.silence_state.SilencePhase)
    "not_circulated": N_("not circulated"), "under_silence": N_("under silence"),
    "silence_broken": N_("silence broken"), "not_adopted": N_("not adopted"),
    "withdrawn": N_("withdrawn"),
    # a closing meeting's kind (domain.conferences.MeetingKind)
    "msp": N_("Meeting of States Parties"), "review_conference": N_("Review Conference"),
    "extraordinary": N_("extraordinary meeting"),
}


def words(value: str) -> str:
    """``value`` (an enum's value) in words, in the language of the moment."""
    return _(WORDS.get(value, value.replace("_", " ")))
