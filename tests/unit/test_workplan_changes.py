"""What changed in the work plan since the version returned for revision (ISU-3): items and
budget lines added, removed and changed, totals before and after."""

from __future__ import annotations

from decimal import Decimal

from domain.workplan import BudgetLine, MandateLetter, Workplan, WorkplanItem
from domain.workplan_changes import changes

A, B, H = MandateLetter.A, MandateLetter.B, MandateLetter.H


def plan(items: tuple[WorkplanItem, ...], budget: tuple[BudgetLine, ...]) -> Workplan:
    return Workplan(for_year=2028, items=items, budget=budget)


def line(label: str, amount: str) -> BudgetLine:
    return BudgetLine(label=label, amount=Decimal(amount), currency="CHF")


MEETING = WorkplanItem(title="Prepare the meeting", letters=(A,))
SUPPORT = WorkplanItem(title="Support the President", letters=(B,))
BEFORE = plan((MEETING, SUPPORT), (line("Staff", "612000"), line("Meetings", "85000")))


def test_the_same_text_changes_nothing() -> None:
    found = changes(BEFORE, BEFORE)
    assert found.none
    assert found.before_hash == found.after_hash == BEFORE.content_hash()
    assert found.total_before == found.total_after == Decimal("697000.00")


def test_items_and_lines_added_removed_and_changed() -> None:
    submit = WorkplanItem(title="Submit the work plan", letters=(H,))
    after = plan((WorkplanItem(title="Prepare the meeting", letters=(A, B)), submit),
                 (line("Staff", "580000"), line("Travel", "12000")))
    found = changes(BEFORE, after)
    assert not found.none
    assert found.items_added == (submit,)
    assert found.items_removed == (SUPPORT,)
    assert [(c.before.letters, c.after.letters) for c in found.items_changed] == [((A,), (A, B))]
    assert [ln.label for ln in found.lines_added] == ["Travel"]
    assert [ln.label for ln in found.lines_removed] == ["Meetings"]
    assert [(c.before.amount, c.after.amount) for c in found.lines_changed] == [
        (Decimal("612000.00"), Decimal("580000.00"))]
    assert (found.total_before, found.total_after) == (Decimal("697000.00"),
                                                       Decimal("592000.00"))
    assert found.after_hash == after.content_hash() != found.before_hash


def test_a_description_alone_is_a_change_and_order_is_not() -> None:
    described = WorkplanItem(title="Prepare the meeting", letters=(A,), description="Geneva")
    found = changes(BEFORE, plan((SUPPORT, described), tuple(reversed(BEFORE.budget))))
    assert [c.after for c in found.items_changed] == [described]
    assert (found.items_added, found.items_removed, found.lines_changed) == ((), (), ())
