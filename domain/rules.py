"""The catalogue of rule ids (``../shared/design/RULES.md``) with the paragraph each comes from.

A refusal quotes the id and the paragraph, so a person who is refused can read the source text.
Only ids listed here may be cited; :func:`source_of` refuses an unknown id loudly, so a typo in a
citation is caught by the first test that exercises it.
"""

from __future__ import annotations

from typing import Final

#: rule id -> (source paragraph, one-line summary)
RULES: Final[dict[str, tuple[str, str]]] = {
    "G-1": ("2MSP ¶7", "continuity, openness, transparency, inclusiveness and cooperation"),
    "IM-1": ("2MSP P1.1", "one informal intersessional meeting a year, in January–June"),
    "IM-2": ("2MSP P1.1", "the intersessional meeting is held in Geneva"),
    "IM-3": ("2MSP P1.1", "the intersessional meeting lasts at most five days"),
    "IM-4": ("2MSP P1.1", "participation is open to all States, organisations and NGOs"),
    "IM-5": ("2MSP P1.2, P2.4", "the President with the coordinators decides the agenda"),
    "IM-6": ("2MSP P1.3", "where possible, back-to-back with APMBC or CCW meetings in Geneva"),
    "IM-7": ("2MSP P2.2", "national implementation and reporting sit in the general-status time"),
    "IM-8": ("extension", "a Meeting may decide that the coming cycle holds no meeting"),
    "WG-1": ("2MSP P2.1", "six working groups (a)–(f)"),
    "WG-2": ("2MSP P2.1", "each working group is led by one or two coordinators"),
    "WG-3": ("2MSP P2.2", "each thematic area is led by one coordinator"),
    "CO-1": ("2MSP P2.4", "a coordinator comes from a State Party"),
    "CO-2": ("2MSP P2.4", "coordinators are elected by the MSP or a Review Conference"),
    "CO-3": ("2MSP P2.4", "coordinators work under the guidance of the President"),
    "CO-4": ("2MSP P2.5", "every coordinator serves a two-year term"),
    "CO-5": ("2MSP P2.5", "two coordinators of a group start in alternate years"),
    "CO-6": ("2MSP P2.5", "where possible, one coordinator per group from an affected State"),
    "CO-7": ("2MSP P2.6", "no coordinator in the term immediately after, unless necessary"),
    "CO-8": ("2MSP P2.7", "informal working methods for continuity"),
    "CO-9": ("2MSP P2.8", "the programme is reviewed at the First Review Conference"),
    "CC-1": ("2MSP P3.1", "a Coordination Committee chaired by the President meets ad hoc"),
    "CC-2": ("2MSP P3.1", "it coordinates the coordinators' work with the MSP's"),
    "CC-3": ("2MSP P3.2", "its membership follows from the recorded elections"),
    "CC-4": ("2MSP P3.1", "its work is reviewed at the First Review Conference"),
    "ISU-1": ("2MSP P4.1", "a small ISU headed by a Director reports to the States Parties"),
    "ISU-2": ("2MSP P4.4", "the ISU's mandate (a)–(i); every work-plan item names its letter"),
    "ISU-3": ("2MSP P4.4(h)", "the MSP decides on exactly what the committee approved"),
    "ISU-4": ("2MSP P4.2, ¶17", "sustainable funding; States Parties decide on the ISU"),
    "ISU-5": ("2MSP P4.3", "the ISU is reviewed at the First Review Conference"),
    "ISU-6": ("2MSP ¶18", "a half-day special meeting may decide the ISU's arrangements"),
    "CK-1": ("7MSP ¶1, ¶4", "a coalition serves one affected State's specific challenges"),
    "CK-2": ("7MSP ¶5", "co-coordinated by one affected State and one donor or lead State"),
    "CK-3": ("7MSP ¶3", "national ownership: a national strategy document guides it"),
    "CK-4": ("7MSP ¶4", "participants: States, organisations, operators, experts"),
    "CK-5": ("7MSP ¶6", "its focus lies within the committee's five thematic areas"),
    "CK-6": ("7MSP ¶7", "it coordinates, and does not duplicate, existing activities"),
    "CK-7": ("7MSP ¶10", "the committee identifies candidate target countries"),
    "CK-8": ("7MSP ¶2, ¶11", "may extend to the most affected non-States Parties"),
    # Later practice, not in the seeds (RULES.md: "treat it as an extension and say so"):
    "SP-1": ("extension", "the President circulates a text under silence procedure, with a "
             "deadline"),
    "SP-2": ("extension", "any State Party may break silence before the deadline, by an "
             "objection"),
    "SP-3": ("extension", "at the deadline, with no objection, the decision is adopted"),
    "SP-4": ("extension", "the President may withdraw the text, or recirculate it"),
    # The Convention as it really ran (issue 20; docs/HISTORY.md): extensions, not the seeds
    "CC-5": ("2MSP P3.1, P4.4(h); extension", "the committee decides as a committee: its chair "
             "records the decision with the members present, at the profile's quorum, or by "
             "silence procedure among its members"),
    "CO-10": ("extension", "a term ended early is recorded with its reason and who decided it; "
              "the replacement serves the rest of it"),
    "HI-1": ("engine, docs/HISTORY.md", "a history file follows the published format: known "
             "States, meetings and sources, dates in order"),
    "HI-2": ("engine, docs/HISTORY.md", "a year imported from an incomplete record is "
             "completed only by adding what further sources name; nothing recorded changes"),
    # The engine's own, not the Convention's (docs/SECURITY.md): who acted is proven
    "AT-1": ("engine, docs/SECURITY.md", "a person's step carries an attestation signed with "
             "a key the deployment publishes"),
    "AT-2": ("engine, docs/SECURITY.md", "the attestation names this stream, this step, this "
             "input, this person and the version they acted on"),
    "AT-3": ("engine, docs/SECURITY.md", "an attestation is used once"),
    # The engine's own, not the Convention's: what any text a person sends may hold
    "TX-1": ("engine", "a text is NFC and holds no control or bidirectional-override character"),
}


def source_of(rule_id: str) -> str:
    """The paragraph a rule comes from; ``KeyError`` for an id the catalogue does not know."""
    return RULES[rule_id][0]
