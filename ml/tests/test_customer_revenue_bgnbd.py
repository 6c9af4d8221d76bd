from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_customer_revenue_factories import customer, dataset, never_bought

from amato_ml.customer_revenue import bgnbd, synthetic
from amato_ml.customer_revenue.dataset import AGE

# The CDNOW sample lifetimes ships (read as files: lifetimes.datasets would import lifetimes
# outside the warning filter of bgnbd).
CDNOW = Path(bgnbd.lifetimes.__file__).parent / "datasets"


def test_inputs_are_repeat_sales_age_and_age_at_the_last_sale():
    data = dataset(
        [
            customer("C1", frequency=3.0, recency_days=10.0, avg_order_value=80.0, **{AGE: 100.25}),
            customer("C2", frequency=1.0, recency_days=40.0, **{AGE: 40.5}),
            never_bought("C3"),
        ]
    )
    x = bgnbd.inputs(data.frame)
    assert x.frequency.tolist() == [2, 0, 0]
    assert x.age.tolist() == [100.25, 40.5, 0.0]
    assert x.recency.tolist() == [90.25, 0.0, 0.0]  # one sale: no repeat, recency 0 by definition
    assert x.monetary.tolist() == [80.0, 50.0, 0.0]
    assert x.buyers.tolist() == [True, True, False]


def test_recency_is_clamped_to_the_age():
    # recency_days is whole days since the last sale, the age fractional: a last sale "before"
    # the first by rounding, or after the cutoff, would be no history BG/NBD can have.
    data = dataset(
        [
            customer("C1", frequency=2.0, recency_days=31.0, **{AGE: 30.5}),
            customer("C2", frequency=2.0, recency_days=-1.0, **{AGE: 30.5}),
        ]
    )
    assert bgnbd.inputs(data.frame).recency.tolist() == [0.0, 30.5]


def test_the_fits_reproduce_the_published_cdnow_estimates():
    # Fader, Hardie & Lee (2005), "Counting your customers the easy way": r = 0.243,
    # alpha = 4.414, a = 0.793, b = 2.426 on the CDNOW sample, in weeks. Fader & Hardie (2013),
    # "The Gamma-Gamma model of monetary value": p = 6.25, q = 3.74, gamma = 15.44.
    summary = pd.read_csv(CDNOW / "cdnow_customers_summary.csv")
    purchases = bgnbd.fit_bgnbd(
        summary["frequency"].to_numpy(), summary["recency"].to_numpy(), summary["T"].to_numpy()
    )
    assert purchases.penalizer_coef == 0
    fitted = purchases.params_
    assert fitted["r"] == pytest.approx(0.243, abs=5e-4)
    assert fitted["alpha"] == pytest.approx(4.414, abs=5e-4)
    assert fitted["a"] == pytest.approx(0.793, abs=5e-4)
    assert fitted["b"] == pytest.approx(2.426, abs=5e-4)
    spend = pd.read_csv(CDNOW / "cdnow_customers_summary_with_transactions.csv")
    repeat = spend[spend["x"] > 0]
    gamma = bgnbd.fit_gamma_gamma(repeat["x"].to_numpy(), repeat["zbar"].to_numpy()).params_
    assert gamma["p"] == pytest.approx(6.25, abs=5e-3)
    assert gamma["q"] == pytest.approx(3.74, abs=5e-3)
    assert gamma["v"] == pytest.approx(15.44, abs=1e-2)


def _degenerate(customers: int, seed: int) -> list[dict[str, object]]:
    """Ages and recencies drawn at random, no purchase process behind them."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(customers):
        age = float(rng.uniform(30, 400))
        orders = int(rng.integers(1, 8))
        since_last = float(rng.integers(0, int(age))) if orders > 1 else float(int(age))
        rows.append(
            customer(f"C{k}", frequency=float(orders), recency_days=since_last, **{AGE: age})
        )
    return rows


@pytest.fixture(scope="module")
def history():
    (data,) = synthetic.generate(800, seed=5)
    return data


def test_a_customer_without_a_sale_is_predicted_zero_and_the_others_positive(history):
    x = bgnbd.inputs(history.frame)
    fitted = bgnbd.fit(x)
    revenue = fitted.predict(x)
    assert (revenue[~x.buyers] == 0).all() and (~x.buyers).any()
    assert (revenue[x.buyers] > 0).all()
    assert np.allclose(revenue, fitted.expected_purchases(x) * fitted.expected_value(x))
    params = fitted.params()
    assert set(params["bgnbd"]) == {"r", "alpha", "a", "b"}
    assert set(params["gamma_gamma"]) == {"p", "q", "v"}
    assert params["fitted_buyers"] == int(x.buyers.sum())
    assert params["time_unit"] == "day"


def test_recent_repeat_buyers_are_expected_to_buy_more_than_lapsed_ones(history):
    fitted = bgnbd.fit(bgnbd.inputs(history.frame))
    pair = dataset(
        [
            customer("recent", frequency=5.0, recency_days=2.0, **{AGE: 200.0}),
            customer("lapsed", frequency=5.0, recency_days=150.0, **{AGE: 200.0}),
        ]
    )
    recent, lapsed = fitted.expected_purchases(bgnbd.inputs(pair.frame), days=90)
    assert recent > lapsed > 0


def test_the_expected_purchases_grow_with_the_horizon(history):
    x = bgnbd.inputs(history.frame)
    fitted = bgnbd.fit(x)
    shorter, longer = fitted.expected_purchases(x, days=30), fitted.expected_purchases(x, days=90)
    assert (longer[x.buyers] > shorter[x.buyers]).all()


def test_a_fit_that_does_not_converge_is_retried_with_a_penalty():
    x = bgnbd.inputs(dataset(_degenerate(200, seed=1)).frame)
    with pytest.raises(bgnbd.FitError, match="does not converge with the penalizers 0"):
        bgnbd.fit_bgnbd(x.frequency, x.recency, x.age, penalizers=(0.0,))
    fitted = bgnbd.fit_bgnbd(x.frequency, x.recency, x.age)
    assert fitted.penalizer_coef > 0


def test_too_few_buyers_is_a_fit_error():
    rows = [customer(f"C{k}") for k in range(3)] + [never_bought()]
    with pytest.raises(bgnbd.FitError, match="at least 20 customers with a sale, got 3"):
        bgnbd.fit(bgnbd.inputs(dataset(rows).frame))


def test_expected_purchases_equal_lifetimes_where_it_answers_and_stay_finite_where_it_does_not():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 40, 500).astype(np.float64)
    age = rng.uniform(1, 700, 500)
    recency = np.where(x > 0, rng.uniform(0, 1, 500) * age, 0.0)
    for params in [(0.243, 4.414, 0.793, 2.426), (0.9, 69.5, 0.029, 0.394)]:
        fitter = bgnbd.BetaGeoFitter()
        fitter.params_ = dict(zip(("r", "alpha", "a", "b"), params, strict=True))
        with np.errstate(invalid="ignore"):
            theirs = fitter.conditional_expected_number_of_purchases_up_to_time(90, x, recency, age)
        ours = bgnbd.conditional_expected_purchases(params, 90, x, recency, age)
        answered = np.isfinite(theirs)
        np.testing.assert_allclose(ours[answered], theirs[answered], rtol=1e-9)
        assert np.all(np.isfinite(ours)) and np.all(ours >= 0)
    # The second population (a + b < 1) is where lifetimes gives NaN for x = 0.
    assert not np.all(answered)
