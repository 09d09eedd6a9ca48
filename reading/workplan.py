"""The work plan a step decides on, as a person reads it before deciding (ISU-2, ISU-3): its
items with their mandate letters, its budget lines and total, its content hash, and — after
the Coordination Committee returned a version — what changed since that version.

Read from the cycle's recorded events alone (``WorkplanDrafted`` holds each version whole), so
the dashboard and ``intersessional workplan show`` say the same thing with the engine down.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.workplan import Workplan
from domain.workplan_changes import Changes, changes
from ledger import StoredEvent

#: the steps that decide on the work plan: each shows it, asks for a confirmation naming its
#: hash, and gives a receipt
DECIDING = ("submit_workplan_to_committee", "approve_workplan", "return_workplan",
            "send_workplan_to_msp", "adopt_workplan", "reject_workplan")


class WorkplanDocument(BaseModel):
    """The cycle's current work plan, its hash, the stage it is at, and the version the
    committee returned last with the changes since (``None`` if none was returned)."""

    model_config = ConfigDict(frozen=True)

    year: int
    plan: Workplan
    content_hash: str
    version: int
    returned_hash: str | None = None
    returned_reasons: str | None = None
    changes: Changes | None = None

    @property
    def total(self) -> Decimal:
        return self.plan.total()

    def as_json(self) -> dict[str, Any]:
        """What ``--json`` and the API give: the plan, its hash and total, the changes."""
        return {"year": self.year, "content_hash": self.content_hash,
                "drafted_at_version": self.version, "workplan": self.plan.model_dump(mode="json"),
                "total": str(self.total), "currency": self.plan.currency,
                "returned_hash": self.returned_hash, "returned_reasons": self.returned_reasons,
                "changes": self.changes.model_dump(mode="json") if self.changes else None}


def document_of(year: int, events: Iterable[StoredEvent]) -> WorkplanDocument | None:
    """The current work plan of the cycle whose ``events`` are given, or ``None`` before its
    first draft."""
    drafts: dict[str, Workplan] = {}
    current: tuple[Workplan, str, int] | None = None
    returned: tuple[str, str] | None = None
    for event in events:
        p = event.payload
        if event.type == "WorkplanDrafted":
            plan = Workplan.model_validate(p["workplan"])
            drafts[p["content_hash"]] = plan
            current = (plan, p["content_hash"], event.version)
        elif event.type == "WorkplanReturnedForRevision":
            returned = (p["content_hash"], p.get("reasons", ""))
    if current is None:
        return None
    plan, content_hash, version = current
    if returned is None:
        return WorkplanDocument(year=year, plan=plan, content_hash=content_hash, version=version)
    before = drafts.get(returned[0])
    return WorkplanDocument(
        year=year, plan=plan, content_hash=content_hash, version=version,
        returned_hash=returned[0], returned_reasons=returned[1],
        changes=changes(before, plan) if before is not None else None)
