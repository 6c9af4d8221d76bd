"""The training dataset: one Parquet row per session prefix, as the batch layer writes it.

A prefix is a live session's state after one of its page views, before its first purchase;
`converted` is the outcome of the whole session, repeated on each of its prefixes. The dataset is
checked before anything is trained on it, so that a wrong column type or a session whose rows
disagree stops training with a message naming the column, instead of yielding a model that scores
something else than what serving feeds it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from amato_ml.parquetfile import check_columns, read_checked

COUNT_COLUMNS = ("pages", "depth", "time_on_site_seconds", "cart_adds", "searches")

# Each column with the Arrow type it must have and whether it may hold nulls.
_Check = Callable[[pa.DataType], bool]
COLUMNS: dict[str, tuple[str, _Check, bool]] = {
    "session_id": ("string", lambda t: pa.types.is_string(t) or pa.types.is_large_string(t), False),
    "customer_id": (
        "string",
        lambda t: pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t),
        True,
    ),
    "session_start": ("int64 (epoch milliseconds, UTC)", pa.types.is_int64, False),
    **{name: ("integer", pa.types.is_integer, False) for name in COUNT_COLUMNS},
    "last_page_type": (
        "string",
        lambda t: pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_null(t),
        True,
    ),
    "converted": ("boolean", pa.types.is_boolean, False),
}
_TYPES = {name: (expected, check) for name, (expected, check, _) in COLUMNS.items()}


class DatasetError(ValueError):
    """The dataset cannot be trained on; the message says which file, column or session."""


def load_dataset(path: str | Path) -> pd.DataFrame:
    """Reads and checks a prefix dataset; raises DatasetError naming what is wrong."""
    return from_table(read_checked(path, _TYPES, DatasetError), str(path))


def from_table(table: pa.Table, source: str = "dataset") -> pd.DataFrame:
    """The checked rows as a DataFrame: counts as int64, page types and customers as str or None."""
    check_columns(table.schema, source, _TYPES, DatasetError)
    if table.num_rows == 0:
        raise DatasetError(f"{source}: no rows")
    for name, (_, _, nullable) in COLUMNS.items():
        nulls = table.column(name).null_count
        if nulls and not nullable:
            raise DatasetError(f"{source}: column {name} has {nulls} null value(s)")
    frame = pd.DataFrame(
        {
            "session_id": _objects(table, "session_id"),
            "customer_id": _objects(table, "customer_id"),
            "session_start": table.column("session_start").to_numpy().astype(np.int64),
            **{name: table.column(name).to_numpy().astype(np.int64) for name in COUNT_COLUMNS},
            "last_page_type": _objects(table, "last_page_type"),
            "converted": table.column("converted").to_numpy(zero_copy_only=False).astype(bool),
        }
    )
    check_rows(frame, source)
    return frame


def _objects(table: pa.Table, name: str) -> pd.Series:
    """A string column as Python str and None: pandas' own string dtype would turn None to NaN."""
    return pd.Series(table.column(name).to_pylist(), dtype=object)


def check_rows(frame: pd.DataFrame, source: str) -> None:
    """Counts are never negative, and a session's rows agree on its start and its outcome."""
    for name in COUNT_COLUMNS:
        negative = int((frame[name] < 0).sum())
        if negative:
            raise DatasetError(f"{source}: column {name} has {negative} negative value(s)")
    per_session = frame.groupby("session_id", sort=False).agg(
        starts=("session_start", "nunique"), outcomes=("converted", "nunique")
    )
    for column, what in (("starts", "session_start"), ("outcomes", "converted")):
        disagreeing = per_session.index[per_session[column] > 1]
        if len(disagreeing):
            raise DatasetError(
                f"{source}: {len(disagreeing)} session(s) have rows with different {what}, "
                f"e.g. {disagreeing[0]}"
            )
