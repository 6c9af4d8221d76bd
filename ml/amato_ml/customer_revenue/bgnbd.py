"""BG/NBD with Gamma-Gamma: the probabilistic reference the gradient-boosted trees must beat.

BG/NBD (Fader, Hardie & Lee 2005) models each customer's repeat purchases as a Poisson process
that stops for good, after any purchase, with some probability; Gamma-Gamma models the value of
an order around a customer's own mean. Both are fitted by maximum likelihood with `lifetimes`
0.11 (pinned in requirements.txt; its CDNOW estimates are checked in the tests), on the
training dataset's customers, in days. Unpenalized first; when the optimizer does not converge
(a likelihood that keeps rising towards a boundary, e.g. no sign of dropout), with the small L2
penalties lifetimes suggests, the one used recorded beside the estimates.

The inputs come from the dataset's columns, as of its cutoff:

- frequency: repeat sales, `frequency` − 1 (the first sale starts the customer's clock);
- T: `days_since_first_order`, the customer's age;
- recency: the age at the last sale, T − `recency_days`, clamped to [0, T] (`recency_days` is
  whole days, T fractional) and 0 without a repeat sale, as the model defines it;
- monetary: `avg_order_value`, fitted on the repeat customers only (Gamma-Gamma's rule).

A customer without a sale is predicted 0: BG/NBD describes the repeat purchases of acquired
customers and has no clock (no T) for one who never bought; the report counts what these
customers actually spent, revenue the model leaves out by construction.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import hyp2f1

from amato_ml.customer_revenue.dataset import AGE, HORIZON_DAYS

with warnings.catch_warnings():
    # lifetimes sets a pandas option that pandas 3 deprecates, once, at import.
    warnings.simplefilter("ignore")
    import lifetimes
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import ConvergenceError

MIN_BUYERS = 20
MIN_REPEAT_BUYERS = 10
PENALIZERS = (0.0, 0.001, 0.01)


class FitError(RuntimeError):
    """BG/NBD or Gamma-Gamma cannot be fitted on the data, or predicts non-numbers."""


@dataclass(frozen=True)
class BgNbdInputs:
    """Per customer, in the dataset's row order; customers without a sale have zeros."""

    frequency: np.ndarray  # int64: repeat sales
    recency: np.ndarray  # float64: days from the first to the last sale
    age: np.ndarray  # float64: T, days from the first sale to the cutoff
    monetary: np.ndarray  # float64: average order value
    buyers: np.ndarray  # bool: the customer has a sale


def inputs(frame: pd.DataFrame) -> BgNbdInputs:
    """The BG/NBD and Gamma-Gamma inputs of a checked dataset frame."""
    orders = np.rint(frame["frequency"].to_numpy(dtype=np.float64)).astype(np.int64)
    buyers = orders > 0
    frequency = np.where(buyers, orders - 1, 0)
    age = np.where(buyers, np.nan_to_num(frame[AGE].to_numpy(dtype=np.float64)), 0.0)
    since_last = frame["recency_days"].to_numpy(dtype=np.float64)
    recency = np.where(frequency > 0, np.clip(age - since_last, 0.0, age), 0.0)
    return BgNbdInputs(
        frequency=frequency,
        recency=recency,
        age=age,
        monetary=frame["avg_order_value"].to_numpy(dtype=np.float64),
        buyers=buyers,
    )


@dataclass(frozen=True)
class BgNbdGammaGamma:
    """The two fitted models; `predict` gives each customer's expected revenue."""

    purchases: BetaGeoFitter
    spend: GammaGammaFitter
    fitted_buyers: int
    fitted_repeat_buyers: int
    frequency_monetary_correlation: float | None

    def params(self) -> dict[str, Any]:
        return {
            "library": f"lifetimes {lifetimes.__version__}",
            "time_unit": "day",
            "bgnbd": {k: float(v) for k, v in self.purchases.params_.items()},
            "bgnbd_penalizer": float(self.purchases.penalizer_coef),
            "gamma_gamma": {k: float(v) for k, v in self.spend.params_.items()},
            "gamma_gamma_penalizer": float(self.spend.penalizer_coef),
            "fitted_buyers": self.fitted_buyers,
            "fitted_repeat_buyers": self.fitted_repeat_buyers,
            "frequency_monetary_correlation": self.frequency_monetary_correlation,
        }

    def expected_purchases(self, x: BgNbdInputs, days: float = HORIZON_DAYS) -> np.ndarray:
        """Expected sales in the next `days`; 0 for a customer without a sale."""
        out = np.zeros(x.buyers.size)
        b = x.buyers
        params = self.purchases.params_
        out[b] = conditional_expected_purchases(
            (params["r"], params["alpha"], params["a"], params["b"]),
            days,
            x.frequency[b],
            x.recency[b],
            x.age[b],
        )
        return _finite(out, "BG/NBD's expected purchases")

    def expected_value(self, x: BgNbdInputs) -> np.ndarray:
        """Expected value of an order: the customer's mean shrunk to the population's."""
        out = np.zeros(x.buyers.size)
        b = x.buyers
        out[b] = self.spend.conditional_expected_average_profit(x.frequency[b], x.monetary[b])
        return _finite(out, "Gamma-Gamma's expected order value")

    def predict(self, x: BgNbdInputs, days: float = HORIZON_DAYS) -> np.ndarray:
        """Expected revenue over the next `days`: purchases × value, 0 without a sale."""
        return self.expected_purchases(x, days) * self.expected_value(x)


def conditional_expected_purchases(
    params: tuple[float, float, float, float],
    t: float,
    frequency: np.ndarray,
    recency: np.ndarray,
    age: np.ndarray,
) -> np.ndarray:
    """E[purchases in (T, T + t] | x, t_x, T] (Fader, Hardie & Lee 2005, eq. 10).

    lifetimes 0.11 takes the logarithm of the Gauss hypergeometric term, which is negative when
    a + b + x < 1 (a customer without a repeat sale in a population whose dropout is rare), and
    returns NaN for them. Here the term is used as it is, and only where it overflows (large x)
    through the Euler transform in logarithms, as lifetimes does; otherwise the same formula.
    """
    r, alpha, a, b = params
    x = np.asarray(frequency, dtype=np.float64)
    tx = np.asarray(recency, dtype=np.float64)
    big_t = np.asarray(age, dtype=np.float64)
    _a, _b, _c = r + x, b + x, a + b + x - 1
    z = t / (alpha + big_t + t)
    shrink = (r + x) * np.log((alpha + big_t) / (alpha + t + big_t))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        hyp = hyp2f1(_a, _b, _c, z)
        euler = np.log(hyp2f1(_c - _a, _c - _b, _c, z)) + (_c - _a - _b) * np.log(1 - z)
        product = np.where(np.isfinite(hyp), hyp * np.exp(shrink), np.exp(euler + shrink))
        numerator = (a + b + x - 1) / (a - 1) * (1 - product)
        denominator = 1 + (x > 0) * (a / (b + x - 1)) * ((alpha + big_t) / (alpha + tx)) ** (r + x)
    return numerator / denominator


def fit_bgnbd(
    frequency: np.ndarray, recency: np.ndarray, age: np.ndarray, penalizers=PENALIZERS
) -> BetaGeoFitter:
    """BG/NBD by maximum likelihood, with the first of `penalizers` that converges."""
    data = (np.asarray(frequency), np.asarray(recency, dtype=np.float64), np.asarray(age))
    return _first_fit("BG/NBD", BetaGeoFitter, data, penalizers)


def fit_gamma_gamma(
    frequency: np.ndarray, monetary: np.ndarray, penalizers=PENALIZERS
) -> GammaGammaFitter:
    """Gamma-Gamma by maximum likelihood on repeat customers (frequency > 0, monetary > 0)."""
    data = (np.asarray(frequency), np.asarray(monetary, dtype=np.float64))
    return _first_fit("Gamma-Gamma", GammaGammaFitter, data, penalizers)


def _first_fit(name: str, fitter: type, data: tuple, penalizers: tuple[float, ...]) -> Any:
    failures = []
    for penalizer in penalizers:
        try:
            # lifetimes prints the optimizer's state before it raises ConvergenceError.
            with contextlib.redirect_stdout(io.StringIO()):
                return fitter(penalizer_coef=penalizer).fit(*data)
        except ConvergenceError:
            failures.append(f"{penalizer:g}")
        except ValueError as error:
            raise FitError(f"{name} does not fit: {error}") from error
    raise FitError(f"{name} does not converge with the penalizers {', '.join(failures)}")


def fit(x: BgNbdInputs) -> BgNbdGammaGamma:
    """Both models fitted on the customers of one dataset."""
    b = x.buyers
    if int(b.sum()) < MIN_BUYERS:
        raise FitError(f"BG/NBD needs at least {MIN_BUYERS} customers with a sale, got {b.sum()}")
    repeat = b & (x.frequency > 0) & (x.monetary > 0)
    if int(repeat.sum()) < MIN_REPEAT_BUYERS:
        raise FitError(
            f"Gamma-Gamma needs at least {MIN_REPEAT_BUYERS} repeat customers, got {repeat.sum()}"
        )
    purchases = fit_bgnbd(x.frequency[b], x.recency[b], x.age[b])
    spend = fit_gamma_gamma(x.frequency[repeat], x.monetary[repeat])
    return BgNbdGammaGamma(
        purchases=purchases,
        spend=spend,
        fitted_buyers=int(b.sum()),
        fitted_repeat_buyers=int(repeat.sum()),
        frequency_monetary_correlation=_correlation(x.frequency[repeat], x.monetary[repeat]),
    )


def _correlation(a: np.ndarray, b: np.ndarray) -> float | None:
    """Pearson's r: Gamma-Gamma assumes order value independent of frequency (r near 0)."""
    if a.size < 2 or a.std() == 0 or b.std() == 0:
        return None
    return float(np.corrcoef(a.astype(np.float64), b)[0, 1])


def _finite(values: np.ndarray, what: str) -> np.ndarray:
    bad = int((~np.isfinite(values)).sum())
    if bad:
        raise FitError(f"{what} is not a number for {bad} customer(s)")
    return values
