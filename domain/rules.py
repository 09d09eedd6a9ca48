"""The catalogue of rule ids (``../shared/design/RULES.md``) with the paragraph each comes from.

A refusal quotes the id and the paragraph, so a person who is refused can read the source text.
Only ids listed here may be cited; :func:`source_of` refuses an unknown id loudly, so a typo in a
citation is caught by the first test that exercises it.
"""

from __future__ import annotations

from typing import Final


def N_(summary: str) -> str:  # noqa: N802 - gettext's marker: the catalogs translate these
    """Mark a rule's summary for the catalogs (babel.cfg); i18n translates it where shown."""
    return summary


#: rule id -> (source paragraph, one-line summary)
RULES: Final[dict[str, tuple[str, str]]] = {
    "G-1": ("2MSP ¶7", N_("continuity, openness, transparency, inclusiveness and cooperation")),
    "IM-1": ("2MSP P1.1", N_("one informal intersessional meeting a year, in January–June")),
    "IM-2": ("2MSP P1.1", N_("the intersessional meeting is held in Geneva")),
    "IM-3": ("2MSP P1.1", N_("the intersessional meeting lasts at most five days")),
    "IM-4": ("2MSP P1.1", N_("participation is open to all States, organisations and NGOs")),
    "IM-5": ("2MSP P1.2, P2.4", N_("the President with the coordinators decides the agenda")),
    "IM-6": ("2MSP P1.3", N_("where possible, back-to-back with APMBC or CCW meetings in Geneva")),
    "IM-7": ("2MSP P2.2", N_("national implementation and reporting sit in the general-status "
                             "time")),
    "IM-8": ("extension", N_("a Meeting may decide that the coming cycle holds no meeting")),
    "WG-1": ("2MSP P2.1", N_("six working groups (a)–(f)")),
    "WG-2": ("2MSP P2.1", N_("each working group is led by one or two coordinators")),
    "WG-3": ("2MSP P2.2", N_("each thematic area is led by one coordinator")),
    "CO-1": ("2MSP P2.4", N_("a coordinator comes from a State Party")),
    "CO-2": ("2MSP P2.4", N_("coordinators are elected by the MSP or a Review Conference")),
    "CO-3": ("2MSP P2.4", N_("coordinators work under the guidance of the President")),
    "CO-4": ("2MSP P2.5", N_("every coordinator serves a two-year term")),
    "CO-5": ("2MSP P2.5", N_("two coordinators of a group start in alternate years")),
    "CO-6": ("2MSP P2.5", N_("where possible, one coordinator per group from an affected State")),
    "CO-7": ("2MSP P2.6", N_("no coordinator in the term immediately after, unless necessary")),
    "CO-8": ("2MSP P2.7", N_("informal working methods for continuity")),
    "CO-9": ("2MSP P2.8", N_("the programme is reviewed at the First Review Conference")),
    "CC-1": ("2MSP P3.1", N_("a Coordination Committee chaired by the President meets ad hoc")),
    "CC-2": ("2MSP P3.1", N_("it coordinates the coordinators' work with the MSP's")),
    "CC-3": ("2MSP P3.2", N_("its membership follows from the recorded elections")),
    "CC-4": ("2MSP P3.1", N_("its work is reviewed at the First Review Conference")),
    "ISU-1": ("2MSP P4.1", N_("a small ISU headed by a Director reports to the States Parties")),
    "ISU-2": ("2MSP P4.4", N_("the ISU's mandate (a)–(i); every work-plan item names its letter")),
    "ISU-3": ("2MSP P4.4(h)", N_("the MSP decides on exactly what the committee approved")),
    "ISU-4": ("2MSP P4.2, ¶17", N_("sustainable funding; States Parties decide on the ISU")),
    "ISU-5": ("2MSP P4.3", N_("the ISU is reviewed at the First Review Conference")),
    "ISU-6": ("2MSP ¶18", N_("a half-day special meeting may decide the ISU's arrangements")),
    "CK-1": ("7MSP ¶1, ¶4", N_("a coalition serves one affected State's specific challenges")),
    "CK-2": ("7MSP ¶5", N_("co-coordinated by one affected State and one donor or lead State")),
    "CK-3": ("7MSP ¶3", N_("national ownership: a national strategy document guides it")),
    "CK-4": ("7MSP ¶4", N_("participants: States, organisations, operators, experts")),
    "CK-5": ("7MSP ¶6", N_("its focus lies within the committee's five thematic areas")),
    "CK-6": ("7MSP ¶7", N_("it coordinates, and does not duplicate, existing activities")),
    "CK-7": ("7MSP ¶10", N_("the committee identifies candidate target countries")),
    "CK-8": ("7MSP ¶2, ¶11", N_("may extend to the most affected non-States Parties")),
    # Later practice, not in the seeds (RULES.md: "treat it as an extension and say so"):
    "SP-1": ("extension", N_("the President circulates a text under silence procedure, with a "
             "deadline")),
    "SP-2": ("extension", N_("any State Party may break silence before the deadline, by an "
             "objection")),
    "SP-3": ("extension", N_("at the deadline, with no objection, the decision is adopted")),
    "SP-4": ("extension", N_("the President may withdraw the text, or recirculate it")),
    # The Convention as it really ran (issue 20; docs/HISTORY.md): extensions, not the seeds
    "CC-5": ("2MSP P3.1, P4.4(h); extension", N_("the committee decides as a committee: its chair "
             "records the decision with the members present, at the profile's quorum, or by "
             "silence procedure among its members")),
    "CO-10": ("extension", N_("a term ended early is recorded with its reason and who decided it; "
              "the replacement serves the rest of it")),
    "HI-1": ("engine, docs/HISTORY.md", N_("a history file follows the published format: known "
             "States, meetings and sources, dates in order")),
    "HI-2": ("engine, docs/HISTORY.md", N_("a year imported from an incomplete record is "
             "completed only by adding what further sources name; nothing recorded changes")),
    # The engine's own, not the Convention's (docs/SECURITY.md): who acted is proven
    "AT-1": ("engine, docs/SECURITY.md", N_("a person's step carries an attestation signed with "
             "a key the deployment publishes")),
    "AT-2": ("engine, docs/SECURITY.md", N_("the attestation names this stream, this step, this "
             "input, this person and the version they acted on")),
    "AT-3": ("engine, docs/SECURITY.md", N_("an attestation is used once")),
    # The engine's own, not the Convention's: what any text a person sends may hold
    "TX-1": ("engine", N_("a text is NFC and holds no control or bidirectional-override "
                          "character")),
}


def source_of(rule_id: str) -> str:
    """The paragraph a rule comes from; ``KeyError`` for an id the catalogue does not know."""
    return RULES[rule_id][0]


def summary_of(rule_id: str) -> str:
    """The rule's one-line summary, in English (the catalogs translate it where shown)."""
    return RULES[rule_id][1]
