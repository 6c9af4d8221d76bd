from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_customer_revenue_factories import CUTOFF, customer, dataset, never_bought, written

from amato_ml.customer_revenue.dataset import (
    AGE,
    LABEL,
    DatasetError,
    HoldoutError,
    check_holdout,
    check_labels,
    cutoff_of,
    file_name,
    iso,
    load_dataset,
)
from amato_ml.customer_revenue.features import ONLINE_FEATURES

DOCS = Path(__file__).parents[2] / "docs/training-dataset.md"


def test_the_cutoff_is_read_from_the_name_the_batch_gives_the_file():
    assert cutoff_of("datasets/training_dataset_2026-12-01T15-32-22-037Z.parquet") == datetime(
        2026, 12, 1, 15, 32, 22, 37_000, tzinfo=UTC
    )
    assert file_name(CUTOFF) == "training_dataset_2026-06-04T00-00-00-000Z.parquet"
    assert cutoff_of(file_name(CUTOFF)) == CUTOFF
    assert iso(CUTOFF) == "2026-06-04T00:00:00.000Z"


@pytest.mark.parametrize(
    "name", ["dataset.parquet", "training_dataset_2026-06-04.parquet", "training_dataset_x.csv"]
)
def test_a_file_name_without_a_cutoff_is_a_clear_error(name):
    with pytest.raises(DatasetError, match="the file name carries no cutoff"):
        cutoff_of(name)


def test_an_impossible_cutoff_in_the_name_is_a_clear_error():
    with pytest.raises(DatasetError, match="the cutoff in the file name is no time"):
        cutoff_of("training_dataset_2026-13-01T00-00-00-000Z.parquet")


def test_the_features_are_the_online_columns_of_the_data_dictionary_in_order():
    rows = [line.split("|") for line in DOCS.read_text().splitlines() if line.startswith("| `")]
    features = [cells[1].strip().strip("`") for cells in rows if cells[3].strip() == "feature"]
    assert list(ONLINE_FEATURES) == features
    assert AGE not in ONLINE_FEATURES
    assert any(cells[1].strip() == f"`{AGE}`" for cells in rows)


def test_a_file_reads_back_as_written(tmp_path):
    path = written(tmp_path, [customer("C1", **{LABEL: 12.5}), never_bought("C2")])
    data = load_dataset(path)
    assert data.cutoff == CUTOFF
    assert data.customers == 2
    assert list(data.frame["customer_id"]) == ["C1", "C2"]
    assert data.label.tolist() == [12.5, 0.0]


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(DatasetError, match="no such file"):
        load_dataset(tmp_path / file_name(CUTOFF))


def test_missing_columns_are_named_and_an_old_dataset_is_told_to_rerun_the_batch(tmp_path):
    path = written(tmp_path, [customer()], drop=[AGE, "windows.revenue_90d"])
    with pytest.raises(DatasetError) as error:
        load_dataset(path)
    assert "missing column(s) windows.revenue_90d, days_since_first_order" in str(error.value)
    assert "rerun ./amato batch" in str(error.value)


def test_a_null_feature_is_refused_by_name(tmp_path):
    path = written(tmp_path, [customer(churn_risk=None), customer("C2")])
    with pytest.raises(DatasetError, match=r"unusable values in churn_risk \(1 null"):
        load_dataset(path)


def test_a_negative_label_is_refused():
    with pytest.raises(DatasetError, match="label_revenue_next_90d has 1 negative"):
        dataset([customer(**{LABEL: -1.0})])


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (customer("C7", **{AGE: None}), "null for a customer with a sale in 1 row"),
        (never_bought("C7", **{AGE: 3.0}), "set for a customer without a sale"),
        (customer("C7", **{AGE: -1.0}), "negative"),
    ],
)
def test_the_age_is_there_exactly_for_the_customers_with_a_sale(row, problem):
    with pytest.raises(DatasetError, match=f"{AGE} is {problem}.*e.g. C7"):
        dataset([customer("C1"), row])


def test_an_evaluation_cutoff_less_than_90_days_later_is_refused_naming_both():
    train = dataset([customer()], CUTOFF)
    evaluation = dataset([customer()], CUTOFF + timedelta(days=89))
    with pytest.raises(HoldoutError) as error:
        check_holdout(train, evaluation)
    message = str(error.value)
    assert "cutoff 2026-06-04T00:00:00.000Z" in message
    assert "cutoff 2026-09-01T00:00:00.000Z, 89 day(s) later" in message
    assert "at least 90 days after" in message
    check_holdout(train, dataset([customer()], CUTOFF + timedelta(days=90)))


def test_an_evaluation_cutoff_before_the_training_one_is_refused():
    with pytest.raises(HoldoutError, match="-90 day"):
        check_holdout(dataset([customer()]), dataset([customer()], CUTOFF - timedelta(days=90)))


def test_labels_all_zero_say_the_cutoff_is_too_recent():
    with pytest.raises(DatasetError, match="every label_revenue_next_90d is 0.*earlier cutoff"):
        check_labels(dataset([customer(), never_bought()]), "evaluation")
    check_labels(dataset([customer(**{LABEL: 1.0})]), "evaluation")
