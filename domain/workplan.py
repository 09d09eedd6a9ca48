"""The ISU's work plan and budget (ISU-2, ISU-3).

Every item names the mandate letter(s) of 2MSP P4.4 it serves; budget lines are ``Decimal`` in
one currency. The content hash is SHA-256 over a canonical JSON encoding, so ISU-3 — the MSP
decides on exactly the text the committee approved — is a comparison of two hashes.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from domain.attachments import Attachment
from domain.errors import RuleViolation
from domain.limits import ITEMS, Most, Text, Title
from domain.quiet import Quiet


class MandateLetter(StrEnum):
    """ISU-2: the ISU's mandate, 2MSP P4.4 (a)–(i)."""

    A = "a"  # prepare, support and follow up formal and informal meetings
    B = "b"  # support the President, the President-designate and the coordinators
    C = "c"  # advise and support States Parties
    D = "d"  # facilitate communication among States Parties
    E = "e"  # communicate about the Convention to non-States Parties and the public
    F = "f"  # keep the records of formal and informal meetings
    G = "g"  # liaise with the CMC, ICRC, UN and GICHD
    H = "h"  # submit a committee-approved work plan and budget to each MSP
    I = "i"  # noqa: E741 - the mandate's own letter; report on activities to each MSP


class WorkplanItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    title: Title = Field(min_length=1)
    letters: Annotated[tuple[MandateLetter, ...], Most(items=ITEMS)]
    description: Text = ""


class BudgetLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    label: Title = Field(min_length=1)
    amount: Decimal
    currency: Annotated[str, Most(3)]

    @field_validator("amount")
    @classmethod
    def _money(cls, value: Decimal) -> Decimal:
        if not value.is_finite() or value < 0:
            raise ValueError(f"a budget amount is a non-negative number, not {value}")
        try:
            cents = value.quantize(Decimal("0.01"))
        except InvalidOperation:
            raise ValueError(f"{value} is too large for a budget amount") from None
        if value != cents:
            raise ValueError(f"{value} has more than two decimal places")
        # canonical form for content_hash (ISU-3): "10.5", "10.50" and "1E+1" are one amount
        return abs(cents)  # abs: no "-0.00"

    @field_validator("currency")
    @classmethod
    def _iso4217(cls, value: str) -> str:
        if len(value) != 3 or not value.isascii() or not value.isalpha() or not value.isupper():
            raise ValueError(f"{value!r} is not an ISO 4217 currency code (e.g. CHF)")
        return value


class Workplan(Quiet):
    """The ISU's work plan and budget for ``for_year``, and the documents attached to it (by
    their SHA-256: part of its text, so of its content hash, ISU-3)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    # added after work plans were recorded: a plan without attachments keeps its form and hash
    QUIET = ("attachments",)

    for_year: int
    items: Annotated[tuple[WorkplanItem, ...], Most(items=ITEMS)]
    budget: Annotated[tuple[BudgetLine, ...], Most(items=ITEMS)]
    attachments: Annotated[tuple[Attachment, ...], Most(items=ITEMS)] = ()

    @model_validator(mode="after")
    def _one_currency(self) -> Workplan:
        currencies = {line.currency for line in self.budget}
        if len(currencies) > 1:
            raise ValueError(f"the budget mixes currencies ({', '.join(sorted(currencies))}); "
                             "state it in one")
        hashes = [a.sha256 for a in self.attachments]
        if len(set(hashes)) != len(hashes):
            raise ValueError("the same document is attached twice; attach each once")
        return self

    @property
    def currency(self) -> str | None:
        return self.budget[0].currency if self.budget else None

    def total(self) -> Decimal:
        return sum((line.amount for line in self.budget), Decimal("0.00"))

    def content_hash(self) -> str:
        """SHA-256 (hex) of the canonical JSON: sorted keys, no spaces, amounts as strings."""
        body = self.model_dump(mode="json")
        canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def validate_workplan(plan: Workplan, cycle_year: int) -> None:
    """Refuse a work plan that is not for the year after the cycle's, has no item or budget,
    or has an item serving no mandate letter (ISU-2)."""
    if plan.for_year != cycle_year + 1:
        raise RuleViolation("ISU-2", "the {cycle_year} cycle's work plan is for {plan_year} "
                                     "(submitted to the MSP of {cycle_year}), not for "
                                     "{for_year}.",
                                     cycle_year=cycle_year, plan_year=cycle_year + 1,
                                     for_year=plan.for_year)
    if not plan.items or not plan.budget:
        raise RuleViolation("ISU-2", "a work plan and budget needs at least one item and one "
                            "budget line (mandate (h)).")
    for item in plan.items:
        if not item.letters:
            raise RuleViolation("ISU-2", "the item {title!r} names no mandate letter; every "
                                         "item serves one of (a)–(i) of 2MSP P4.4.",
                                         title=item.title)


def check_same_text(approved_hash: str | None, presented_hash: str, step: str) -> None:
    """ISU-3: what reaches the MSP, and what the MSP decides on, is the committee-approved text."""
    if approved_hash is None:
        raise RuleViolation("ISU-3", "the work plan cannot be {step} before the Coordination "
                                     "Committee approved it.",
                                     step=step)
    if presented_hash != approved_hash:
        raise RuleViolation("ISU-3", "the work plan {step} (sha256 {presented_hash}…) is not "
                                     "the text the committee approved (sha256 "
                                     "{approved_hash}…); only the approved text may go forward, "
                                     "unchanged.",
                                     step=step, presented_hash=presented_hash[:12],
                                     approved_hash=approved_hash[:12])
