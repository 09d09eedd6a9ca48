"""Refusals and warnings, each carrying the rule id and the paragraph it comes from."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from domain.rules import source_of


class RuleViolation(Exception):  # noqa: N818 - the Convention's word for it, not "...Error"
    """A step the rules refuse.

    ``message`` is one sentence a President's office understands: what was wrong and what would
    be allowed. ``str(violation)`` is the line a CLI prints: ``CO-7 (2MSP P2.6): ...``.
    """

    def __init__(self, rule_id: str, message: str) -> None:
        self.rule_id = rule_id
        self.source = source_of(rule_id)
        self.message = message
        super().__init__(f"{rule_id} ({self.source}): {message}")

    def __reduce__(self) -> tuple[type[RuleViolation], tuple[str, str]]:
        # keep the exception picklable with its own constructor arguments
        return (type(self), (self.rule_id, self.message))


class RuleWarning(BaseModel):
    """A soft rule not met (CO-6, IM-6): accepted, and recorded with the step that caused it."""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    source: str
    message: str

    @classmethod
    def of(cls, rule_id: str, message: str) -> RuleWarning:
        return cls(rule_id=rule_id, source=source_of(rule_id), message=message)

    def __str__(self) -> str:
        return f"{self.rule_id} ({self.source}): {self.message}"
