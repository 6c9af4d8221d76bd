"""Rolling-origin backtest: how the model would have done had it been trained in the past.

At each origin the candidate is refitted on the history before it (the sarimax kind with the
ARMA order chosen on the whole history), and forecasts the next `horizon` days from the planned
spend of those days, which was known in advance. The forecasts are compared with what was
sold, beside the seasonal-naive baseline (the last observed week, repeated), which any forecast
worth serving must beat. Origins are `horizon` days apart and end with the last history day,
so the windows tile the latest history without overlapping and every history day is forecast
at most once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .candidates import MIN_FIT_DAYS, Fitted, Spec, fit_spec, forecast_spec
from .dataset import DailyRevenue
from .model import LEVELS

__all__ = ["MIN_FIT_DAYS", "Folds", "run", "seasonal_naive", "summary"]

BUCKETS = ((1, 7), (8, 14), (15, 28))
COVERAGE_TOLERANCE = 0.10  # how far empirical coverage may be from nominal and still be "within"


@dataclass(frozen=True)
class Folds:
    """Every origin's forecast of one variant; arrays are (origins, horizon)."""

    origins: list[int]  # index of the first forecast day, i.e. the days fitted
    actual: np.ndarray
    model: np.ndarray
    lower: dict[int, np.ndarray]
    upper: dict[int, np.ndarray]
    naive: np.ndarray
    warnings: list[tuple[str, str]]  # (origin day, message) of every optimizer warning


def origins(history: int, count: int, horizon: int) -> list[int]:
    """The latest `count` origins `horizon` days apart whose windows end by the last history
    day, less those that would leave fewer than MIN_FIT_DAYS to fit on."""
    candidates = [history - (count - k) * horizon for k in range(count)]
    return [origin for origin in candidates if origin >= MIN_FIT_DAYS]


def seasonal_naive(revenue: np.ndarray, origin: int, horizon: int) -> np.ndarray:
    """The week before `origin`, repeated: each day gets the revenue of the same weekday in
    the last observed week."""
    week = revenue[origin - 7 : origin]
    return week[np.arange(horizon) % 7]


def run(
    data: DailyRevenue,
    spec: Spec,
    at: list[int],
    horizon: int,
    order: tuple[int, int, int] = (1, 0, 0),
) -> Folds | None:
    """Refits and forecasts at each origin; None when the candidate cannot be fitted at one.

    Each refit starts from the previous origin's optimum, which was fitted on earlier data
    only, so the starting point leaks nothing from the window being forecast.
    """
    rows: dict[str, list[np.ndarray]] = {"actual": [], "model": [], "naive": []}
    bounds: dict[str, dict[int, list[np.ndarray]]] = {"lower": {}, "upper": {}}
    messages: dict[tuple[str, str], None] = {}
    previous: Fitted | None = None
    for origin in at:
        start = None if previous is None else previous.params
        fitted = fit_spec(spec, data, origin, order, start)
        if fitted is None:
            return None
        window = slice(origin, origin + horizon)
        predicted = forecast_spec(
            spec, fitted, data, origin, days=data.days[window], spend=data.planned_spend[window]
        )
        rows["actual"].append(data.revenue[window])
        rows["model"].append(predicted.revenue)
        rows["naive"].append(seasonal_naive(data.revenue, origin, horizon))
        for level in LEVELS:
            bounds["lower"].setdefault(level, []).append(predicted.lower[level])
            bounds["upper"].setdefault(level, []).append(predicted.upper[level])
        messages.update(((str(data.days[origin]), text), None) for text in fitted.warnings)
        previous = fitted
    return Folds(
        origins=list(at),
        actual=np.vstack(rows["actual"]),
        model=np.vstack(rows["model"]),
        lower={level: np.vstack(parts) for level, parts in bounds["lower"].items()},
        upper={level: np.vstack(parts) for level, parts in bounds["upper"].items()},
        naive=np.vstack(rows["naive"]),
        warnings=list(messages),
    )


def accuracy(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float | None]:
    """MAE in money; MAPE and sMAPE as shares (0.1 is 10%).

    MAPE skips days without revenue, where it is undefined; sMAPE skips days where both the
    actual and the forecast are 0, which it counts as perfect anyway.
    """
    error = np.abs(actual - predicted)
    sold = actual > 0
    denominator = np.abs(actual) + np.abs(predicted)
    defined = denominator > 0
    return {
        "mae": round(float(error.mean()), 2),
        "mape": _share(error[sold] / actual[sold]),
        "smape": _share(2 * error[defined] / denominator[defined]),
    }


def _share(values: np.ndarray) -> float | None:
    return round(float(values.mean()), 4) if values.size else None


def buckets(horizon: int) -> list[tuple[int, int]]:
    """The horizon buckets reported (days 1–7, 8–14, 15–28, then the rest), cut at horizon."""
    edges = [*BUCKETS, (BUCKETS[-1][1] + 1, horizon)] if horizon > BUCKETS[-1][1] else BUCKETS
    return [(first, min(last, horizon)) for first, last in edges if first <= horizon]


def improvement(model: float | None, baseline: float | None) -> float | None:
    """How much lower the model's error is than the baseline's, in % of the baseline's."""
    if model is None or baseline is None or baseline == 0:
        return None
    return round(100 * (baseline - model) / baseline, 2)


def summary(data: DailyRevenue, folds: Folds, horizon: int, requested: int) -> dict[str, Any]:
    """The backtest as the report states it: accuracy of both, coverage, horizon buckets.
    `requested` is the number of origins asked for, more than were used when the history is
    too short for them all."""
    model = accuracy(folds.actual, folds.model)
    naive = accuracy(folds.actual, folds.naive)
    coverage = []
    for level in LEVELS:
        inside = (folds.actual >= folds.lower[level]) & (folds.actual <= folds.upper[level])
        empirical = float(inside.mean())
        nominal = level / 100
        coverage.append(
            {
                "level": level,
                "nominal": nominal,
                "empirical": round(empirical, 4),
                "within_10_points": bool(abs(empirical - nominal) <= COVERAGE_TOLERANCE + 1e-12),
            }
        )
    by_horizon = []
    for first, last in buckets(horizon):
        part = slice(first - 1, last)
        by_horizon.append(
            {
                "days": f"{first}-{last}",
                "model_mae": accuracy(folds.actual[:, part], folds.model[:, part])["mae"],
                "seasonal_naive_mae": accuracy(folds.actual[:, part], folds.naive[:, part])["mae"],
            }
        )
    return {
        "origins": len(folds.origins),
        "requested_origins": requested,
        "horizon": horizon,
        "method": "refitted at each origin on the days before it (a sarimax with the ARMA "
        "order chosen on the whole history); forecasts use the planned spend of the forecast "
        "days",
        "from": str(data.days[folds.origins[0]]),
        "to": str(data.days[folds.origins[-1] + horizon - 1]),
        "model": model,
        "seasonal_naive": naive,
        "improvement_pct": {name: improvement(model[name], naive[name]) for name in model},
        "beats_baseline": model["mae"] < naive["mae"],
        "coverage": coverage,
        "by_horizon": by_horizon,
        "folds": [
            {
                "origin": str(data.days[origin]),
                "fitted_days": origin,
                "model_mae": accuracy(folds.actual[k], folds.model[k])["mae"],
                "seasonal_naive_mae": accuracy(folds.actual[k], folds.naive[k])["mae"],
            }
            for k, origin in enumerate(folds.origins)
        ],
    }


def mae(folds: Folds) -> float:
    """The pooled MAE, unrounded: what the choice of candidate compares."""
    return float(np.abs(folds.actual - folds.model).mean())
