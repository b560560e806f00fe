"""Round steps for a chart's value axis (the 统计 page and the printed report)."""

from __future__ import annotations

import math

ROUND = (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8)


def round_step(at_least: float) -> int:
    """The smallest round whole number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of
    ten) of at least ``at_least``, so that the axis reads 6000, 12000, … not 5317, 10634, …"""
    for power in range(0, 16):
        for m in ROUND:
            step = m * 10**power
            if step == int(step) and step >= at_least:
                return int(step)
    return max(1, math.ceil(at_least))
