"""Every weight and threshold of the scoring engine, named in one frozen dataclass."""

from __future__ import annotations

from dataclasses import dataclass, field

# The severity ladder, worst first, as written in incident records.
SEVERITIES: tuple[str, ...] = (
    "fatality",
    "hospitalization",
    "days_away",
    "restricted",
    "medical",
    "first_aid",
    "none",
)

INCIDENT_TYPES: tuple[str, ...] = (
    "injury_illness",
    "near_miss",
    "vehicle",
    "assault",
    "exposure",
    "property_damage",
)

# OSHA's base for rates: 100 full-time employees working 40 hours a week for 50 weeks.
HOURS_BASE = 200_000


def _default_severity_weights() -> dict[str, float]:
    # Harm points per case. A near miss or a property-damage report hurts nobody, so it adds no
    # harm: weighting it would punish the departments that report well.
    return {
        "fatality": 60.0,
        "hospitalization": 20.0,
        "days_away": 8.0,
        "restricted": 4.0,
        "medical": 2.0,
        "first_aid": 0.5,
        "none": 0.0,
    }


@dataclass(frozen=True)
class ScoringSettings:
    """Named weights and thresholds. Pass a modified copy (dataclasses.replace) to experiment."""

    # Harm points per case, by the worst outcome on the severity ladder.
    severity_weights: dict[str, float] = field(default_factory=_default_severity_weights)

    # Switches for the two parts the backtest must show earn their place.
    use_trend: bool = True
    use_control_signals: bool = True

    # Harm per case is shrunk toward the city's as if the department had this many more cases
    # with the city's severity mix.
    severity_prior_cases: float = 60.0

    # Trend: the Poisson regression is fitted on up to this many months ending at the as-of month
    # (a longer span than the level window, because a slope needs more data than a mean).
    trend_window_months: int = 36
    # Fewest months of data a trend is fitted on; with less the trend is reported as zero.
    trend_min_months: int = 6
    # Two-sided z value for calling a trend "significant" (1.96 = 95%).
    trend_significance_z: float = 1.96
    # Where the level is projected to, in months after the as-of month: the middle of the
    # quarter the cabinet plans for.
    projection_months_ahead: float = 2.0
    # Seasonal adjustment needs at least this many months of history; otherwise none is applied.
    seasonality_min_months: int = 24

    # Control charts.
    # Sigma multiple for u-chart and u-prime limits.
    control_sigma: float = 3.0
    # Laney's u-prime is used when the between-month spread of z-scores exceeds this.
    laney_sigma_z_threshold: float = 1.0
    # Below this many expected harm cases a month the normal approximation fails, and the
    # rare-event chart (exact Poisson probability limits) is used instead.
    rare_event_expected_per_month: float = 2.0
    # One-sided false-alarm probability of the rare-event chart (matches 3 sigma).
    rare_event_alpha: float = 0.00135
    # A point above the limit within this many latest months counts as a current signal.
    signal_lookback_months: int = 3
    # Share of the level taken from the latest months when a current signal fires: a signal
    # suggests the rate has moved, so the recent months say more about the next quarter.
    signal_recent_weight: float = 0.5

    # Funnel plot limits, as two-sided coverage.
    funnel_inner_coverage: float = 0.95
    funnel_outer_coverage: float = 0.998

    # Reasons.
    # A level ratio to the city at or above this is called out ("1.8 times the city's").
    reason_high_ratio: float = 1.25
    # At or below this the rate is called "below the city's".
    reason_low_ratio: float = 0.8
    # An incident type's change on last year is called out from this many cases and this change.
    reason_type_min_cases: int = 5
    reason_type_min_change: float = 0.25
    reason_type_max_p_value: float = 0.05
    # Departments with less than this many hours in the window are called small.
    reason_small_hours: float = 100_000.0

    # Backtest: realised top-k overlap.
    backtest_top_k: int = 5

    def __post_init__(self) -> None:
        missing = set(SEVERITIES) - set(self.severity_weights)
        if missing:
            raise ValueError(f"severity_weights lacks {sorted(missing)}")
        if any(weight < 0 for weight in self.severity_weights.values()):
            raise ValueError("severity weights must not be negative")
        if not any(weight > 0 for weight in self.severity_weights.values()):
            raise ValueError("at least one severity weight must be positive")
