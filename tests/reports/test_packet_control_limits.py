"""The packet's trend charts use the scoring engine's control limits, as its method notes say."""

import math
from datetime import date

import pandas as pd

from reports.selectors import _u_chart

MONTHS = [date(2025, month, 1) for month in range(1, 13)]


def plain_upper(centre: float, hours: float) -> float:
    return centre + 3 * math.sqrt(centre * 200_000 / hours)


def test_overdispersed_months_get_laneys_wider_limits():
    # A large department whose months swing far more than Poisson counts would.
    cases = pd.Series([20, 60, 25, 70, 18, 65, 22, 58, 30, 75, 15, 62], index=MONTHS)
    hours = pd.Series([2_000_000.0] * 12, index=MONTHS)
    points = _u_chart(cases, hours)
    centre = points[0].centre
    assert centre == 200_000 * cases.sum() / hours.sum()
    assert all(point.ucl > plain_upper(centre, 2_000_000.0) * 1.05 for point in points)
    # The plain u-chart would flag the three highest months; the widened limits flag none.
    assert sum(point.rate > plain_upper(centre, 2_000_000.0) for point in points) == 3
    assert not any(point.above_limit for point in points)


def test_a_single_case_in_a_small_department_is_not_a_signal():
    # About one case a year: the normal approximation would flag the month with one case.
    cases = pd.Series([0] * 11 + [1], index=MONTHS)
    hours = pd.Series([8_000.0] * 12, index=MONTHS)
    points = _u_chart(cases, hours)
    assert points[-1].rate > plain_upper(points[-1].centre, 8_000.0)
    assert not points[-1].above_limit


def test_a_real_jump_is_still_a_signal():
    cases = pd.Series([40] * 11 + [120], index=MONTHS)
    hours = pd.Series([2_000_000.0] * 12, index=MONTHS)
    points = _u_chart(cases, hours)
    assert [point.above_limit for point in points] == [False] * 11 + [True]
