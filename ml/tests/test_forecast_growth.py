"""The whole training on a young shop shaped like the product's data (growing_table): fivefold
growth a year from about one order a day, the generator's sharp November/December steps and
weekday weights, and the noise of counting orders. Here a global trend extrapolates the
acceleration and smooth yearly terms miss the steps; the forecast must still beat the seasonal
naive baseline clearly, promise honest intervals, and after the December peak drop in January
instead of exploding.
"""

import numpy as np
import pytest
from test_forecast_factories import growing

from amato_ml.forecast import build


@pytest.fixture(scope="module")
def shop():
    return growing()


@pytest.fixture(scope="module")
def result(shop):
    return build(shop, source="growing.parquet")


def test_the_history_is_shaped_like_the_products(shop):
    assert str(shop.days[0]) == "2024-01-06" and str(shop.days[shop.history_days - 1]) == (
        "2025-12-31"
    )
    month = shop.days[: shop.history_days].astype("datetime64[M]")
    total = {m: shop.revenue[month == np.datetime64(m)].sum() for m in ("2025-10", "2025-12")}
    assert total["2025-12"] > 2 * total["2025-10"]  # the peak, compounded by growth
    assert (shop.revenue[:60] == 0).mean() > 0.2  # the first weeks: days without a sale


def test_the_model_clearly_beats_seasonal_naive_with_honest_intervals(result):
    evaluation = result.report["backtest"]
    assert evaluation["beats_baseline"] and evaluation["improvement_pct"]["mae"] >= 20
    assert evaluation["improvement_pct"]["mape"] > 0 and evaluation["improvement_pct"]["smape"] > 0
    for coverage in evaluation["coverage"]:
        assert coverage["within_10_points"], coverage


def test_the_backtest_chooses_a_local_level_over_the_global_trend(result):
    rows = {
        (row["kind"], row["planned_spend"]): row for row in result.report["selection"]["candidates"]
    }
    assert result.artifact["model"]["kind"] in ("local_trend", "year_ago")
    chosen = result.report["backtest"]["model"]["mae"]
    assert rows["sarimax", False]["backtest_mae"] > 1.15 * chosen


def test_the_forecast_drops_in_january_and_does_not_explode(shop, result):
    revenue = np.array([point["revenue"] for point in result.artifact["points"]])
    last_weeks = shop.revenue[-28:]
    assert revenue.size == 90 and str(result.artifact["points"][0]["day"]) == "2026-01-01"
    assert revenue[:28].mean() < 0.8 * last_weeks.mean()  # January after the December peak
    assert revenue.max() < last_weeks.max()
    assert revenue[-7:].mean() < 2 * revenue[:7].mean()  # growth, not an explosion
    sanity = result.report["sanity"]
    assert 2 / 3 < sanity["forecast_to_reference"] < 3 / 2  # last January times the growth


def test_the_artifact_keeps_its_format_with_the_chosen_kind(result):
    artifact = result.artifact
    assert artifact["format"] == "amato.revenue-forecast.v1" and artifact["levels"] == [80, 95]
    model = artifact["model"]
    assert all(isinstance(name, str) for name in model["regressors"])
    assert "weekday" in model["regressors"] and model["target"].startswith("log(revenue + ")
    for point in artifact["points"]:
        assert 0 <= point["lower_95"] <= point["lower_80"] <= point["revenue"]
        assert point["revenue"] <= point["upper_80"] <= point["upper_95"]
