import warnings
from dataclasses import replace

import numpy as np
import pytest
from statsmodels.tsa.statespace.structural import UnobservedComponents
from test_forecast_factories import daily, growing

from amato_ml.forecast import backtest, candidates, model
from amato_ml.forecast.backtest import Folds
from amato_ml.forecast.candidates import Spec
from amato_ml.forecast.dataset import DailyRevenue
from amato_ml.forecast.features import (
    MONTHS,
    Design,
    day_of_year,
    expected_orders,
    first_year_ago_day,
    order_value,
    spend_regressor,
    spend_scale,
    year_ago_profile,
)
from amato_ml.forecast.train import Candidate, candidate, choose, future_days, spend_decision

DAYS = np.datetime64("2024-01-01") + np.arange(8)  # Monday 2024-01-01 to Monday 2024-01-08


def test_the_design_has_intercept_trend_six_weekday_dummies_and_fourier_pairs():
    design = Design(start=DAYS[0], fourier=2, spend_scale=None)
    matrix = design.matrix(DAYS, np.zeros(DAYS.size))
    names = design.names()
    assert names[:2] == ["const", "trend"] and len(names) == matrix.shape[1] == 2 + 6 + 4
    weekdays = matrix[:, 2:8]
    assert (weekdays[0] == 0).all() and (weekdays[7] == 0).all()  # Mondays are the base
    assert weekdays[1:7].tolist() == np.eye(6).tolist()  # Tuesday to Sunday, one column each
    assert matrix[0, 1] == 0 and matrix[7, 1] == pytest.approx(7 / 365.25)
    angle = 2 * np.pi * 1 / 365.25
    assert matrix[0, 8:12].tolist() == pytest.approx(
        [np.sin(angle), np.cos(angle), np.sin(2 * angle), np.cos(2 * angle)]
    )


def test_month_dummies_step_on_the_first_of_each_month_and_january_is_the_base():
    days = np.array(["2024-01-31", "2024-02-01", "2024-11-30", "2024-12-01"], dtype="datetime64[D]")
    design = Design(start=days[0], fourier=0, spend_scale=None, months=True, intercept=False)
    names = design.names()
    assert names[0] == "trend" and names[7:] == [f"month_{m}" for m in MONTHS]
    months = design.matrix(days, np.zeros(4))[:, 7:]
    assert months.shape == (4, 11) and (months[0] == 0).all()
    assert [int(np.flatnonzero(row)[0]) for row in months[1:]] == [0, 9, 10]  # feb, nov, dec


def test_day_of_year_counts_from_january_first_through_leap_days():
    days = np.array(["2024-01-01", "2024-02-29", "2024-12-31", "2025-12-31"], dtype="datetime64[D]")
    assert day_of_year(days).tolist() == [1, 60, 366, 365]


def test_spend_is_scaled_by_the_mean_campaign_day_and_absent_when_it_never_varies():
    spend = np.array([0.0, 100.0, 300.0, 0.0])
    assert spend_scale(spend) == 200.0
    assert spend_scale(np.zeros(5)) is None and spend_scale(np.full(5, 50.0)) is None
    assert spend_regressor(spend, 200.0).tolist() == pytest.approx(np.log1p(spend / 200).tolist())
    design = Design(start=DAYS[0], fourier=1, spend_scale=200.0)
    assert design.names()[-1] == "planned_spend"
    assert design.matrix(DAYS[:4], spend)[:, -1].tolist() == pytest.approx(
        np.log1p([0, 0.5, 1.5, 0])
    )


def test_seasonal_naive_repeats_the_last_observed_week():
    revenue = np.arange(14, dtype=float)
    assert backtest.seasonal_naive(revenue, 14, 10).tolist() == [7, 8, 9, 10, 11, 12, 13, 7, 8, 9]
    # Each forecast day gets a day of its own weekday.
    assert backtest.seasonal_naive(revenue, 10, 7).tolist() == [3, 4, 5, 6, 7, 8, 9]


def test_accuracy_metrics_skip_only_the_days_where_they_are_undefined():
    actual = np.array([100.0, 200.0, 0.0])
    predicted = np.array([110.0, 150.0, 0.0])
    assert backtest.accuracy(actual, predicted) == {
        "mae": 20.0,
        "mape": 0.175,  # (10/100 + 50/200) / 2: the day without revenue has no percentage
        "smape": round((20 / 210 + 100 / 350) / 2, 4),
    }


def test_improvement_is_the_share_of_the_baseline_error_saved():
    assert backtest.improvement(60.0, 100.0) == 40.0
    assert backtest.improvement(120.0, 100.0) == -20.0
    assert backtest.improvement(1.0, 0.0) is None and backtest.improvement(None, 1.0) is None


@pytest.mark.parametrize(
    ("horizon", "expected"),
    [
        (28, [(1, 7), (8, 14), (15, 28)]),
        (10, [(1, 7), (8, 10)]),
        (5, [(1, 5)]),
        (40, [(1, 7), (8, 14), (15, 28), (29, 40)]),
    ],
)
def test_horizon_buckets_are_cut_at_the_horizon(horizon, expected):
    assert backtest.buckets(horizon) == expected


def test_origins_tile_the_latest_history_and_keep_enough_days_to_fit():
    assert backtest.origins(730, 6, 28) == [562, 590, 618, 646, 674, 702]
    assert backtest.origins(150, 6, 28) == [94, 122]  # 66 and 38 would fit on too few days
    assert backtest.origins(100, 1, 28) == []


def test_widening_an_order_starts_the_new_lags_at_zero():
    params = np.array([1.0, 2.0, 0.5, -0.3])  # two regressors, ar.L1, ma.L1
    assert model.widen(params, (1, 0, 1), (2, 0, 1)).tolist() == [1.0, 2.0, 0.5, 0.0, -0.3]
    assert model.widen(params[:3], (1, 0, 0), (1, 0, 1)).tolist() == [1.0, 2.0, 0.5, 0.0]


def test_optimizer_warnings_are_recorded_and_not_raised(monkeypatch):
    data = daily(history=200, future=0)
    design = Design(start=data.days[0], fourier=2, spend_scale=None)
    exog = design.matrix(data.days, data.planned_spend)
    monkeypatch.setattr(model, "MAX_ITERATIONS", 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning escaping fit() would fail here
        fitted = model.fit(data.revenue, exog, (1, 0, 0), design)
    assert not fitted.converged
    assert any("failed to converge" in text for text in fitted.warnings)


def _folds(actual: float, predicted: float) -> Folds:
    one = np.ones((1, 7))
    return Folds([100], one * actual, one * predicted, {}, {}, one * actual, [])


def _candidate(kind: str, spend: bool, predicted: float | None) -> Candidate:
    folds = None if predicted is None else _folds(100.0, predicted)
    return Candidate(Spec(kind, spend), None, [], folds, None if folds else "no campaign")


def test_the_candidate_of_lowest_backtest_mae_is_chosen_and_the_first_listed_wins_a_tie():
    listed = [
        _candidate("local_trend", False, 110.0),
        _candidate("local_trend", True, 104.0),
        _candidate("year_ago", False, 104.0),
        _candidate("year_ago", True, None),
        _candidate("sarimax", False, 120.0),
    ]
    assert choose(listed) is listed[1]
    assert choose(listed[2:]) is listed[2]
    with pytest.raises(model.TrainingError, match="no candidate model could be backtested"):
        choose([listed[3]])


def test_spend_is_kept_only_where_its_backtest_mae_is_lower():
    plain, spend = _candidate("year_ago", False, 110.0), _candidate("year_ago", True, 105.0)
    others = [_candidate("local_trend", False, 90.0), plain, spend]
    assert spend_decision(spend, others) == (plain, "included: it lowers the backtest MAE")
    worse = _candidate("year_ago", True, 115.0)
    assert spend_decision(plain, [plain, worse]) == (
        worse,
        "not included: it does not lower the backtest MAE",
    )
    missing = _candidate("year_ago", True, None)
    assert spend_decision(plain, [plain, missing])[1] == "not included: no campaign"


def test_spend_that_never_varies_is_not_a_candidate_and_costs_no_fit():
    data = daily(history=200, future=0)
    flat = DailyRevenue(data.days, data.revenue, np.zeros(data.days.size))
    for kind in candidates.KINDS:
        result = candidate(flat, Spec(kind, spend=True), [172], 28)
        assert result.best is None and result.fits == [] and result.backtest_mae is None
        if kind != "year_ago":
            assert result.unavailable == "planned_spend does not vary over the history"


def test_a_backtest_origin_before_any_campaign_makes_the_spend_variant_unavailable():
    data = daily(history=200, future=0)
    late = data.planned_spend.copy()
    late[:150] = 0.0
    shifted = DailyRevenue(data.days, data.revenue, late)
    for kind in ("local_trend", "sarimax"):
        spec = Spec(kind, spend=True, fourier=2)
        assert backtest.run(shifted, spec, [120, 172], 28) is None
        assert spec.unavailable(shifted, [120, 172]) == (
            "planned_spend does not vary before a backtest origin"
        )


def test_the_year_ago_candidate_needs_a_full_month_a_year_before_what_it_fits():
    short = daily(history=400, future=0)  # 2024-01-01 to 2025-02-03
    assert first_year_ago_day(short.days[:400]) == 366  # 2025-01-01: all of January 2024 is known
    assert Spec("year_ago", False).unavailable(short, [372]) is not None
    assert first_year_ago_day(short.days[10:400]) == 387  # January 2024 partial: February 2025
    assert first_year_ago_day(short.days[:300]) is None


def test_the_local_trend_has_month_effects_only_once_it_has_seen_a_year():
    data = daily(history=400, future=0)
    spec = Spec("local_trend", spend=False)
    assert not spec.design(data.days[:364], data.planned_spend[:364]).months
    assert spec.design(data.days[:365], data.planned_spend[:365]).months
    fitted = candidates.fit_spec(spec, data, 200)
    assert isinstance(fitted, model.LocalFit) and fitted.design.names()[0] == "trend"


def test_the_offset_is_one_order_and_expected_orders_smooth_the_revenue_around_each_day():
    revenue = np.array([0.0, 100.0, 300.0, 200.0])
    assert order_value(revenue, np.array([0.0, 1.0, 2.0, 1.0])) == 150.0
    assert order_value(revenue, None) == 1.0 and order_value(revenue, np.zeros(4)) == 1.0
    flat = np.full(60, 500.0)
    assert expected_orders(flat, 100.0).tolist() == pytest.approx([5.0] * 60)
    step = np.concatenate([np.full(30, 100.0), np.full(30, 300.0)])
    smooth = expected_orders(step, 100.0)
    assert smooth[0] == 1.0 and smooth[-1] == 3.0 and 1.0 < smooth[30] < 3.0


def test_the_year_ago_profile_is_last_years_monthly_mean_on_the_log_scale():
    days = np.datetime64("2024-01-01") + np.arange(400)
    revenue = np.where(days.astype("datetime64[M]") == np.datetime64("2024-02"), 290.0, 100.0)
    wanted = np.array(["2025-01-31", "2025-02-01", "2025-02-28"], dtype="datetime64[D]")
    profile = year_ago_profile(days, revenue, wanted, 10.0)
    assert profile.tolist() == pytest.approx(np.log([110.0, 300.0, 300.0]).tolist())
    assert (
        year_ago_profile(days, revenue, np.array(["2026-03-01"], dtype="datetime64[D]"), 1) is None
    )


def test_count_noise_falls_with_the_orders_expected_and_vanishes_without_any():
    noise = model.count_noise(np.array([0.0, 1.0, 10.0, 100.0]))
    assert noise.tolist() == pytest.approx([0.0, 0.25, 10 / 121, 100 / 101**2])


def test_the_local_level_matches_statsmodels_unobserved_components_at_constant_noise():
    """With no count noise the model is a local level with regression states: the same
    forecast as statsmodels' own (exact diffuse) implementation, up to the approximate prior."""
    rng = np.random.default_rng(3)
    days = np.datetime64("2024-01-01") + np.arange(220)
    design = Design(start=days[0], fourier=0, spend_scale=None, trend=False, intercept=False)
    exog = design.matrix(days, np.zeros(days.size))
    level = np.cumsum(rng.normal(0, 0.03, days.size)) + 8
    y = level + exog @ np.array([0.1, -0.05, 0.0, 0.2, 0.3, -0.1]) + rng.normal(0, 0.1, days.size)
    fitted = model.fit_local(y[:200], exog[:200], np.zeros(200), design, 1.0)
    assert fitted.converged and fitted.params[0] == pytest.approx(0.01, rel=0.3)
    # The same variances in both, and no count noise in the forecast days either.
    day, step = 0.01, 0.001
    ours = model.LocalLevel(y[:200], exog[:200], np.zeros(200), 199).filter([day, 1e-12, step])
    forecast = model.forecast_local(
        replace(fitted, result=ours, warnings=()), exog[200:], np.zeros(20)
    )
    reference = UnobservedComponents(y[:200], "llevel", exog=exog[:200], mle_regression=False)
    theirs = reference.filter([day, step]).get_forecast(20, exog=exog[200:])
    bounds = np.exp(theirs.conf_int(alpha=0.2)) - 1
    assert forecast.revenue == pytest.approx(np.exp(theirs.predicted_mean) - 1, rel=1e-6)
    assert forecast.lower[80] == pytest.approx(bounds[:, 0], rel=1e-6)
    assert forecast.upper[80] == pytest.approx(bounds[:, 1], rel=1e-6)


def test_the_noise_of_counting_orders_keeps_a_noisy_start_from_widening_todays_intervals():
    """A young shop: one order a day at first, 200 by the end. Weighting each day's noise by
    its orders keeps the first months from inflating the intervals of the last: tomorrow's is
    about as wide as counting its orders makes it."""
    data = growing(history=600, future=0, first_orders=1.0, yearly_growth=30.0)
    made = candidates.inputs(Spec("local_trend", spend=False), data, 600)
    target = np.log(data.revenue + made.offset)
    orders = expected_orders(data.revenue, made.offset)
    days = data.days[599] + np.arange(1, 8)
    exog = made.design.matrix(days, np.zeros(7))
    widths = {}
    for name, weights in (("counted", orders), ("pooled", np.ones(600))):
        fitted = model.fit_local(target, made.exog, weights, made.design, made.offset)
        assert fitted.converged
        week = model.forecast_local(fitted, exog, np.zeros(7))
        widths[name] = float(np.log(week.upper[80][0] / week.lower[80][0]) / 2)
        if name == "counted":
            assert 1.0 < fitted.params[1] < 2.0  # 1 + CV² of the order value: 1.43
    counting = 1.2816 * np.sqrt(1.43 / orders[-1])  # the 80% half-width of the count noise
    assert orders[-1] > 200 and counting < widths["counted"] < 1.25 * counting
    assert widths["counted"] < 0.7 * widths["pooled"]


@pytest.mark.parametrize(("future", "expected"), [(0, 90), (30, 30), (90, 90), (120, 90)])
def test_the_forecast_covers_the_future_rows_up_to_90_days(future, expected):
    data = daily(history=150, future=future)
    days, spend, source = future_days(data)
    assert days.size == spend.size == expected
    assert days[0] == data.days[149] + 1 and (np.diff(days).astype(int) == 1).all()
    if future:
        assert (
            source == "dataset" and spend.tolist() == data.planned_spend[150:][:expected].tolist()
        )
    else:
        assert source.startswith("none") and (spend == 0).all()
