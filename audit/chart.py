"""An inline SVG bar chart of the ISU's budgets: one bar per year, stacked by budget line.

Pure: amounts in, SVG text out (markupsafe escapes the labels), so the report stays one
self-contained file that prints as it shows. Each bar carries a ``<title>`` with its total and
lines, which screen readers announce and browsers show on hover.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from markupsafe import Markup, escape

import i18n

#: one colour per budget line label, in order of first appearance (colour-blind safe pairs)
PALETTE = ("#0b5cab", "#e0a526", "#5b8c5a", "#8e5ea2", "#6aa5dc", "#c8553d")
WIDTH, HEIGHT = 880, 340
LEFT, RIGHT, TOP, BOTTOM = 104, 24, 56, 62  # room for the amount axis, legend and year labels


@dataclass(frozen=True)
class BudgetBar:
    """One year's budget: ``label`` under the bar (the year it funds), ``note`` below it, and
    its lines as (label, amount) in one currency."""

    label: str
    lines: tuple[tuple[str, Decimal], ...]
    note: str = ""
    currency: str = "CHF"

    @property
    def total(self) -> Decimal:
        return sum((amount for _, amount in self.lines), Decimal("0"))


def amount(value: Decimal, places: int = 0) -> str:
    """``697,000`` (or ``697,000.00`` with ``places=2``) as the language of the moment writes
    it (``697 000,00`` in French)."""
    from babel.numbers import format_decimal  # noqa: PLC0415 - babel only when a chart is drawn

    return str(format_decimal(value, "#,##0" + ("." + "0" * places if places else ""),
                              locale=i18n.current()))


def _step(top: Decimal, ticks: int = 5) -> Decimal:
    """A round tick interval (1, 2 or 5 × 10ⁿ) that covers ``top`` in about ``ticks`` steps."""
    rough = top / ticks
    power = Decimal(10) ** (len(str(int(rough))) - 1) if rough >= 1 else Decimal(1)
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def _legend(colours: dict[str, str]) -> list[str]:
    parts, x = [], LEFT
    for label, colour in colours.items():
        parts.append(f'<rect class="key" x="{x}" y="14" width="14" height="14" rx="2" '
                     f'fill="{colour}"/><text x="{x + 20}" y="26">{escape(label)}</text>')
        x += 40 + 9 * len(label)
    return parts


def budget_chart(years_totals: Sequence[BudgetBar], title: str = "Budget by year") -> Markup:
    """The SVG: an amount axis with round ticks, one stacked bar (``rect.bar`` outlines it)
    per year with its total above it, its year and note below, and a legend of the lines."""
    if not years_totals:
        return Markup('<p class="empty">No work plan and budget were recorded in these '
                      "years.</p>")
    colours: dict[str, str] = {}
    for bar in years_totals:
        for label, _ in bar.lines:
            colours.setdefault(label, PALETTE[len(colours) % len(PALETTE)])
    currency = years_totals[0].currency
    top = max(bar.total for bar in years_totals) or Decimal(1)
    step = _step(top)
    ceiling = step * (top / step).to_integral_value(rounding=ROUND_CEILING)  # first tick ≥ top
    plot_h, plot_w = HEIGHT - TOP - BOTTOM, WIDTH - LEFT - RIGHT

    def y(value: Decimal) -> float:
        return TOP + plot_h * float(1 - value / ceiling)

    parts = [f'<svg class="budget-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="chart-title">',
             f'<title id="chart-title">{escape(title)}</title>', *_legend(colours)]
    tick = Decimal(0)
    while tick <= ceiling:
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}"/><text class="tick" x="{LEFT - 8}" '
                     f'y="{y(tick) + 4:.1f}">{amount(tick)}</text>')
        tick += step
    parts.append(f'<text class="axis-title" x="16" y="{TOP + plot_h / 2:.0f}" transform='
                 f'"rotate(-90 16 {TOP + plot_h / 2:.0f})">{escape(currency)}</text>')
    slot = plot_w / len(years_totals)
    width = min(96.0, slot * 0.55)
    for i, bar in enumerate(years_totals):
        x = LEFT + slot * i + (slot - width) / 2
        lines = "; ".join(f"{label} {amount(value)}" for label, value in bar.lines)
        parts.append(f'<g class="year"><title>{escape(bar.label)}: {escape(bar.currency)} '
                     f"{amount(bar.total)} ({escape(lines)})</title>")
        base = Decimal(0)
        for label, value in bar.lines:
            parts.append(f'<rect class="segment" x="{x:.1f}" y="{y(base + value):.1f}" '
                         f'width="{width:.1f}" height="{y(base) - y(base + value):.1f}" '
                         f'fill="{colours[label]}"/>')
            base += value
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y(bar.total):.1f}" width="{width:.1f}"'
                     f' height="{y(Decimal(0)) - y(bar.total):.1f}" fill="none"/>'
                     f'<text class="total" x="{x + width / 2:.1f}" y="{y(bar.total) - 6:.1f}">'
                     f'{amount(bar.total)}</text><text class="year-label" x="{x + width / 2:.1f}"'
                     f' y="{HEIGHT - BOTTOM + 22}">{escape(bar.label)}</text><text class="note" '
                     f'x="{x + width / 2:.1f}" y="{HEIGHT - BOTTOM + 40}">{escape(bar.note)}</text>'
                     "</g>")
    parts.append("</svg>")
    return Markup("".join(parts))
