"""The regressors of the forecast: what is known about a day before it happens.

Revenue is modelled on the log scale, log(revenue + one order's revenue), so weekday, season
and campaign effects act as percentages of the day's level, which is how they behave as the
customer base grows, and a day without a sale sits one order below a day with one instead of at
the bottom of a cliff (log1p would put it some 5 log units below a day with a single order).

A design's columns, each optional but the weekdays: an intercept, a linear trend in years since
the first day fitted (with a local level, the drift), six weekday dummies (Monday is the base),
eleven month-of-year dummies (January is the base), K sine/cosine pairs of the day of the year,
and the day's planned spend.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DAYS_PER_YEAR = 365.25
WEEKDAYS = ("tue", "wed", "thu", "fri", "sat", "sun")
MONTHS = ("feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday; Monday is 0
EXPECTED_ORDERS_WINDOW = 28  # days averaged into the expected orders of a day


@dataclass(frozen=True)
class Design:
    """How a day becomes a row of regressors; the same for the fit and its forecast."""

    start: np.datetime64  # the first day fitted: the trend is 0 there
    fourier: int
    spend_scale: float | None  # None: planned_spend is not a regressor
    months: bool = False
    trend: bool = True
    intercept: bool = True

    def names(self) -> list[str]:
        yearly = [f"yearly_{f}{k}" for k in range(1, self.fourier + 1) for f in ("sin", "cos")]
        return [
            *(["const"] if self.intercept else []),
            *(["trend"] if self.trend else []),
            *(f"weekday_{day}" for day in WEEKDAYS),
            *((f"month_{month}" for month in MONTHS) if self.months else ()),
            *yearly,
            *([] if self.spend_scale is None else ["planned_spend"]),
        ]

    def matrix(self, days: np.ndarray, spend: np.ndarray) -> np.ndarray:
        """(days, regressors) in float64, in the order of names()."""
        ordinal = days.astype("datetime64[D]").astype(np.int64)
        weekday = (ordinal + EPOCH_WEEKDAY) % 7
        columns = []
        if self.intercept:
            columns.append(np.ones(days.size))
        if self.trend:
            columns.append((days - self.start).astype(np.int64) / DAYS_PER_YEAR)
        columns += [(weekday == k).astype(np.float64) for k in range(1, 7)]
        if self.months:
            month = days.astype("datetime64[M]").astype(np.int64) % 12
            columns += [(month == k).astype(np.float64) for k in range(1, 12)]
        angle = 2 * np.pi * day_of_year(days) / DAYS_PER_YEAR
        for k in range(1, self.fourier + 1):
            columns += [np.sin(k * angle), np.cos(k * angle)]
        if self.spend_scale is not None:
            columns.append(spend_regressor(spend, self.spend_scale))
        return np.column_stack(columns)


def day_of_year(days: np.ndarray) -> np.ndarray:
    """1 for January 1st, up to 366 in a leap year."""
    days = days.astype("datetime64[D]")
    return (days - days.astype("datetime64[Y]")).astype(np.int64) + 1


def spend_scale(spend: np.ndarray) -> float | None:
    """The mean spend of the days a campaign ran, or None when the spend never changes over
    these days (no campaign at all, or one budget every day): the spend column would then be
    constant, indistinguishable from the intercept, and its effect could not be learnt."""
    if spend.size == 0 or spend.max() == spend.min():
        return None
    return float(spend[spend > 0].mean())


def spend_regressor(spend: np.ndarray, scale: float) -> np.ndarray:
    """log1p(spend / scale): each doubling of spend adds about the same share of revenue, so a
    planned budget far above anything in the history cannot multiply the forecast without
    bound, as a linear term on the log scale would."""
    return np.log1p(spend / scale)


def order_value(revenue: np.ndarray, orders: np.ndarray | None) -> float:
    """The revenue of one average order, the offset of the target log(revenue + offset); 1
    (log1p) when the orders are not known or there were none."""
    if orders is None or orders.sum() <= 0 or revenue.sum() <= 0:
        return 1.0
    return float(revenue.sum() / orders.sum())


def expected_orders(revenue: np.ndarray, offset: float) -> np.ndarray:
    """Each day's orders as the level around it would have them: the revenue of the 28 days
    centred on it (fewer at the ends) in orders of `offset`. It sets how noisy a day is
    expected to be: a day of 3 orders swings far more, in percent, than a day of 300."""
    window = EXPECTED_ORDERS_WINDOW
    sums = np.concatenate([[0.0], np.cumsum(revenue)])
    index = np.arange(revenue.size)
    first = np.maximum(index - window // 2, 0)
    last = np.minimum(index + window // 2, revenue.size)
    return (sums[last] - sums[first]) / (last - first) / offset


def month_number(days: np.ndarray) -> np.ndarray:
    """Months since 1970-01, so that month m - 12 is the same month a year earlier."""
    return days.astype("datetime64[M]").astype(np.int64)


def first_year_ago_day(days: np.ndarray) -> int | None:
    """The index of the first day whose month a year earlier is entirely in `days` (so that
    month's mean is not that of a few days), or None when there is no such day."""
    months = month_number(days)
    first_full = months[0] if str(days[0]).endswith("-01") else months[0] + 1
    later = np.flatnonzero(months >= first_full + 12)
    return int(later[0]) if later.size else None


def year_ago_profile(
    history_days: np.ndarray, revenue: np.ndarray, days: np.ndarray, offset: float
) -> np.ndarray | None:
    """log(mean daily revenue of the same calendar month a year earlier + offset) for each
    of `days`: last year's seasonal shape and growth from month to month, as a step at each
    month's first day. None when a month a year before one of the days is not in the history."""
    months = month_number(history_days)
    wanted = month_number(days) - 12
    present = np.unique(months)
    if not np.isin(wanted, present).all():
        return None
    means = {m: float(revenue[months == m].mean()) for m in np.unique(wanted)}
    return np.log(np.array([means[m] for m in wanted]) + offset)
