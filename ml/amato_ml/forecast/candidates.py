"""The candidate models: what each one fits, on which days, and how it forecasts.

Three specifications, each with and without planned spend; the backtest chooses among them.

- `local_trend`: a local level with a drift (the average growth), weekday and month-of-year
  effects. The forecast starts from the current level and grows by the drift; the month
  effects give the steps of the season, such as January's drop after the December peak,
  learnt from every month boundary in the history. Month effects need a year of history; with
  less the model has weekday effects and drift only.
- `year_ago`: a local level on top of last year's profile, the mean daily revenue of the same
  calendar month a year earlier: the season's shape and the growth from month to month come
  from last year, the level scales them to this year. Needs a full month a year before the
  first day fitted.
- `sarimax`: the regression with ARMA errors of a global log-linear trend, weekday dummies and
  yearly Fourier terms (model.py), for a business growing at a steady rate with a smooth season.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .dataset import DailyRevenue
from .features import (
    Design,
    expected_orders,
    first_year_ago_day,
    order_value,
    spend_scale,
    year_ago_profile,
)
from .model import Fit, Forecast, LocalFit, fit, fit_local, forecast, forecast_local

KINDS = ("local_trend", "year_ago", "sarimax")
DESCRIPTIONS = {
    "local_trend": "local level with drift, weekday and month-of-year effects",
    "year_ago": "local level on last year's monthly profile, with weekday effects",
    "sarimax": "regression with ARMA errors: global log-linear trend, weekday, yearly Fourier",
}
MONTHS_FROM_DAYS = 365  # month effects are fitted once every month has been seen
MIN_FIT_DAYS = 91  # 13 weeks: each weekday seen 13 times before the first backtest forecast

Fitted = Fit | LocalFit


@dataclass(frozen=True)
class Spec:
    """One candidate: a kind of model, with or without planned spend as a regressor."""

    kind: str
    spend: bool
    fourier: int = 4  # yearly sine/cosine pairs of the sarimax kind

    @property
    def label(self) -> str:
        return self.kind + (" + planned_spend" if self.spend else "")

    def regressors(self, design: Design) -> list[str]:
        names = design.names()
        listed = {
            "weekday": True,
            "month": design.months,
            "year_ago_month": self.kind == "year_ago",
            "yearly": design.fourier > 0,
            "trend": design.trend and self.kind == "sarimax",
            "drift": design.trend and self.kind != "sarimax",
            "planned_spend": "planned_spend" in names,
        }
        return [name for name, present in listed.items() if present]

    def first_day(self, days: np.ndarray) -> int | None:
        """The first of these history days the model can fit, None when none can."""
        return first_year_ago_day(days) if self.kind == "year_ago" else 0

    def design(self, days: np.ndarray, spend: np.ndarray) -> Design | None:
        """The design of a fit on these days, or None when the spend variant has no campaign
        day in them to learn its effect from."""
        scale = spend_scale(spend) if self.spend else None
        if self.spend and scale is None:
            return None
        if self.kind == "sarimax":
            return Design(start=days[0], fourier=self.fourier, spend_scale=scale)
        return Design(
            start=days[0],
            fourier=0,
            spend_scale=scale,
            months=self.kind == "local_trend" and days.size >= MONTHS_FROM_DAYS,
            trend=self.kind == "local_trend",
            intercept=False,
        )

    def unavailable(self, data: DailyRevenue, at: list[int]) -> str | None:
        """Why the candidate cannot be fitted and backtested on this history, if it cannot."""
        history = data.history_days
        first = self.first_day(data.days[:history])
        if first is None or at[0] - first < MIN_FIT_DAYS:
            return (
                f"it needs a full month a year before the first day it fits and "
                f"{MIN_FIT_DAYS} days to fit before the first backtest origin"
            )
        if self.spend:
            if spend_scale(data.planned_spend[first:history]) is None:
                return "planned_spend does not vary over the history"
            if spend_scale(data.planned_spend[first : at[0]]) is None:
                return "planned_spend does not vary before a backtest origin"
        return None


def offset_of(data: DailyRevenue, end: int) -> float:
    """The target's offset as of `end`: one average order's revenue in the days before it."""
    orders = None if data.orders is None else data.orders[:end]
    return order_value(data.revenue[:end], orders)


@dataclass(frozen=True)
class Inputs:
    """What a fit on the history before some day is made of."""

    first: int  # the first history day fitted
    design: Design
    exog: np.ndarray
    offset: float


def inputs(spec: Spec, data: DailyRevenue, end: int) -> Inputs | None:
    """The days, design, regressors and offset of a fit on the history days before `end`;
    None when the design cannot be made there."""
    days = data.days[:end]
    first = spec.first_day(days)
    if first is None:
        return None
    design = spec.design(days[first:], data.planned_spend[first:end])
    if design is None:
        return None
    exog = design.matrix(days[first:], data.planned_spend[first:end])
    return Inputs(first, design, exog, offset_of(data, end))


def fit_spec(
    spec: Spec,
    data: DailyRevenue,
    end: int,
    order: tuple[int, int, int] = (1, 0, 0),
    start_params: np.ndarray | None = None,
) -> Fitted | None:
    """The candidate fitted on the history days before `end` (the sarimax kind with this ARMA
    order); None when its design cannot be made there."""
    made = inputs(spec, data, end)
    if made is None:
        return None
    first, design, exog, offset = made.first, made.design, made.exog, made.offset
    if spec.kind == "sarimax":
        return fit(data.revenue[first:end], exog, order, design, start_params, offset=offset)
    days = data.days[first:end]
    target = np.log(data.revenue[first:end] + offset) - _profile(spec, data, end, days)
    orders = expected_orders(data.revenue[:end], offset)[first:]
    return fit_local(target, exog, orders, design, offset, start_params=start_params)


def forecast_spec(
    spec: Spec, fitted: Fitted, data: DailyRevenue, end: int, *, days: np.ndarray, spend: np.ndarray
) -> Forecast:
    """The forecast of `days` (with their planned spend) by the candidate fitted before `end`."""
    exog = fitted.design.matrix(days, spend)
    if isinstance(fitted, Fit):
        return forecast(fitted, exog)
    return forecast_local(fitted, exog, _profile(spec, data, end, days))


def _profile(spec: Spec, data: DailyRevenue, end: int, days: np.ndarray) -> np.ndarray:
    """The year-ago profile of these days from the history before `end`; zeros for the kinds
    without one."""
    if spec.kind != "year_ago":
        return np.zeros(days.size)
    offset = offset_of(data, end)
    profile = year_ago_profile(data.days[:end], data.revenue[:end], days, offset)
    if profile is None:
        raise ValueError("a year-ago month is missing from the history")  # first_day prevents it
    return profile
