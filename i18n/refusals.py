"""A refusal in the reader's language, and the source paragraph it rests on.

The domain raises ``RuleViolation(rule_id, template, **values)`` with an English template;
the edges (API, CLI, dashboard) call :func:`say` with the template and the values, which puts
the template through the catalogs and the values in by name. A value that is itself a word of
ours (a role, a phase, "no State") is translated too; names of States, years and hashes are
not. A translation that does not fit its values (a catalog error) falls back to English rather
than fail the refusal.

:func:`source_text` gives the paragraphs a rule comes from, in the seeds' original Chinese and
in the reader's language (``i18n/data/paragraphs.json``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Final, Protocol

from i18n import N_, _, current

PARAGRAPHS: Final = Path(__file__).parent / "data" / "paragraphs.json"

#: the values that are words of ours: roles, phases and the words put in for nobody
WORDS: Final = frozenset({
    # roles (domain.convention.Role, as a refusal writes them)
    N_("isu"), N_("president"), N_("president designate"), N_("coordinator"),
    N_("committee member"), N_("delegate"), N_("auditor"),
    # phases of a cycle, a coalition, a silence procedure
    N_("not opened"), N_("election"), N_("intersessional meeting"), N_("workplan"),
    N_("submission"), N_("msp decision"), N_("closing"), N_("closed"), N_("not identified"),
    N_("candidate"), N_("formed"), N_("active"), N_("not circulated"), N_("under silence"),
    N_("silence broken"), N_("not adopted"), N_("adopted"), N_("withdrawn"),
    # what a refusal says where there is nothing to name
    N_("no State"), N_("no one"), N_("nothing"), N_("none"), N_("no day"), N_("this step"),
    N_("affected"), N_("donor"), N_("lead"),
})


class Refusal(Protocol):
    """What :func:`told` needs of a refusal (``domain.errors.RuleViolation``, ``RuleWarning``)."""

    @property
    def rule_id(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def template(self) -> str: ...
    @property
    def values(self) -> Mapping[str, str]: ...


#: values that are always words of ours, whatever they say: a step's label (marked in the
#: domain's step tables), a role, a phase, and roles joined with "or" (``roles_text``)
WORDY: Final = frozenset({"label", "role", "phase", "outcome"})


def word(value: str, name: str = "") -> str:
    """``value`` in the reader's language if it is one of our :data:`WORDS`, or the value of
    a name in :data:`WORDY`; ``roles`` (``"president or committee member"``) role by role."""
    if name == "roles" and " or " in value:
        first, *rest = (word(part) for part in value.split(" or "))
        for other in rest:
            first = _("{one} or {other}").format(one=first, other=other)
        return first
    return _(value) if value in WORDS or name in WORDY else value


def sentence(template: str, values: Mapping[str, Any]) -> str:
    """The refusal's sentence in the language of the moment."""
    words = {name: word(str(value), name) for name, value in values.items()}
    try:
        return _(template).format(**words)
    except (KeyError, IndexError, ValueError):  # a translation naming another value: English
        return template.format(**{name: str(value) for name, value in values.items()})


def say(rule_id: str, template: str, values: Mapping[str, Any], source: str = "") -> str:
    """``"CO-7 (2MSP P2.6): <the sentence>"`` in the language of the moment."""
    said = sentence(template, values)
    return f"{rule_id} ({source}): {said}" if source else f"{rule_id}: {said}"


def told(refusal: Refusal) -> str:
    """A refusal or a warning as :func:`say` gives it; one recorded before templates
    (``template == ""``) in its recorded English."""
    if not refusal.template:
        return f"{refusal.rule_id} ({refusal.source}): {refusal.message}"
    return say(refusal.rule_id, refusal.template, refusal.values, refusal.source)


@cache
def _paragraphs() -> dict[str, dict[str, str]]:
    data: dict[str, Any] = json.loads(PARAGRAPHS.read_text(encoding="utf-8"))
    return {key: value for key, value in data["paragraphs"].items()}


def paragraph_ids(source: str) -> list[str]:
    """The paragraph ids a rule's source names: ``"2MSP P4.2, ¶17"`` → ``["2MSP P4.2",
    "2MSP ¶17"]``; extensions and the engine's own rules name none."""
    ids: list[str] = []
    meeting = ""
    for part in (p.strip() for p in source.replace(";", ",").split(",")):
        first, _space, rest = part.partition(" ")
        if first in ("2MSP", "7MSP") and rest:
            meeting, paragraph = first, rest
        elif meeting and part[:1] in ("P", "¶"):
            paragraph = part
        else:
            continue
        ids.append(f"{meeting} {paragraph}")
    return ids


def source_text(source: str, lang: str | None = None) -> dict[str, str] | None:
    """The rule's source paragraphs in the seeds' Chinese (``zh``) and in ``lang`` (default:
    the language of the moment), each paragraph headed by its id; ``None`` where the rule has
    no paragraph in the seeds."""
    lang = lang or current()
    kept = _paragraphs()
    found = [(pid, kept[pid]) for pid in paragraph_ids(source) if pid in kept]
    if not found:
        return None
    return {code: "\n".join(f"{pid}: {texts[code]}" for pid, texts in found)
            for code in dict.fromkeys(("zh", lang))}
