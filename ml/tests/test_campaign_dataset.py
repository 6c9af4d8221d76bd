import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from amato_ml.campaign import synthetic
from amato_ml.campaign.dataset import DatasetError, from_frame, load_dataset


def frame(**changes: object) -> pd.DataFrame:
    days = synthetic.campaign_days(campaigns=12, seed=3)
    for column, value in changes.items():
        days.loc[0, column] = value
    return days


def test_reads_a_file_in_day_order_with_one_row_of_parameters_per_campaign(tmp_path):
    days = synthetic.campaign_days(campaigns=12, seed=3).sample(frac=1, random_state=1)
    path = tmp_path / "campaign_days.parquet"
    pq.write_table(pa.Table.from_pandas(days, preserve_index=False), path)
    data = load_dataset(path)
    assert data.days["day"].is_monotonic_increasing
    assert len(data.campaigns) == 12
    assert set(data.campaigns.columns) >= {"channel", "audience", "duration_days", "budget"}


def test_names_a_missing_file_and_a_missing_column(tmp_path):
    with pytest.raises(DatasetError, match="no such file"):
        load_dataset(tmp_path / "none.parquet")
    path = tmp_path / "d.parquet"
    days = synthetic.campaign_days(campaigns=12).drop(columns=["spend", "audience"])
    pq.write_table(pa.Table.from_pandas(days, preserve_index=False), path)
    with pytest.raises(DatasetError, match="missing column\\(s\\) audience, spend"):
        load_dataset(path)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("spend", -1.0, "column spend is negative in row 1"),
        ("revenue", float("nan"), "column revenue is empty in row 1"),
        ("daily_budget", 0.0, "column daily_budget must be positive, row 1"),
        ("conversions", -2, "column conversions is negative in row 1"),
        ("day", "2025-13-01", "column day"),
    ],
)
def test_refuses_impossible_values_naming_column_and_row(column, value, message):
    with pytest.raises(DatasetError, match=message):
        from_frame(frame(**{column: value}))


def test_refuses_a_campaign_whose_parameters_change_between_days():
    days = synthetic.campaign_days(campaigns=12)
    days.loc[0, "channel"] = "video"
    with pytest.raises(DatasetError, match="channel differ between the days of one campaign"):
        from_frame(days)


def test_refuses_a_day_reported_twice_and_too_few_campaigns():
    days = synthetic.campaign_days(campaigns=12)
    with pytest.raises(DatasetError, match="has day .* twice"):
        from_frame(pd.concat([days, days.iloc[[0]]], ignore_index=True))
    with pytest.raises(DatasetError, match="3 campaign\\(s\\) with .* at least 8 campaigns"):
        from_frame(synthetic.campaign_days(campaigns=3))
