"""Refusals and warnings, each carrying the rule id and the paragraph it comes from.

A refusal's sentence is a *template* with named values, ``"{state} served … in {year}"`` with
``state="AUT", year="2019"``: ``message`` is the English sentence (for logs, old clients and
the ledger), and the edges (API, CLI, dashboard) give it in the reader's language through
``i18n.refusals.say(rule_id, template, values)``. The templates are marked for the catalogs by
their place as the second argument of ``RuleViolation``/``RuleWarning.of`` (babel.cfg).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from domain.rules import source_of


def _words(values: Mapping[str, object]) -> dict[str, str]:
    # values travel as text (Temporal details, the ledger's JSON): one form everywhere
    return {name: str(value) for name, value in values.items()}


class RuleViolation(Exception):  # noqa: N818 - the Convention's word for it, not "...Error"
    """A step the rules refuse.

    ``message`` is one sentence a President's office understands: what was wrong and what would
    be allowed. ``str(violation)`` is the line a CLI prints: ``CO-7 (2MSP P2.6): ...``.
    ``template`` and ``values`` are the same sentence before its values were put in, for a
    translation.
    """

    def __init__(self, rule_id: str, template: str, /, **values: object) -> None:
        self.rule_id = rule_id
        self.source = source_of(rule_id)
        self.template = template
        self.values = _words(values)
        self.message = template.format(**self.values)
        super().__init__(f"{rule_id} ({self.source}): {self.message}")

    def __reduce__(self) -> tuple[Any, ...]:
        # keep the exception picklable with its own constructor arguments
        return (_rebuilt, (type(self), self.rule_id, self.template, self.values))

    @classmethod
    def sent(cls, details: Mapping[str, Any]) -> RuleViolation:
        """The refusal carried in an error's details (``workflows.recording.refusal``); details
        from before templates (message only) give a refusal whose template is its message."""
        template = details.get("template")
        if template is None:
            template = str(details["message"]).replace("{", "{{").replace("}", "}}")
        return cls(str(details["rule_id"]), str(template), **dict(details.get("values") or {}))

    def details(self) -> dict[str, Any]:
        """What crosses Temporal with the refusal: the English message for old clients and logs,
        the template and values for a translation."""
        return {"rule_id": self.rule_id, "source": self.source, "message": self.message,
                "template": self.template, "values": dict(self.values)}


def _rebuilt(kind: type[RuleViolation], rule_id: str, template: str,
             values: dict[str, str]) -> RuleViolation:
    return kind(rule_id, template, **values)


class RuleWarning(BaseModel):
    """A soft rule not met (CO-6, IM-6): accepted, and recorded with the step that caused it.

    Recorded warnings from before templates have ``template == ""``: their ``message`` is shown.
    """

    model_config = ConfigDict(frozen=True)

    rule_id: str
    source: str
    message: str
    template: str = ""
    values: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def of(cls, rule_id: str, template: str, /, **values: object) -> RuleWarning:
        words = _words(values)
        return cls(rule_id=rule_id, source=source_of(rule_id), message=template.format(**words),
                   template=template, values=words)

    def __hash__(self) -> int:  # ``values`` is a dict; the sentence identifies the warning
        return hash((self.rule_id, self.source, self.message))

    def __str__(self) -> str:
        return f"{self.rule_id} ({self.source}): {self.message}"
