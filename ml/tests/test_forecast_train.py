"""The whole training on two synthetic years of steady growth and a smooth season, the world of
the global regression (sarimax), which the backtest should therefore choose: backtest quality,
intervals, the candidates, report, horizons. (test_forecast_growth.py has the young shop.)

One full run (six backtest origins) is shared by the module; the horizon tests use shorter
histories and a single origin to stay quick.
"""

import numpy as np
import pytest
from test_forecast_factories import daily

from amato_ml.forecast import ARTIFACT_FORMAT, KINDS, MAX_HORIZON, ORDERS, build, seasonal_naive
from amato_ml.forecast.report import render_markdown


@pytest.fixture(scope="module")
def synthetic():
    return daily()


@pytest.fixture(scope="module")
def result(synthetic):
    return build(synthetic, source="synthetic.parquet")


def test_the_model_clearly_beats_seasonal_naive_in_the_backtest(result):
    evaluation = result.report["backtest"]
    assert evaluation["beats_baseline"]
    assert evaluation["model"]["mae"] < 0.75 * evaluation["seasonal_naive"]["mae"]
    for metric in ("mae", "mape", "smape"):
        assert evaluation["improvement_pct"][metric] > 25
    for bucket in evaluation["by_horizon"]:
        assert bucket["model_mae"] < bucket["seasonal_naive_mae"]


def test_the_intervals_cover_close_to_their_nominal_share(result):
    coverage = {c["level"]: c for c in result.report["backtest"]["coverage"]}
    assert set(coverage) == {80, 95}
    assert abs(coverage[80]["empirical"] - 0.80) <= 0.10 and coverage[80]["within_10_points"]
    assert abs(coverage[95]["empirical"] - 0.95) <= 0.10 and coverage[95]["within_10_points"]


def test_the_backtest_is_computed_from_the_data(synthetic, result):
    evaluation = result.report["backtest"]
    assert (evaluation["origins"], evaluation["requested_origins"], evaluation["horizon"]) == (
        6,
        6,
        28,
    )
    origins = [fold["fitted_days"] for fold in evaluation["folds"]]
    assert origins == [730 - 28 * k for k in range(6, 0, -1)]
    assert evaluation["from"] == str(synthetic.days[562]) and evaluation["to"] == "2025-12-30"
    naive = np.concatenate([seasonal_naive(synthetic.revenue, o, 28) for o in origins])
    actual = np.concatenate([synthetic.revenue[o : o + 28] for o in origins])
    assert evaluation["seasonal_naive"]["mae"] == round(float(np.abs(naive - actual).mean()), 2)
    fold_maes = [fold["model_mae"] for fold in evaluation["folds"]]
    assert np.mean(fold_maes) == pytest.approx(evaluation["model"]["mae"], abs=0.01)


def test_the_forecast_points_are_ordered_nested_and_not_negative(synthetic, result):
    points = result.artifact["points"]
    assert len(points) == 90 and points[0]["day"] == "2025-12-31"
    days = np.array([p["day"] for p in points], dtype="datetime64[D]")
    assert (np.diff(days).astype(int) == 1).all()
    for p in points:
        assert 0 <= p["lower_95"] <= p["lower_80"] <= p["revenue"] <= p["upper_80"] <= p["upper_95"]
        assert p["lower_95"] < p["lower_80"] and p["upper_80"] < p["upper_95"]
    spread = np.array([p["upper_80"] / p["lower_80"] for p in points])
    assert spread[-1] > spread[0]  # relative uncertainty grows with the horizon
    assert [p["planned_spend"] for p in points] == synthetic.planned_spend[730:].round(2).tolist()


def test_the_artifact_says_what_made_the_forecast(synthetic, result):
    artifact = result.artifact
    assert artifact["format"] == ARTIFACT_FORMAT and artifact["levels"] == [80, 95]
    assert artifact["cutoff"] == "2025-12-30"
    assert artifact["history"] == {
        "from": "2024-01-01",
        "to": "2025-12-30",
        "days": 730,
        "last_28_days_revenue": round(float(synthetic.revenue[-28:].sum()), 2),
    }
    chosen = artifact["model"]
    assert chosen["kind"] == "sarimax" and chosen["fourier_terms"] == 4
    assert tuple(chosen["order"]) in ORDERS
    selection = result.report["model"]["order_selection"]
    assert [tuple(row["order"]) for row in selection] == list(ORDERS)
    assert chosen["aic"] == min(row["aic"] for row in selection)


def test_every_candidate_is_backtested_and_the_lowest_mae_is_chosen(result):
    selection = result.report["selection"]
    rows = selection["candidates"]
    assert [(row["kind"], row["planned_spend"]) for row in rows] == [
        (kind, spend) for kind in KINDS for spend in (False, True)
    ]
    assert all(row["backtest_mae"] is not None and row["unavailable"] is None for row in rows)
    best = min(rows, key=lambda row: row["backtest_mae"])
    assert [row for row in rows if row["chosen"]] == [best]
    assert selection["chosen"] == "sarimax + planned_spend"
    assert best["backtest_mae"] == result.report["backtest"]["model"]["mae"]
    for row in rows:
        assert set(row["coverage"]) == {"80", "95"} and row["improvement_pct"] is not None


def test_the_sanity_check_sets_the_first_28_days_beside_a_year_ago(synthetic, result):
    sanity = result.report["sanity"]
    year_ago = synthetic.revenue[730 - 364 : 730 - 364 + 28].sum()
    growth = synthetic.revenue[-28:].sum() / synthetic.revenue[730 - 392 : 730 - 364].sum()
    assert sanity["year_ago_same_28_days"] == round(float(year_ago), 2)
    assert sanity["year_on_year_growth"] == round(float(growth), 4)
    assert sanity["forecast_first_28_days"] == result.report["forecast"]["revenue_next_28_days"]
    assert 0.8 < sanity["forecast_to_reference"] < 1.25


def test_spend_that_drives_sales_is_included_and_both_maes_are_recorded(result):
    spend = result.report["planned_spend"]
    assert spend["included"] and spend["decision"].startswith("included")
    assert spend["backtest_mae_with"] < spend["backtest_mae_without"]
    assert result.artifact["model"]["regressors"] == ["weekday", "yearly", "trend", "planned_spend"]
    assert result.report["backtest"]["model"]["mae"] == spend["backtest_mae_with"]


def test_the_markdown_states_the_verdict_coverage_and_spend_decision(result):
    text = render_markdown(result.report)
    evaluation = result.report["backtest"]
    assert "The model beats the seasonal-naive baseline" in text
    assert f"{evaluation['improvement_pct']['mae']:.1f}% lower" in text
    assert "| measure | model | seasonal naive | improvement |" in text
    assert "| 80% | 80.00% |" in text and "| 95% | 95.00% |" in text
    assert "Planned campaign spend is used" in text
    assert f"ARMA order {tuple(result.artifact['model']['order'])}" in text
    assert "| **sarimax + planned_spend** (chosen) |" in text and "## Sanity check" in text


def test_a_fit_on_two_years_takes_seconds(result):
    assert result.fit_seconds < 10 and result.seconds < 60


def test_without_future_rows_90_days_are_forecast_with_no_spend():
    result = build(daily(history=400, future=0), backtest_origins=1)
    points = result.artifact["points"]
    assert len(points) == MAX_HORIZON and points[0]["day"] == "2025-02-04"
    assert all(p["planned_spend"] == 0 for p in points)
    assert result.report["forecast"]["planned_spend_from"].startswith("none")
    assert "No future days were given" in render_markdown(result.report)


def test_the_markdown_leaves_out_the_28_day_total_of_a_shorter_forecast(result):
    report = {**result.report, "forecast": {**result.report["forecast"]}}
    report["forecast"]["revenue_next_28_days"] = None
    text = render_markdown(report)
    assert "over the first 28 days" not in text and "over the whole period" in text
