"""The ISU's work plan and budget (ISU-2) and the committee-approved text (ISU-3)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from domain.errors import RuleViolation
from domain.workplan import (
    BudgetLine,
    MandateLetter,
    Workplan,
    WorkplanItem,
    check_same_text,
    validate_workplan,
)


def _plan(
    *,
    for_year: int = 2013,
    items: tuple[WorkplanItem, ...] | None = None,
    budget: tuple[BudgetLine, ...] | None = None,
) -> Workplan:
    return Workplan(
        for_year=for_year,
        items=(
            WorkplanItem(title="Prepare the intersessional meeting", letters=(MandateLetter.A,)),
            WorkplanItem(title="Keep the records", letters=(MandateLetter.F, MandateLetter.A)),
        ) if items is None else items,
        budget=(
            BudgetLine(label="Staff", amount=Decimal("600000.00"), currency="CHF"),
            BudgetLine(label="Meetings", amount=Decimal("85000.50"), currency="CHF"),
        ) if budget is None else budget,
    )


# --- ISU-2: what a work plan contains -------------------------------------------------------


def test_well_formed_plan_for_the_next_year_is_accepted() -> None:
    """ISU-2: a plan for the year after the cycle's, each item naming a letter, is accepted."""
    plan = _plan(for_year=2013)
    validate_workplan(plan, cycle_year=2012)  # raises RuleViolation("ISU-2") if refused
    assert plan.currency == "CHF"
    assert all(item.letters for item in plan.items)


def test_item_naming_no_mandate_letter_is_refused() -> None:
    """ISU-2: an item with no mandate letter is refused."""
    items = (WorkplanItem(title="Outreach", letters=()),)
    with pytest.raises(RuleViolation) as excinfo:
        validate_workplan(_plan(items=items), cycle_year=2012)
    assert excinfo.value.rule_id == "ISU-2"
    assert "'Outreach'" in excinfo.value.message
    assert "names no mandate letter" in excinfo.value.message


def test_unknown_mandate_letter_is_refused_by_the_model() -> None:
    """ISU-2: the mandate has letters (a)–(i) only; "j" is not a letter an item can name."""
    with pytest.raises(ValidationError) as excinfo:
        WorkplanItem.model_validate({"title": "Outreach", "letters": ["j"]})
    assert "letters" in str(excinfo.value)
    assert [letter.value for letter in MandateLetter] == list("abcdefghi")


@pytest.mark.parametrize("for_year", [2012, 2014, 2011])
def test_plan_for_the_wrong_year_is_refused(for_year: int) -> None:
    """ISU-2: the 2012 cycle's plan is for 2013; any other year is refused."""
    with pytest.raises(RuleViolation) as excinfo:
        validate_workplan(_plan(for_year=for_year), cycle_year=2012)
    assert excinfo.value.rule_id == "ISU-2"
    assert "is for 2013" in excinfo.value.message
    assert f"not for {for_year}" in excinfo.value.message


def test_plan_with_no_items_is_refused() -> None:
    """ISU-2: a work plan with no items is refused."""
    with pytest.raises(RuleViolation) as excinfo:
        validate_workplan(_plan(items=()), cycle_year=2012)
    assert excinfo.value.rule_id == "ISU-2"
    assert "at least one item" in excinfo.value.message


def test_plan_with_no_budget_is_refused() -> None:
    """ISU-2: a work plan with no budget line is refused."""
    plan = _plan(budget=())
    assert plan.currency is None
    with pytest.raises(RuleViolation) as excinfo:
        validate_workplan(plan, cycle_year=2012)
    assert excinfo.value.rule_id == "ISU-2"
    assert "one budget line" in excinfo.value.message


# --- ISU-2: the budget ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "fragment"),
    [
        (Decimal("-1.00"), "non-negative"),
        (Decimal("NaN"), "finite"),
        (Decimal("Infinity"), "finite"),
        (Decimal("-Infinity"), "finite"),
        (Decimal("10.001"), "more than two decimal places"),
        (Decimal("1E+40"), "too large"),
    ],
)
def test_bad_budget_amount_is_refused(amount: Decimal, fragment: str) -> None:
    """ISU-2: a budget amount is a finite, non-negative sum with at most two decimals."""
    with pytest.raises(ValidationError) as excinfo:
        BudgetLine(label="Staff", amount=amount, currency="CHF")
    assert "amount" in str(excinfo.value)
    assert fragment in str(excinfo.value)


@pytest.mark.parametrize("currency", ["chf", "CH", "CHFF", "C1F", "", "ÉUR"])
def test_bad_currency_code_is_refused(currency: str) -> None:
    """ISU-2: a budget line's currency is an ISO 4217 code of three capitals."""
    with pytest.raises(ValidationError) as excinfo:
        BudgetLine(label="Staff", amount=Decimal("1.00"), currency=currency)
    assert "ISO 4217" in str(excinfo.value)


def test_mixed_currencies_are_refused() -> None:
    """ISU-2: a budget stated in CHF and USD at once is refused."""
    budget = (
        BudgetLine(label="Staff", amount=Decimal("1.00"), currency="CHF"),
        BudgetLine(label="Travel", amount=Decimal("1.00"), currency="USD"),
    )
    with pytest.raises(ValidationError) as excinfo:
        _plan(budget=budget)
    assert "mixes currencies (CHF, USD)" in str(excinfo.value)


def test_total_is_the_exact_decimal_sum() -> None:
    """ISU-2: total() is the exact Decimal sum of the lines, with no float rounding."""
    budget = (
        *(BudgetLine(label=f"line {i}", amount=Decimal("0.10"), currency="EUR") for i in range(3)),
        BudgetLine(label="staff", amount=Decimal("600000.20"), currency="EUR"),
    )
    total = _plan(budget=budget).total()
    assert isinstance(total, Decimal)
    assert total == Decimal("600000.50")
    assert str(total) == "600000.50"
    assert sum(0.10 for _ in range(3)) != 0.30  # the float sum would not be exact


def test_amounts_are_normalised_to_two_decimals() -> None:
    """ISU-2: an amount is held in one canonical form, with two decimals and no negative zero."""
    assert str(BudgetLine(label="x", amount=Decimal("10.5"), currency="CHF").amount) == "10.50"
    assert str(BudgetLine(label="x", amount=Decimal("1E+1"), currency="CHF").amount) == "10.00"
    assert str(BudgetLine(label="x", amount=Decimal("-0"), currency="CHF").amount) == "0.00"


# --- ISU-3: the content hash and the approved text ------------------------------------------


def test_content_hash_is_stable_across_equal_plans() -> None:
    """ISU-3: two equal plans built separately hash equal, as 64 lower-case hex characters."""
    first, second = _plan(), _plan()
    assert first is not second
    assert first.content_hash() == second.content_hash()
    assert len(first.content_hash()) == 64
    assert set(first.content_hash()) <= set("0123456789abcdef")


def test_content_hash_does_not_depend_on_decimal_representation() -> None:
    """ISU-3: an amount typed as 10.5, 10.50 or 1.05E+1 is one amount and hashes the same."""
    hashes = {
        _plan(budget=(BudgetLine(label="Staff", amount=Decimal(text), currency="CHF"),))
        .content_hash()
        for text in ("10.5", "10.50", "1.05E+1")
    }
    assert len(hashes) == 1


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(
            lambda: _plan(budget=(
                BudgetLine(label="Staff", amount=Decimal("600000.01"), currency="CHF"),
                BudgetLine(label="Meetings", amount=Decimal("85000.50"), currency="CHF"),
            )),
            id="amount",
        ),
        pytest.param(
            lambda: _plan(items=(
                WorkplanItem(title="Prepare the intersessional meeting.",
                             letters=(MandateLetter.A,)),
                WorkplanItem(title="Keep the records", letters=(MandateLetter.F, MandateLetter.A)),
            )),
            id="title",
        ),
        pytest.param(
            lambda: _plan(items=(
                WorkplanItem(title="Prepare the intersessional meeting",
                             letters=(MandateLetter.B,)),
                WorkplanItem(title="Keep the records", letters=(MandateLetter.F, MandateLetter.A)),
            )),
            id="letter",
        ),
        pytest.param(
            lambda: _plan(budget=(
                BudgetLine(label="Staff", amount=Decimal("600000.00"), currency="EUR"),
                BudgetLine(label="Meetings", amount=Decimal("85000.50"), currency="EUR"),
            )),
            id="currency",
        ),
        pytest.param(lambda: _plan(for_year=2014), id="year"),
    ],
)
def test_content_hash_changes_when_the_text_changes(changed: object) -> None:
    """ISU-3: changing any amount, title, letter, currency or year changes the hash."""
    assert callable(changed)
    assert changed().content_hash() != _plan().content_hash()


def test_unapproved_plan_cannot_go_forward() -> None:
    """ISU-3: a work plan the committee never approved (no approved hash) is refused."""
    with pytest.raises(RuleViolation) as excinfo:
        check_same_text(None, _plan().content_hash(), "submitted")
    assert excinfo.value.rule_id == "ISU-3"
    assert "cannot be submitted before the Coordination Committee approved it" in (
        excinfo.value.message
    )


def test_plan_differing_from_the_approved_text_is_refused() -> None:
    """ISU-3: a plan whose hash differs from the approved one is refused."""
    approved = _plan().content_hash()
    presented = _plan(for_year=2014).content_hash()
    with pytest.raises(RuleViolation) as excinfo:
        check_same_text(approved, presented, "submitted")
    assert excinfo.value.rule_id == "ISU-3"
    assert approved[:12] in excinfo.value.message
    assert presented[:12] in excinfo.value.message
    assert "unchanged" in excinfo.value.message


def test_plan_identical_to_the_approved_text_goes_forward() -> None:
    """ISU-3: the approved text, presented unchanged, is accepted."""
    approved = _plan().content_hash()
    presented = _plan().content_hash()
    assert presented == approved
    check_same_text(approved, presented, "decided on")  # raises RuleViolation("ISU-3") if not


# --- property-based -------------------------------------------------------------------------

_AMOUNTS = st.decimals(min_value=0, max_value=Decimal("10000000"), places=2,
                       allow_nan=False, allow_infinity=False)
_TEXT = st.text(min_size=1, max_size=20)
_ITEMS = st.lists(
    st.tuples(_TEXT, st.lists(st.sampled_from(list(MandateLetter)), min_size=1, max_size=3)),
    min_size=1, max_size=4,
)
_LINES = st.lists(st.tuples(_TEXT, _AMOUNTS), min_size=1, max_size=4)


@given(year=st.integers(min_value=2012, max_value=2100), items=_ITEMS, lines=_LINES,
       currency=st.sampled_from(["CHF", "EUR", "USD"]))
def test_content_hash_is_deterministic(
    year: int,
    items: list[tuple[str, list[MandateLetter]]],
    lines: list[tuple[str, Decimal]],
    currency: str,
) -> None:
    """ISU-3: the same plan built twice, amounts typed either way, hashes equal."""

    def build(widen: bool) -> Workplan:
        return Workplan(
            for_year=year,
            items=tuple(WorkplanItem(title=t, letters=tuple(ls)) for t, ls in items),
            budget=tuple(
                BudgetLine(label=label,
                           amount=amount.quantize(Decimal("0.01")) if widen else amount.normalize(),
                           currency=currency)
                for label, amount in lines
            ),
        )

    first, second = build(widen=True), build(widen=False)
    assert first == second
    assert first.content_hash() == second.content_hash()
    assert first.content_hash() == first.content_hash()
    assert first.total() == sum((amount for _, amount in lines), Decimal(0))
