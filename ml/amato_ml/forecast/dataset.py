"""The forecast dataset: one Parquet row per day, history first, then the days to forecast.

History rows carry the day's revenue and orders; the future rows that follow carry only the
campaign spend already planned for them. Everything is checked before a model is fitted, so a
gap in the days or a negative revenue stops training with a message naming the column and the
row, instead of a forecast silently shifted by a day or fitted to impossible sales.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from amato_ml.parquetfile import check_columns, read_checked

MIN_HISTORY_DAYS = 120

_Check = Callable[[pa.DataType], bool]
# Each column with the type it must have, as named in messages, and the test of its Arrow type.
COLUMNS: dict[str, tuple[str, _Check]] = {
    "day": ("string 'YYYY-MM-DD'", lambda t: pa.types.is_string(t) or pa.types.is_large_string(t)),
    "revenue": ("double", pa.types.is_floating),
    "orders": ("int64", pa.types.is_integer),
    "planned_spend": ("double", pa.types.is_floating),
}


class DatasetError(ValueError):
    """The dataset cannot be forecast from; the message names the file, column and row."""


@dataclass(frozen=True)
class DailyRevenue:
    """The checked rows: every day, the revenue of the history days, the spend of every day."""

    days: np.ndarray  # datetime64[D], consecutive and ascending, history then future
    revenue: np.ndarray  # float64, one per history day
    planned_spend: np.ndarray  # float64, one per day (history and future)
    orders: np.ndarray | None = None  # float64, one per history day; None when not all known

    @property
    def history_days(self) -> int:
        return int(self.revenue.size)

    @property
    def future_days(self) -> int:
        return int(self.days.size - self.revenue.size)


def load_dataset(path: str | Path) -> DailyRevenue:
    """Reads and checks a forecast dataset; raises DatasetError naming what is wrong."""
    return from_table(read_checked(path, COLUMNS, DatasetError), str(path))


def from_table(table: pa.Table, source: str = "dataset") -> DailyRevenue:
    """The checked rows of a table with the dataset's columns."""
    check_columns(table.schema, source, COLUMNS, DatasetError)
    if table.num_rows == 0:
        raise DatasetError(f"{source}: no rows")
    days = _days(table.column("day"), source)
    column = table.column("revenue")
    future = column.is_null().to_numpy(zero_copy_only=False)
    history = _history_rows(future, days, source)
    revenue = column.to_numpy(zero_copy_only=False).astype(np.float64)[:history]
    _check_values(revenue, "revenue", days, source)
    spend = table.column("planned_spend").to_numpy(zero_copy_only=False).astype(np.float64)
    _check_values(spend, "planned_spend", days, source)
    column = table.column("orders")
    negative = pc.sum(pc.less(column, 0)).as_py() or 0
    if negative:
        raise DatasetError(f"{source}: column orders has {negative} negative value(s)")
    if history < MIN_HISTORY_DAYS:
        raise DatasetError(
            f"{source}: {history} history day(s) with revenue, at least {MIN_HISTORY_DAYS} "
            "are needed to fit and backtest the forecast"
        )
    # Orders only size the revenue of one order (the target's offset) and the day-to-day noise
    # to expect; a history with some of them missing is still forecast, without them.
    orders = column.slice(0, history)
    counts = None if orders.null_count else orders.to_numpy().astype(np.float64)
    return DailyRevenue(days=days, revenue=revenue, planned_spend=spend, orders=counts)


def _row(index: int, days: np.ndarray | None = None) -> str:
    """A row as messages name it: 1-based, with its day when known."""
    return f"row {index + 1}" + ("" if days is None else f" (day {days[index]})")


def _days(column: pa.ChunkedArray, source: str) -> np.ndarray:
    """The day column as datetime64[D], refusing nulls, other formats, gaps and disorder."""
    if column.null_count:
        first = int(np.flatnonzero(column.is_null().to_numpy(zero_copy_only=False))[0])
        raise DatasetError(
            f"{source}: column day has {column.null_count} null value(s), first at {_row(first)}"
        )
    texts = column.to_pylist()
    pattern = pc.match_substring_regex(column, r"^\d{4}-\d{2}-\d{2}$").to_numpy(
        zero_copy_only=False
    )
    parsed = pc.strptime(column, format="%Y-%m-%d", unit="s", error_is_null=True)
    valid = pattern & ~parsed.is_null().to_numpy(zero_copy_only=False)
    if not valid.all():
        first = int(np.flatnonzero(~valid)[0])
        raise DatasetError(
            f"{source}: column day at {_row(first)} is {texts[first]!r}, expected 'YYYY-MM-DD'"
        )
    days = np.array(texts, dtype="datetime64[D]")
    steps = np.diff(days).astype(np.int64)
    # Disorder first: a swap of two days also leaves a gap of one, which would hide it.
    for bad, problem in ((steps < 1, "not ascending"), (steps > 1, "a gap")):
        if bad.any():
            at = int(np.flatnonzero(bad)[0]) + 1
            detail = f"{problem} of {steps[at - 1] - 1} day(s)" if problem == "a gap" else problem
            raise DatasetError(
                f"{source}: column day must be consecutive ascending days; {_row(at, days)} "
                f"follows {days[at - 1]}: {detail}"
            )
    return days


def _history_rows(future: np.ndarray, days: np.ndarray, source: str) -> int:
    """How many rows are history: those before the first null revenue, which must all be
    followed by null revenue too, since a future row before a history row would make the
    forecast start in the middle of the sales it is meant to extend."""
    if not future.any():
        return int(future.size)
    first = int(np.flatnonzero(future)[0])
    later = np.flatnonzero(~future[first:])
    if later.size:
        at = first + int(later[0])
        raise DatasetError(
            f"{source}: column revenue is null at {_row(first, days)} but set at "
            f"{_row(at, days)}: future rows (null revenue) must come after every history row"
        )
    return first


def _check_values(values: np.ndarray, name: str, days: np.ndarray, source: str) -> None:
    """No null, non-finite or negative value in the column's rows that must hold one."""
    unusable = ~np.isfinite(values)
    if unusable.any():
        first = int(np.flatnonzero(unusable)[0])
        raise DatasetError(
            f"{source}: column {name} has {int(unusable.sum())} null or non-finite value(s), "
            f"first at {_row(first, days)}"
        )
    negative = values < 0
    if negative.any():
        first = int(np.flatnonzero(negative)[0])
        raise DatasetError(
            f"{source}: column {name} has {int(negative.sum())} negative value(s), first at "
            f"{_row(first, days)}: {values[first]}"
        )
