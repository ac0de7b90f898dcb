"""The engine judged on its own past: rank as of each month, compare with what followed.

For every as-of month with a full window behind it and `horizon` months after it, each method
ranks the departments, and the ranking is compared with the harm rate the departments actually
had over the next `horizon` months:

* Spearman correlation between the method's scores and the realised harm rates (departments with
  hours both in the window and in the horizon; ties share ranks).
* Top-k precision: the share of the method's top k that are in the realised top k. The realised
  top k is taken on the realised harm rate shrunk toward the city (a gamma-Poisson prior fitted on
  the horizon itself), because on raw three-month rates the realised top k is mostly small
  departments that happened to have one serious case. `top5_precision_raw` uses raw rates.

Methods: `engine` (the composite score), `raw_count` (recordable cases in the window), `raw_rate`
(harm rate in the window) and `eb_rate` (the window's harm rate shrunk toward the city, no trend
and no signals).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from riskcabinet.scoring.aggregate import DepartmentMonthPanel, build_panel
from riskcabinet.scoring.engine import score_as_of
from riskcabinet.scoring.settings import HOURS_BASE, ScoringSettings
from riskcabinet.scoring.shrinkage import fit_gamma_prior
from riskcabinet.scoring.threads import single_threaded
from riskcabinet.scoring.validation import (
    ScoringInputError,
    month_label,
    validate_exposure,
    validate_incidents,
)

METHODS = ("engine", "raw_count", "raw_rate", "eb_rate")


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """Summary per method and the figures for every as-of month.

    summary: one row per method (method, mean_spearman, top5_precision, top5_precision_raw,
    months). per_month: as_of, method, spearman, top5_precision, top5_precision_raw.
    """

    horizon: int
    window: int
    first_as_of: str
    last_as_of: str
    summary: pd.DataFrame
    per_month: pd.DataFrame

    def to_dict(self) -> dict:
        return {
            "horizon": self.horizon,
            "window": self.window,
            "first_as_of": self.first_as_of,
            "last_as_of": self.last_as_of,
            "months": int(self.summary["months"].iloc[0]),
            "methods": {
                row.method: {
                    "mean_spearman": round(float(row.mean_spearman), 4),
                    "top5_precision": round(float(row.top5_precision), 4),
                    "top5_precision_raw": round(float(row.top5_precision_raw), 4),
                }
                for row in self.summary.itertuples()
            },
        }


def _spearman(score: np.ndarray, realised: np.ndarray) -> float:
    left = rankdata(score)
    right = rankdata(realised)
    if np.ptp(left) == 0 or np.ptp(right) == 0:
        return float("nan")
    return float(np.corrcoef(left, right)[0, 1])


def _top_k(values: np.ndarray, k: int) -> set[int]:
    # Stable order so that ties are broken the same way for every method.
    return set(np.argsort(-values, kind="stable")[:k].tolist())


def _judge(
    panel: DepartmentMonthPanel,
    as_of: int,
    window: int,
    horizon: int,
    settings: ScoringSettings,
    harm: np.ndarray,
    units: np.ndarray,
) -> list[dict]:
    """Every method's figures for one as-of month."""
    scores = score_as_of(panel, as_of, window, settings)
    k = settings.backtest_top_k
    rows = []
    end = panel.column(as_of)
    future = slice(end + 1, end + 1 + horizon)
    future_units = units[scores.included, future].sum(axis=1)
    future_harm = harm[scores.included, future].sum(axis=1)
    keep = future_units > 0
    if keep.sum() < 3:
        return []
    realised = future_harm[keep] / future_units[keep]
    squared = panel.harm_squared(settings)[scores.included, future].sum()
    dispersion = squared / future_harm.sum() if future_harm.sum() > 0 else 1.0
    realised_prior = fit_gamma_prior(future_harm[keep] / dispersion, future_units[keep])
    realised_shrunk = realised_prior.posterior_mean(
        future_harm[keep] / dispersion, future_units[keep]
    )
    candidates = {
        "engine": scores.score,
        "raw_count": panel.recordable[scores.included][:, scores.window_columns].sum(axis=1),
        "raw_rate": scores.harm_rate,
        "eb_rate": scores.eb_harm_rate,
    }
    top_realised = _top_k(realised_shrunk, k)
    top_realised_raw = _top_k(realised, k)
    # With fewer departments than k, a top k holds them all: precision is out of that many.
    picked = min(k, int(keep.sum()))
    for method, values in candidates.items():
        predicted = values[keep]
        top_predicted = _top_k(predicted, k)
        rows.append(
            {
                "as_of": month_label(as_of),
                "method": method,
                "spearman": _spearman(predicted, realised),
                "top5_precision": len(top_predicted & top_realised) / picked,
                "top5_precision_raw": len(top_predicted & top_realised_raw) / picked,
            }
        )
    return rows


def backtest_panel(
    panel: DepartmentMonthPanel,
    *,
    horizon: int = 3,
    window: int = 12,
    settings: ScoringSettings | None = None,
    first_as_of: int | None = None,
) -> BacktestResult:
    """Backtest on an aggregated panel (see `backtest` for frames)."""
    settings = settings or ScoringSettings()
    if horizon < 1:
        raise ScoringInputError(f"--horizon must be at least 1 month, not {horizon}")
    earliest = panel.first_month + window - 1
    if first_as_of is not None:
        earliest = max(earliest, first_as_of)
    latest = panel.last_month - horizon
    if latest < earliest:
        raise ScoringInputError(
            f"backtest needs at least {window + horizon} months of exposure "
            f"({window}-month window and {horizon}-month horizon); the data cover "
            f"{panel.n_months}"
        )
    harm = panel.harm(settings)
    units = panel.hours / HOURS_BASE
    rows = []
    with single_threaded():
        for as_of in range(earliest, latest + 1):
            rows.extend(_judge(panel, as_of, window, horizon, settings, harm, units))
    per_month = pd.DataFrame(rows)
    summary = (
        per_month.groupby("method", sort=False)
        .agg(
            mean_spearman=("spearman", "mean"),
            top5_precision=("top5_precision", "mean"),
            top5_precision_raw=("top5_precision_raw", "mean"),
            months=("as_of", "nunique"),
        )
        .reindex(list(METHODS))
        .reset_index()
    )
    return BacktestResult(
        horizon=horizon,
        window=window,
        first_as_of=month_label(earliest),
        last_as_of=month_label(latest),
        summary=summary,
        per_month=per_month,
    )


def backtest(
    incidents: pd.DataFrame,
    exposure: pd.DataFrame,
    *,
    horizon: int = 3,
    window: int = 12,
    settings: ScoringSettings | None = None,
) -> BacktestResult:
    """Backtest the engine and the baselines on incidents and exposure frames.

    The frames are validated as in `rank_departments`. The first as-of month is the first with a
    full window behind it; the last is the last with `horizon` months after it.
    """
    panel = build_panel(
        validate_incidents(incidents, source="incidents"),
        validate_exposure(exposure, source="exposure"),
    )
    return backtest_panel(panel, horizon=horizon, window=window, settings=settings)
