"""The campaign dataset: one Parquet row per campaign and reported day, with the campaign's
parameters (channel, campaign type, audience, duration, budget) beside the day's figures.

Everything is checked before a model is fitted, so a negative spend or a campaign whose
parameters change from one day to the next stops training with a message naming the column
and the row, instead of a response curve fitted to impossible numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from amato_ml.parquetfile import check_columns, read_checked

MIN_CAMPAIGNS = 8
MIN_DAYS = 40

_Check = Callable[[pa.DataType], bool]


def _is_string(t: pa.DataType) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


COLUMNS: dict[str, tuple[str, _Check]] = {
    "campaign_id": ("string", _is_string),
    "channel": ("string", _is_string),
    "campaign_type": ("string", _is_string),
    "audience": ("string", _is_string),
    "start_date": ("string 'YYYY-MM-DD'", _is_string),
    "duration_days": ("integer", pa.types.is_integer),
    "budget": ("double", pa.types.is_floating),
    "daily_budget": ("double", pa.types.is_floating),
    "day": ("string 'YYYY-MM-DD'", _is_string),
    "day_index": ("integer", pa.types.is_integer),
    "conversions": ("integer", pa.types.is_integer),
    "spend": ("double", pa.types.is_floating),
    "revenue": ("double", pa.types.is_floating),
}
# What must not change between the days of one campaign.
PARAMETERS = ("channel", "campaign_type", "audience", "start_date", "duration_days", "budget")
NON_NEGATIVE = ("conversions", "spend", "revenue", "day_index")


class DatasetError(ValueError):
    """The dataset cannot be trained on; the message names the file, column and row."""


class TooFewCampaigns(DatasetError):
    """A valid dataset of too few campaigns or days to fit and backtest on."""


@dataclass(frozen=True)
class CampaignDays:
    """The checked rows, in day order; `campaigns` holds one row of parameters per campaign."""

    days: pd.DataFrame
    campaigns: pd.DataFrame

    @property
    def last_day(self) -> np.datetime64:
        return np.datetime64(self.days["day"].max(), "D")


def load_dataset(path: str | Path) -> CampaignDays:
    """Reads and checks a campaign dataset; raises DatasetError naming what is wrong."""
    return from_table(read_checked(path, COLUMNS, DatasetError), str(path))


def from_table(table: pa.Table, source: str = "dataset") -> CampaignDays:
    check_columns(table.schema, source, COLUMNS, DatasetError)
    frame = table.select(list(COLUMNS)).to_pandas()
    return from_frame(frame, source)


def _checked_values(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Every value present and possible; the dates parsed."""
    for name in COLUMNS:
        nulls = np.flatnonzero(frame[name].isna().to_numpy())
        if nulls.size:
            raise DatasetError(f"{source}: column {name} is empty in row {nulls[0] + 1}")
    for name in ("start_date", "day"):
        try:
            parsed = pd.to_datetime(frame[name], format="%Y-%m-%d")
        except ValueError as failure:
            raise DatasetError(f"{source}: column {name}: {failure}") from None
        frame = frame.assign(**{name: parsed})
    for name in ("spend", "revenue", "budget", "daily_budget"):
        values = frame[name].to_numpy(np.float64)
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise DatasetError(f"{source}: column {name} is not finite in row {bad[0] + 1}")
    for name in NON_NEGATIVE:
        bad = np.flatnonzero(frame[name].to_numpy(np.float64) < 0)
        if bad.size:
            raise DatasetError(
                f"{source}: column {name} is negative in row {bad[0] + 1} "
                f"({frame[name].iloc[bad[0]]})"
            )
    for name in ("duration_days", "budget", "daily_budget"):
        bad = np.flatnonzero(frame[name].to_numpy(np.float64) <= 0)
        if bad.size:
            raise DatasetError(
                f"{source}: column {name} must be positive, row {bad[0] + 1} has "
                f"{frame[name].iloc[bad[0]]}"
            )
    return frame


def from_frame(frame: pd.DataFrame, source: str = "dataset") -> CampaignDays:
    """The checked rows of a frame with the dataset's columns."""
    frame = _checked_values(frame, source)
    varying = frame.groupby("campaign_id")[list(PARAMETERS)].nunique().max()
    changed = [name for name in PARAMETERS if varying[name] > 1]
    if changed:
        raise DatasetError(
            f"{source}: campaign parameter(s) {', '.join(changed)} differ between the days of "
            "one campaign"
        )
    duplicated = frame.duplicated(["campaign_id", "day"])
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise DatasetError(
            f"{source}: campaign {frame['campaign_id'].iloc[row]} has day "
            f"{frame['day'].iloc[row]:%Y-%m-%d} twice (row {row + 1})"
        )
    frame = frame.sort_values(["day", "campaign_id"], kind="stable").reset_index(drop=True)
    campaigns = frame.groupby("campaign_id", sort=True)[list(PARAMETERS)].first()
    if len(campaigns) < MIN_CAMPAIGNS or len(frame) < MIN_DAYS:
        raise TooFewCampaigns(
            f"{source}: {len(campaigns)} campaign(s) with {len(frame)} reported day(s); at least "
            f"{MIN_CAMPAIGNS} campaigns and {MIN_DAYS} days are needed to fit and backtest"
        )
    return CampaignDays(days=frame, campaigns=campaigns)
