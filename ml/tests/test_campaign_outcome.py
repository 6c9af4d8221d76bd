import numpy as np
import pytest

from amato_ml.campaign import outcome, synthetic
from amato_ml.campaign.dataset import from_frame


@pytest.fixture(scope="module")
def model():
    data = from_frame(synthetic.campaign_days(campaigns=40, seed=4))
    return data.days, outcome.fit(data.days, params={"n_estimators": 60})


def test_onnx_answers_as_lightgbm(model):
    days, fitted = model
    onnx_model = outcome.to_onnx(fitted)
    ours = outcome.onnx_predict(onnx_model, fitted.encoding.rows(days))
    theirs = fitted.rates(days)
    for name in outcome.OUTPUTS:
        assert ours[name] == pytest.approx(theirs[name], rel=1e-4, abs=1e-3)


def test_the_export_is_deterministic(model):
    days, fitted = model
    assert outcome.to_onnx(fitted) == outcome.to_onnx(fitted)
    again = outcome.fit(days, params={"n_estimators": 60})
    assert outcome.to_onnx(again) == outcome.to_onnx(fitted)


def test_returns_diminish_with_the_daily_budget(model):
    days, fitted = model
    one = days.iloc[[0] * 50].assign(daily_budget=np.linspace(10, 20000, 50))
    rates = fitted.rates(one)
    assert np.all(np.diff(rates["roas"]) <= 1e-12)
    assert np.all(np.diff(rates["conversions_per_unit"]) <= 1e-12)
    predicted = fitted.predict(one)
    assert predicted["revenue"] == pytest.approx(rates["roas"] * one["daily_budget"].to_numpy())


def test_encodes_numbers_then_one_indicator_per_category(model):
    days, fitted = model
    names = fitted.encoding.names
    assert names[:2] == ["daily_budget", "duration_days"]
    assert "channel=email" in names and "audience=Champions" in names
    row = fitted.encoding.rows(days.iloc[[0]].assign(channel="unheard-of"))[0]
    channel_columns = [i for i, n in enumerate(names) if n.startswith("channel=")]
    assert row[channel_columns].sum() == 0
