"""Plain-language reasons for a department's place in the ranking, for a cabinet member."""

from __future__ import annotations

import calendar
from dataclasses import dataclass

from riskcabinet.scoring.validation import month_label

TYPE_LABELS = {
    "injury_illness": "Injuries and illnesses",
    "near_miss": "Near misses",
    "vehicle": "Vehicle collisions",
    "assault": "Assaults and threats",
    "exposure": "Exposures",
    "property_damage": "Property damage reports",
}


@dataclass(frozen=True)
class ReasonFacts:
    """What the reasons are written from, for one department."""

    harm_ratio_to_city: float
    trend_pct_per_year: float
    trend_significant: bool
    signal_months: tuple[int, ...]
    chart_name: str
    type_changes: tuple[tuple[str, float], ...]
    fatalities: int
    hospitalizations: int
    window_months: int
    hours: float
    small: bool
    funnel_position: str


def month_name(index: int) -> str:
    year, month = month_label(index).split("-")
    return f"{calendar.month_name[int(month)]} {year}"


def _times(ratio: float) -> str:
    return f"{ratio:.1f}"


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def department_reasons(facts: ReasonFacts, settings) -> list[str]:
    """Sentences, most important first."""
    reasons: list[str] = []
    ratio = facts.harm_ratio_to_city
    rising = facts.trend_significant and facts.trend_pct_per_year > 0
    falling = facts.trend_significant and facts.trend_pct_per_year < 0

    if ratio >= settings.reason_high_ratio:
        reasons.append(f"Adjusted harm rate {_times(ratio)} times the city's")
    elif ratio <= settings.reason_low_ratio:
        steady = "steady" if not facts.trend_significant else ("rising" if rising else "falling")
        reasons.append(f"Adjusted harm rate below the city's, {steady}")
    else:
        reasons.append("Adjusted harm rate close to the city's")

    if rising:
        reasons.append(f"Cases rising about {facts.trend_pct_per_year:.0f}% a year")
    elif falling:
        reasons.append(f"Cases falling about {-facts.trend_pct_per_year:.0f}% a year")

    if facts.signal_months:
        names = [month_name(month) for month in sorted(facts.signal_months)]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        verb = "is" if len(names) == 1 else "are"
        reasons.append(
            f"{joined} {verb} above the control limit for cases with harm ({facts.chart_name})"
        )

    # The change is on the window's length just before it: a year for the usual twelve months.
    before = (
        "last year" if facts.window_months == 12 else f"the {facts.window_months} months before"
    )
    for incident_type, change in facts.type_changes:
        direction = "up" if change > 0 else "down"
        reasons.append(
            f"{TYPE_LABELS[incident_type]} {direction} {abs(change) * 100:.0f}% on {before}"
        )

    span = f"in the last {facts.window_months} months"
    if facts.fatalities:
        reasons.append(f"{_plural(facts.fatalities, 'fatality', 'fatalities')} {span}")
    if facts.hospitalizations:
        reasons.append(
            f"{_plural(facts.hospitalizations, 'hospitalization', 'hospitalizations')} {span}"
        )

    if facts.funnel_position == "above 99.8%":
        reasons.append("Harm rate above the funnel's outer limit: more than chance would explain")
    if facts.small:
        reasons.append(
            f"Small department ({facts.hours:,.0f} hours {span}): "
            "its rate is pulled toward the city's"
        )
    return reasons
