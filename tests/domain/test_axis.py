"""Round steps for the charts' value axes (app/domain/axis.py)."""

from __future__ import annotations

import pytest

from app.domain.axis import round_step


@pytest.mark.parametrize(
    ("at_least", "step"),
    [(0, 1), (0.3, 1), (2.475, 3), (7, 8), (12.1, 15), (1874, 2000), (5316.6, 6000), (9001, 10000)],
)
def test_the_step_is_the_next_round_whole_number(at_least: float, step: int) -> None:
    assert round_step(at_least) == step


def test_the_printed_monthly_chart_counts_in_round_steps() -> None:
    from reportlab.graphics.charts.barcharts import VerticalBarChart

    from app.reports.stats_report import _integer_axis

    chart = VerticalBarChart()
    _integer_axis(chart, 9370)  # 2025's busiest month on the ten-year clinic
    axis = chart.valueAxis
    assert (axis.valueMin, axis.valueStep, axis.valueMax) == (0, 2000, 12000)
