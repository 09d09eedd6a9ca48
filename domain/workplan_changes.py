"""What changed in the work plan since the version the Coordination Committee returned (ISU-3):
the items and budget lines added, removed and changed, and the totals before and after.

Pure: two :class:`~domain.workplan.Workplan` in, a :class:`Changes` out. An item is the same
item when its title is; a budget line the same line when its label is (a title or a label
edited reads as one removed and one added, which is what a reader comparing the two documents
sees).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict

from domain.workplan import BudgetLine, Workplan, WorkplanItem


class ItemChanged(BaseModel):
    """An item kept under its title whose mandate letters or description changed."""

    model_config = ConfigDict(frozen=True)

    before: WorkplanItem
    after: WorkplanItem


class LineChanged(BaseModel):
    """A budget line kept under its label whose amount (or currency) changed."""

    model_config = ConfigDict(frozen=True)

    before: BudgetLine
    after: BudgetLine


class Changes(BaseModel):
    """The difference from ``before`` (the returned version) to ``after`` (the draft now)."""

    model_config = ConfigDict(frozen=True)

    before_hash: str
    after_hash: str
    items_added: tuple[WorkplanItem, ...] = ()
    items_removed: tuple[WorkplanItem, ...] = ()
    items_changed: tuple[ItemChanged, ...] = ()
    lines_added: tuple[BudgetLine, ...] = ()
    lines_removed: tuple[BudgetLine, ...] = ()
    lines_changed: tuple[LineChanged, ...] = ()
    total_before: Decimal
    total_after: Decimal

    @property
    def none(self) -> bool:
        """Nothing changed in the items or the lines (the same text sent again)."""
        return not (self.items_added or self.items_removed or self.items_changed
                    or self.lines_added or self.lines_removed or self.lines_changed)


def changes(before: Workplan, after: Workplan) -> Changes:
    """What ``after`` adds, removes and changes of ``before``, in each one's own order."""
    old_items = {item.title: item for item in before.items}
    new_items = {item.title: item for item in after.items}
    old_lines = {line.label: line for line in before.budget}
    new_lines = {line.label: line for line in after.budget}
    return Changes(
        before_hash=before.content_hash(), after_hash=after.content_hash(),
        items_added=tuple(i for t, i in new_items.items() if t not in old_items),
        items_removed=tuple(i for t, i in old_items.items() if t not in new_items),
        items_changed=tuple(ItemChanged(before=old_items[t], after=i)
                            for t, i in new_items.items()
                            if t in old_items and old_items[t] != i),
        lines_added=tuple(ln for k, ln in new_lines.items() if k not in old_lines),
        lines_removed=tuple(ln for k, ln in old_lines.items() if k not in new_lines),
        lines_changed=tuple(LineChanged(before=old_lines[k], after=ln)
                            for k, ln in new_lines.items()
                            if k in old_lines and old_lines[k] != ln),
        total_before=before.total(), total_after=after.total())
