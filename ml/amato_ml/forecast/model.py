"""The forecast's models, both on log(revenue + one order's revenue) (features.py).

`sarimax`: a regression with ARMA errors (statsmodels' SARIMAX): a global log-linear trend,
weekday dummies, yearly Fourier terms and optionally planned spend; the ARMA errors carry what
they miss that persists for a few days. Right for a business that grows at a steady rate with
a smooth season; it extrapolates the trend fitted on the whole history, so on a series whose
growth speeds up it forecasts ever faster growth.

`LocalLevel`: a local level (a random walk, so the forecast starts from where sales are now,
not from where a global trend says they should be) plus regression coefficients (weekday, month
or a year-ago profile, drift, spend) held as states of the Kalman filter, so they are estimated
by it and their uncertainty is part of the prediction intervals. Only the variances are
fitted. The day's noise is that of counting orders: its variance is a + b·λ/(1 + λ)², λ the
orders expected that day, which is about (1 + CV² of an order's value)/λ for many orders and
shrinks again for very few (log(revenue + one order) cannot swing much when most days have none
or one). The level's steps scale the same way, since a young shop's level also moves more in
percent. This lets two years of a growing shop be fitted at once, without its first noisy
months inflating the intervals of the last ones.

Fits are deterministic: the same data and starting point give the same optimum. Warnings of the
optimizer are kept for the report instead of being printed. The intervals of the SARIMAX model
leave out the uncertainty of its coefficients; those of the local level include it.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from scipy.stats import norm
from statsmodels.tsa.statespace.mlemodel import MLEModel, MLEResults
from statsmodels.tsa.statespace.sarimax import SARIMAX, SARIMAXResults

from .features import Design

ORDERS: tuple[tuple[int, int, int], ...] = ((1, 0, 0), (1, 0, 1), (2, 0, 1))
LEVELS = (80, 95)
# statsmodels stops at 50; (2,0,1) can need more where its AR and MA terms nearly cancel.
MAX_ITERATIONS = 100
# Prior variance of the local level's states before the first day: sd 100 on the log scale,
# uninformative for any revenue, and small enough to keep the filter's arithmetic exact (the
# exact diffuse filter of statsmodels loses precision with these many regression states).
DIFFUSE_VARIANCE = 1e4

_T = TypeVar("_T")


class TrainingError(ValueError):
    """The requested training cannot be done on this dataset, e.g. a backtest longer than it."""


@dataclass(frozen=True)
class Fit:
    order: tuple[int, int, int]
    design: Design
    result: SARIMAXResults
    warnings: tuple[str, ...]
    seconds: float  # wall time of the fit: printed, never written, so outputs stay reproducible
    offset: float = 1.0  # the target is log(revenue + offset)

    @property
    def aic(self) -> float:
        return float(self.result.aic)

    @property
    def converged(self) -> bool:
        return bool(self.result.mle_retvals.get("converged", False))

    @property
    def params(self) -> np.ndarray:
        return np.asarray(self.result.params, dtype=np.float64)


@dataclass(frozen=True)
class Forecast:
    """Revenue per forecast day: the median and the bounds of each interval, never negative."""

    revenue: np.ndarray
    lower: dict[int, np.ndarray]
    upper: dict[int, np.ndarray]


def _recorded(run: Callable[[], _T]) -> tuple[_T, tuple[str, ...], float]:
    """run()'s value, the distinct warnings it raised (not printed) and its wall time."""
    began = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = run()
    messages = tuple(dict.fromkeys(str(warning.message).strip() for warning in caught))
    return value, messages, time.perf_counter() - began


def fit(
    revenue: np.ndarray,
    exog: np.ndarray,
    order: tuple[int, int, int],
    design: Design,
    start_params: np.ndarray | None = None,
    *,
    offset: float = 1.0,
) -> Fit:
    """One SARIMAX fit of log(revenue + offset) on the regressors, with its warnings recorded."""

    def run() -> SARIMAXResults:
        model = SARIMAX(np.log(revenue + offset), exog=exog, order=order, concentrate_scale=True)
        return model.fit(
            start_params=start_params, disp=False, cov_type="none", maxiter=MAX_ITERATIONS
        )

    result, messages, seconds = _recorded(run)
    return Fit(order, design, result, messages, seconds, offset)


def widen(params: np.ndarray, order: tuple[int, int, int], to: tuple[int, int, int]) -> np.ndarray:
    """Parameters of a fit of `order` as the starting point of the larger `to`: the extra AR and
    MA lags start at 0, where the larger model equals the smaller one."""
    exog = params.size - order[0] - order[2]
    ar = params[exog : exog + order[0]]
    ma = params[exog + order[0] :]
    return np.concatenate(
        [params[:exog], ar, np.zeros(to[0] - order[0]), ma, np.zeros(to[2] - order[2])]
    )


def select_order(
    revenue: np.ndarray, exog: np.ndarray, design: Design, offset: float = 1.0
) -> tuple[Fit, list[Fit]]:
    """The fit of lowest AIC over ORDERS, and all of them in ORDERS order.

    A fit that stopped before converging is still compared: its likelihood is below the optimum
    of its order, so its AIC can only overstate that order's, never favour it unduly.
    """
    fits: list[Fit] = []
    for order in ORDERS:
        start = None if not fits else widen(fits[-1].params, fits[-1].order, order)
        fits.append(fit(revenue, exog, order, design, start, offset=offset))
    best = min(fits, key=lambda candidate: candidate.aic)
    return best, fits


def forecast(fitted: Fit, exog: np.ndarray) -> Forecast:
    """The next exog.shape[0] days after the fitted SARIMAX's."""
    prediction = fitted.result.get_forecast(steps=exog.shape[0], exog=exog)
    mean = np.asarray(prediction.predicted_mean)
    variance = np.asarray(prediction.var_pred_mean)
    return normal_forecast(mean, variance, fitted.offset)


def normal_forecast(mean: np.ndarray, variance: np.ndarray, offset: float) -> Forecast:
    """Revenue from a normal forecast of log(revenue + offset).

    On the log scale the forecast is normal, so its mean is also its median, and exp of it less
    the offset is the median revenue; the same of the interval bounds gives intervals with the
    same coverage. Everything is clipped at 0, where the log scale reaches below no revenue.
    """
    spread = np.sqrt(np.maximum(variance, 0.0))
    lower, upper = {}, {}
    for level in LEVELS:
        z = float(norm.ppf(0.5 + level / 200))
        lower[level] = _revenue(mean - z * spread, offset)
        upper[level] = _revenue(mean + z * spread, offset)
    return Forecast(revenue=_revenue(mean, offset), lower=lower, upper=upper)


def _revenue(log_values: np.ndarray, offset: float) -> np.ndarray:
    return np.maximum(np.exp(log_values) - offset, 0.0)


def count_noise(orders: np.ndarray) -> np.ndarray:
    """λ/(1 + λ)²: how the variance of log(revenue + one order) scales with the orders λ
    expected that day, about 1/λ for many orders, and small again where there are almost none."""
    orders = np.maximum(orders, 0.0)
    return orders / (1.0 + orders) ** 2


class LocalLevel(MLEModel):
    """y_t = level_t + x_t'β + ε_t, level_t = level_{t-1} + η_t, β constant states.

    Var ε_t = a + b·count_noise(λ_t) and Var η_t = q·Var ε_t / Var ε_r, r the last day fitted, so
    q is the level's variance at the cutoff. The parameters are (a, b, q), fitted on the log
    scale. Days with y missing (NaN) are forecast: their prediction is the forecast given the
    days before.
    """

    def __init__(self, endog: np.ndarray, exog: np.ndarray, orders: np.ndarray, reference: int):
        days, k = exog.shape
        super().__init__(endog, k_states=1 + k, k_posdef=1)
        self.ssm.initialize_approximate_diffuse(DIFFUSE_VARIANCE)
        self.loglikelihood_burn = 1 + k  # the days that only pin the states down
        design = np.zeros((1, 1 + k, days))
        design[0, 0] = 1.0
        design[0, 1:] = exog.T
        self["design"] = design
        self["transition"] = np.eye(1 + k)
        selection = np.zeros((1 + k, 1))
        selection[0, 0] = 1.0
        self["selection"] = selection
        self.noise = count_noise(orders)
        self.reference = reference

    @property
    def param_names(self) -> list[str]:
        return ["sigma2.day", "sigma2.count", "sigma2.level"]

    @property
    def start_params(self) -> np.ndarray:
        y = np.asarray(self.endog)[:, 0]
        steps = np.diff(y[np.isfinite(y)])
        scale = float(np.var(steps)) if steps.size > 1 else 1.0
        scale = scale if scale > 0 else 1.0
        return np.array([scale / 20, 1.0, scale / 100])

    def transform_params(self, unconstrained: np.ndarray) -> np.ndarray:
        return np.exp(unconstrained)

    def untransform_params(self, constrained: np.ndarray) -> np.ndarray:
        return np.log(constrained)

    def update(self, params: np.ndarray, **kwargs: Any) -> np.ndarray:
        params = super().update(params, **kwargs)
        day, count, level = params
        variance = day + count * self.noise
        self["obs_cov"] = variance[None, None, :]
        self["state_cov"] = (level * variance / variance[self.reference])[None, None, :]
        return params


@dataclass(frozen=True)
class LocalFit:
    """A fitted LocalLevel, with what its forecast needs: the fitted target, regressors and
    expected orders, and the offsets of the year-ago profile when there is one."""

    design: Design
    result: MLEResults
    target: np.ndarray  # log(revenue + offset) - profile, of the days fitted
    exog: np.ndarray
    orders: np.ndarray  # expected orders of the days fitted
    offset: float
    warnings: tuple[str, ...]
    seconds: float

    @property
    def params(self) -> np.ndarray:
        return np.asarray(self.result.params, dtype=np.float64)

    @property
    def converged(self) -> bool:
        return bool(self.result.mle_retvals.get("converged", False))

    @property
    def aic(self) -> float:
        return float(self.result.aic)

    def state(self, name: str) -> float:
        """A regression coefficient at the cutoff, by its name in the design."""
        index = 1 + self.design.names().index(name)
        return float(self.result.filtered_state[index, -1])


def fit_local(
    target: np.ndarray,
    exog: np.ndarray,
    orders: np.ndarray,
    design: Design,
    offset: float,
    *,
    start_params: np.ndarray | None = None,
) -> LocalFit:
    """The variances of maximum likelihood of a LocalLevel on the days fitted."""

    def run() -> MLEResults:
        model = LocalLevel(target, exog, orders, reference=target.size - 1)
        return model.fit(
            start_params=start_params, disp=False, cov_type="none", maxiter=MAX_ITERATIONS
        )

    result, messages, seconds = _recorded(run)
    return LocalFit(design, result, target, exog, orders, offset, messages, seconds)


def forecast_local(fitted: LocalFit, exog: np.ndarray, profile: np.ndarray) -> Forecast:
    """The days after the fitted ones, with their regressors and year-ago profile (zeros when
    the model has none).

    The filter runs over the history and the forecast days, left missing; their noise is that
    of the orders the forecast itself expects, so it is run twice: once with the orders of the
    last day fitted, once with those of the first forecast.
    """
    days = exog.shape[0]
    target = np.concatenate([fitted.target, np.full(days, np.nan)])
    regressors = np.vstack([fitted.exog, exog])
    orders = np.concatenate([fitted.orders, np.full(days, fitted.orders[-1])])
    mean = variance = np.zeros(days)
    for _ in range(2):
        model = LocalLevel(target, regressors, orders, reference=fitted.target.size - 1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the fit's warnings are recorded already
            result = model.filter(fitted.params, cov_type="none")
        mean = result.filter_results.forecasts[0, -days:] + profile
        variance = result.filter_results.forecasts_error_cov[0, 0, -days:]
        orders[-days:] = np.maximum(np.exp(mean) - fitted.offset, 0.0) / fitted.offset
    return normal_forecast(mean, variance, fitted.offset)
