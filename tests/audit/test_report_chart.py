"""The budget chart: one outlined, titled bar per year, stacked by line, on a round CHF axis."""

from __future__ import annotations

import re
from decimal import Decimal

from audit.chart import BudgetBar, budget_chart

BARS = [BudgetBar(label="2028", note="adopted, MSP 2027",
                  lines=(("Staff", Decimal("605000.00")), ("Meetings", Decimal("85000.00")))),
        BudgetBar(label="2029", note="adopted, MSP 2028",
                  lines=(("Staff", Decimal("1612000.50")), ("<Travel>", Decimal("85000.00"))))]


def test_one_titled_bar_per_year_stacked_by_line() -> None:
    svg = str(budget_chart(BARS))
    assert len(re.findall(r'<rect class="bar"', svg)) == 2
    assert len(re.findall(r'<rect class="segment"', svg)) == 4
    titles = re.findall(r'<g class="year"><title>(.*?)</title>', svg)
    assert titles == ["2028: CHF 690,000 (Staff 605,000; Meetings 85,000)",
                      "2029: CHF 1,697,000 (Staff 1,612,000; &lt;Travel&gt; 85,000)"]
    assert "<Travel>" not in svg  # labels are escaped
    # one colour per line label, the same in every bar that has it
    staff = re.findall(r'<rect class="segment"[^>]*fill="(#\w+)"', svg)
    assert staff[0] == staff[2]
    assert len(set(staff)) == 3


def test_the_axis_is_round_covers_the_largest_total_and_bars_stay_inside() -> None:
    svg = str(budget_chart(BARS))
    ticks = [int(t.replace(",", "")) for t in re.findall(r'class="tick"[^>]*>([\d,]+)<', svg)]
    assert ticks == [0, 500_000, 1_000_000, 1_500_000, 2_000_000]
    tops = [float(y) for y in re.findall(r'<rect class="bar" x="[\d.]+" y="([\d.]+)"', svg)]
    heights = [float(h) for h in re.findall(r'<rect class="bar"[^>]*height="([\d.]+)"', svg)]
    assert all(top >= 56 for top in tops)  # below the legend: no bar pokes above the axis
    assert abs(heights[1] / heights[0] - 1697000.5 / 690000) < 0.01  # heights are to scale


def test_no_budget_says_so_in_words() -> None:
    assert "No work plan and budget" in str(budget_chart([]))
