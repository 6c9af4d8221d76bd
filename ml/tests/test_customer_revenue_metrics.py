import numpy as np
import pandas as pd
import pytest

from amato_ml.customer_revenue import baselines, metrics
from amato_ml.customer_revenue.metrics import evaluate, improvement_pct, mape_nonzero, smape


def test_mae_and_rmse():
    actual = np.array([0.0, 10.0, 30.0])
    predicted = np.array([2.0, 10.0, 20.0])
    assert metrics.mae(actual, predicted) == pytest.approx(4.0)
    assert metrics.rmse(actual, predicted) == pytest.approx(np.sqrt(104 / 3))


def test_smape_counts_nothing_predicted_for_nothing_spent_as_exact():
    assert smape(np.zeros(3), np.zeros(3)) == 0.0
    # 0/0 → 0, |10 − 0| / 5 = 2, |10 − 30| / 20 = 1
    assert smape(np.array([0.0, 10.0, 10.0]), np.array([0.0, 0.0, 30.0])) == pytest.approx(1.0)


def test_mape_is_over_the_customers_who_spent_and_none_when_nobody_did():
    assert mape_nonzero(np.array([0.0, 10.0, 20.0]), np.array([5.0, 5.0, 30.0])) == 0.5
    assert mape_nonzero(np.zeros(2), np.ones(2)) is None


def test_evaluate_gives_every_figure_with_the_totals():
    result = evaluate(np.array([0.0, 10.0]), np.array([1.0, 7.0]))
    assert result.as_dict() == {
        "customers": 2,
        "customers_with_revenue": 1,
        "mae": 2.0,
        "rmse": pytest.approx(np.sqrt(5)),
        "smape": pytest.approx((2 + 3 / 8.5) / 2),
        "mape_nonzero": pytest.approx(0.3),
        "total_predicted": 8.0,
        "total_actual": 10.0,
    }


def test_evaluate_refuses_mismatched_lengths():
    with pytest.raises(ValueError, match="actual values against"):
        evaluate(np.zeros(2), np.zeros(3))


def test_improvement_is_the_share_of_the_baseline_error_saved():
    assert improvement_pct(80.0, 100.0) == pytest.approx(20.0)
    assert improvement_pct(120.0, 100.0) == pytest.approx(-20.0)
    assert improvement_pct(1.0, 0.0) is None


def test_the_baselines_read_the_last_90_days_and_nothing():
    frame = pd.DataFrame({"windows.revenue_90d": [0.0, 12.5]})
    assert baselines.last_90_days(frame).tolist() == [0.0, 12.5]
    assert baselines.zero(frame).tolist() == [0.0, 0.0]
