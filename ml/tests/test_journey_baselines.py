import numpy as np
import pytest
from test_journey_factories import frame, prefix

from amato_ml.journey.baselines import fit_depth_page_type_rates, overall_rate
from amato_ml.journey.metrics import reliability
from amato_ml.journey.synthetic import generate
from amato_ml.journey.train import train

CATEGORIES = ["home", "cart"]


def rows_at(depth, page_type, converted):
    return [
        prefix(f"S{depth}{page_type}{k}", depth=depth, last_page_type=page_type, converted=c)
        for k, c in enumerate(converted)
    ]


TRAIN = frame(
    rows_at(1, "home", [False, False, False, True])
    + rows_at(2, "cart", [True, False])
    + rows_at(20, "cart", [True, True])
    + rows_at(3, None, [False, False, False, True])
)


def test_the_overall_rate_is_the_share_of_converted_prefixes():
    assert overall_rate(TRAIN) == pytest.approx(5 / 12)


def test_group_rates_come_from_training_with_the_overall_rate_for_unseen_groups():
    rates = fit_depth_page_type_rates(TRAIN, CATEGORIES)
    holdout = frame(
        rows_at(1, "home", [True])  # seen: the training rate, whatever the holdout's outcome
        + rows_at(2, "cart", [False])
        + rows_at(4, "home", [True])  # depth 4 never seen with home
        + rows_at(3, "wishlist", [False])  # grouped with null, as other
    )
    expected = [0.25, 0.5, 5 / 12, 0.25]
    assert rates.predict(holdout, CATEGORIES).tolist() == pytest.approx(expected)
    assert rates.unseen(holdout, CATEGORIES) == 1


def test_depths_beyond_the_cap_share_the_capped_group():
    rates = fit_depth_page_type_rates(TRAIN, CATEGORIES, depth_cap=15)
    assert rates.rates[(15, "cart")] == 1.0
    deep = frame(rows_at(40, "cart", [False]))
    assert rates.predict(deep, CATEGORIES).tolist() == [1.0]


def test_training_reports_baselines_fitted_on_the_training_side_only():
    data = generate(300, seed=5)
    result = train(data, holdout_share=0.3, seed=1, params={"n_estimators": 5})
    split = result.report["split"]
    cutoff = split["cutoff_ms"]
    before = data[data["session_start"] < cutoff]
    assert result.report["baselines"]["overall_rate"] == pytest.approx(before["converted"].mean())
    assert result.report["baselines"]["overall_rate"] != pytest.approx(data["converted"].mean())
    assert split["train"]["rows"] == len(before)
    assert result.report["holdout"]["overall_rate"]["auc"] == 0.5


def test_reliability_bins_cover_every_prediction_once():
    probability = np.array([0.0, 0.05, 0.15, 0.95, 1.0])
    converted = np.array([False, True, False, True, True])
    table = reliability(converted, probability)
    assert [row["count"] for row in table] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    assert table[0]["observed_rate"] == 0.5
    assert table[0]["mean_predicted"] == pytest.approx(0.025)
    assert table[2]["mean_predicted"] is None
    assert table[9]["observed_rate"] == 1.0
