"""The training dataset as of one cutoff: one Parquet row per customer, from `./amato batch`.

The batch writes it as `training_dataset_<cutoff>.parquet`, the cutoff in the file name (with
`:` and `.` made `-`: libs/batch/src/parquet-export.ts) and nowhere in the file, so the cutoff
is read from the name. Only the columns the models use are read, each checked before anything
is fitted: the online features (no nulls: serving refuses a vector with a hole), the customer's
age in days since the first sale (null exactly for the customers without a sale) and the label,
the sales revenue of the 90 days after the cutoff.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from amato_ml.customer_revenue.features import ONLINE_FEATURES
from amato_ml.parquetfile import check_columns, read_checked

ID = "customer_id"
AGE = "days_since_first_order"
LABEL = "label_revenue_next_90d"
HORIZON_DAYS = 90
FILE_PREFIX = "training_dataset_"

_Check = Callable[[pa.DataType], bool]
_string: tuple[str, _Check] = (
    "string",
    lambda t: pa.types.is_string(t) or pa.types.is_large_string(t),
)
_double: tuple[str, _Check] = ("double", pa.types.is_floating)
COLUMNS: dict[str, tuple[str, _Check]] = {
    ID: _string,
    **{name: _double for name in ONLINE_FEATURES},
    AGE: _double,
    LABEL: _double,
}

# The cutoff as datasetFile writes it: 2026-06-04T00:00:00.000Z as 2026-06-04T00-00-00-000Z.
_CUTOFF = re.compile(r"_(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.parquet$")


class DatasetError(ValueError):
    """A dataset the models cannot use; the message names the file and the column."""


class HoldoutError(ValueError):
    """The evaluation dataset's labels overlap the training dataset's: no honest holdout."""


@dataclass(frozen=True)
class CustomerDataset:
    """The checked rows of one file and its cutoff."""

    source: str
    cutoff: datetime
    frame: pd.DataFrame  # ID, ONLINE_FEATURES, AGE (NaN without a sale), LABEL; file order

    @property
    def customers(self) -> int:
        return len(self.frame)

    @property
    def label(self) -> np.ndarray:
        return self.frame[LABEL].to_numpy(dtype=np.float64)


def iso(moment: datetime) -> str:
    """A UTC time as the batch names cutoffs: ISO 8601 to the millisecond, with Z."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def cutoff_of(path: str | Path) -> datetime:
    """The cutoff a training dataset's file name carries, as an aware UTC time."""
    name = Path(path).name
    found = _CUTOFF.search(name)
    if found is None:
        raise DatasetError(
            f"{path}: the file name carries no cutoff; ./amato batch names its datasets "
            f"{FILE_PREFIX}<cutoff>.parquet, e.g. {FILE_PREFIX}2026-06-04T00-00-00-000Z.parquet"
        )
    day, hours, minutes, seconds, millis = found.groups()
    try:
        return datetime.fromisoformat(f"{day}T{hours}:{minutes}:{seconds}.{millis}+00:00")
    except ValueError as error:
        raise DatasetError(f"{path}: the cutoff in the file name is no time ({error})") from None


def file_name(cutoff: datetime) -> str:
    """The name ./amato batch gives the dataset of `cutoff` (datasetFile)."""
    return f"{FILE_PREFIX}{iso(cutoff).replace(':', '-').replace('.', '-')}.parquet"


def load_dataset(path: str | Path) -> CustomerDataset:
    """Reads and checks a training dataset; raises DatasetError naming what is wrong."""
    if not Path(path).is_file():
        raise DatasetError(f"{path}: no such file")
    cutoff = cutoff_of(path)
    try:
        table = read_checked(path, COLUMNS, DatasetError)
    except DatasetError as error:
        if AGE in str(error) and "missing" in str(error):
            raise DatasetError(
                f"{error} (a dataset written before the batch exported {AGE}: rerun ./amato batch "
                "for this cutoff)"
            ) from None
        raise
    return CustomerDataset(source=str(path), cutoff=cutoff, frame=from_table(table, str(path)))


def from_table(table: pa.Table, source: str = "dataset") -> pd.DataFrame:
    """The checked rows of a table with the dataset's columns."""
    check_columns(table.schema, source, COLUMNS, DatasetError)
    if table.num_rows == 0:
        raise DatasetError(f"{source}: no rows")
    frame = pd.DataFrame(
        {
            ID: pd.Series(table.column(ID).to_pylist(), dtype=object),
            **{
                name: table.column(name).to_numpy(zero_copy_only=False).astype(np.float64)
                for name in (*ONLINE_FEATURES, AGE, LABEL)
            },
        }
    )
    check_rows(frame, source)
    return frame


def check_rows(frame: pd.DataFrame, source: str) -> None:
    """No hole in a feature or the label; the age is there exactly for the customers who bought."""
    if frame[ID].isna().any():
        raise DatasetError(f"{source}: column {ID} has {int(frame[ID].isna().sum())} null(s)")
    problems = [
        f"{name} ({bad} null or non-finite)"
        for name in (*ONLINE_FEATURES, LABEL)
        if (bad := int((~np.isfinite(frame[name].to_numpy())).sum()))
    ]
    if problems:
        raise DatasetError(f"{source}: unusable values in {', '.join(problems)}")
    negative = int((frame[LABEL] < 0).sum())
    if negative:
        raise DatasetError(f"{source}: column {LABEL} has {negative} negative value(s)")
    bought = frame["frequency"].to_numpy() > 0
    age = frame[AGE].to_numpy()
    known = np.isfinite(age)
    for rows, what in (
        (bought & ~known, "null for a customer with a sale"),
        (~bought & known, "set for a customer without a sale"),
        (known & (age < 0), "negative"),
    ):
        if rows.any():
            first = frame[ID].iloc[int(np.flatnonzero(rows)[0])]
            raise DatasetError(
                f"{source}: column {AGE} is {what} in {int(rows.sum())} row(s), e.g. {first}"
            )


def check_holdout(train: CustomerDataset, evaluation: CustomerDataset) -> None:
    """The evaluation cutoff is at least HORIZON_DAYS after the training cutoff.

    The training labels are the sales of the HORIZON_DAYS after the training cutoff; scoring on
    labels that start before they end would grade the models on sales they were fitted to.
    """
    end = train.cutoff + timedelta(days=HORIZON_DAYS)
    if evaluation.cutoff < end:
        gap = (evaluation.cutoff - train.cutoff) / timedelta(days=1)
        raise HoldoutError(
            f"--train {train.source} has cutoff {iso(train.cutoff)} and --eval "
            f"{evaluation.source} cutoff {iso(evaluation.cutoff)}, {gap:g} day(s) later: the "
            f"evaluation cutoff must be at least {HORIZON_DAYS} days after the training one "
            f"(on or after {iso(end)}), so that the training labels (sales up to {iso(end)}) "
            "end before the evaluation labels start"
        )


def check_labels(data: CustomerDataset, role: str) -> None:
    """Some revenue to learn from or to grade on: an all-zero label is a cutoff too recent."""
    if not (data.label > 0).any():
        raise DatasetError(
            f"{data.source}: every {LABEL} is 0, so the {role} set has no sale in the "
            f"{HORIZON_DAYS} days after its cutoff {iso(data.cutoff)}; the data probably ends "
            f"before {iso(data.cutoff + timedelta(days=HORIZON_DAYS))}: pick an earlier cutoff"
        )
