"""Synthetic daily datasets for the forecast tests, then the future rows with only their planned
spend. The same arguments give the same table.

`daily_table`: two years of sales with weekly seasonality, a smooth Nov/Dec bump, a summer dip,
steady growth and campaigns, with lognormal day-to-day noise: the world of a global regression.

`growing_table`: shaped like the product's data generator (libs/generator): a young shop whose
customer base grows fivefold a year from about one order a day, the generator's weekday and
month weights (a sharp step up on November 1st and December 1st, down on January 1st), orders
counted day by day (Poisson) at lognormal order values, and campaigns that bring extra orders.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from amato_ml.forecast.dataset import DailyRevenue, from_table

SCHEMA = pa.schema(
    [
        pa.field("day", pa.string()),
        pa.field("revenue", pa.float64()),
        pa.field("orders", pa.int64()),
        pa.field("planned_spend", pa.float64()),
    ]
)
START = np.datetime64("2024-01-01")  # a Monday
WEEKDAY_EFFECT = np.array([0.0, -0.04, -0.02, 0.03, 0.10, 0.22, 0.15])  # Monday first
AVERAGE_ORDER = 55.0


def _bump(day_of_year: np.ndarray, centre: float, width: float) -> np.ndarray:
    """A Gaussian bump on the circle of the year, so a December peak spills into January."""
    distance = np.abs(day_of_year - centre)
    distance = np.minimum(distance, 365.25 - distance)
    return np.exp(-0.5 * (distance / width) ** 2)


def campaigns(rng: np.random.Generator, days: int) -> np.ndarray:
    """Daily planned spend: campaigns of 1–3 weeks every 3–7 weeks, each budget spread evenly
    over its days; 0 between them."""
    spend = np.zeros(days)
    day = int(rng.integers(3, 20))
    while day < days:
        length = int(rng.integers(7, 22))
        budget = float(rng.uniform(2_000, 12_000))
        spend[day : day + length] = round(budget / length, 2)
        day += length + int(rng.integers(14, 35))
    return spend


def daily_table(
    history: int = 730,
    future: int = 90,
    generator: int = 11,
    spend_effect: float = 0.25,
    noise: float = 0.06,
) -> pa.Table:
    """`history` days of sales from START, then `future` days with revenue and orders null."""
    rng = np.random.default_rng(generator)
    total = history + future
    days = START + np.arange(total)
    doy = (days - days.astype("datetime64[Y]")).astype(np.int64) + 1
    years = np.arange(total) / 365.25
    spend = campaigns(rng, total)
    errors = np.zeros(total)
    shocks = rng.normal(0.0, noise, total)
    for k in range(1, total):
        errors[k] = 0.5 * errors[k - 1] + shocks[k]
    level = (
        np.log(6_000)
        + 0.26 * years
        + WEEKDAY_EFFECT[np.arange(total) % 7]
        + 0.45 * _bump(doy, 345, 22)
        - 0.18 * _bump(doy, 215, 28)
        + spend_effect * np.log1p(spend / 400)
        + errors
    )
    revenue = np.round(np.expm1(level), 2)
    orders = np.round(revenue / AVERAGE_ORDER * rng.uniform(0.9, 1.1, total)).astype(np.int64)
    sold = np.arange(total) < history
    return pa.table(
        {
            "day": [str(day) for day in days],
            "revenue": pa.array(np.where(sold, revenue, np.nan), mask=~sold),
            "orders": pa.array(orders, mask=~sold),
            "planned_spend": spend,
        },
        schema=SCHEMA,
    )


GENERATOR_WEEKDAY = np.array([1.1, 1.0, 0.98, 1.0, 0.92, 0.85, 1.15])  # Monday first
GENERATOR_MONTH = np.array([0.9, 0.8, 0.9, 0.92, 0.95, 0.9, 0.85, 0.88, 0.95, 1.0, 1.45, 1.65])
GROWING_START = np.datetime64("2024-01-06")


def growing_table(
    history: int = 726,
    *,
    future: int = 90,
    generator: int = 7,
    first_orders: float = 1.0,
    yearly_growth: float = 5.0,
    campaign_lift: float = 0.3,
) -> pa.Table:
    """`history` days from GROWING_START (ending 2025-12-31 by default), then `future` days."""
    rng = np.random.default_rng(generator)
    total = history + future
    days = GROWING_START + np.arange(total)
    weekday = (days.astype(np.int64) + 3) % 7
    month = days.astype("datetime64[M]").astype(np.int64) % 12
    spend = campaigns(rng, total) * 0.5
    lift = 1 + campaign_lift * np.log1p(spend / 1_000)
    expected = (
        first_orders
        * yearly_growth ** (np.arange(total) / 365)
        * GENERATOR_WEEKDAY[weekday]
        * GENERATOR_MONTH[month]
        * lift
    )
    orders = rng.poisson(expected)
    values = rng.lognormal(np.log(200), 0.6, int(orders.sum()))
    ends = np.cumsum(orders)
    sums = np.concatenate([[0.0], np.cumsum(values)])
    revenue = np.round(sums[ends] - sums[ends - orders], 2)
    sold = np.arange(total) < history
    return pa.table(
        {
            "day": [str(day) for day in days],
            "revenue": pa.array(np.where(sold, revenue, np.nan), mask=~sold),
            "orders": pa.array(orders.astype(np.int64), mask=~sold),
            "planned_spend": spend,
        },
        schema=SCHEMA,
    )


def growing(**options: object) -> DailyRevenue:
    return from_table(growing_table(**options), "growing")  # type: ignore[arg-type]


def daily(**options: object) -> DailyRevenue:
    return from_table(daily_table(**options), "synthetic")  # type: ignore[arg-type]


def write(path: Path, table: pa.Table) -> Path:
    pq.write_table(table, path)
    return path


def replaced(table: pa.Table, name: str, values: list[object], kind: pa.DataType | None = None):
    """The table with one column's values replaced (and its type, when given)."""
    index = table.schema.get_field_index(name)
    field = table.schema.field(name)
    return table.set_column(index, field.name, pa.array(values, type=kind or field.type))
