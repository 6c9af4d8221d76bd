import numpy as np
import pytest

from amato_ml.campaign import response, synthetic
from amato_ml.campaign.dataset import from_frame


@pytest.fixture(scope="module")
def fitted():
    data = from_frame(synthetic.campaign_days(campaigns=60, seed=1))
    return response.fit_response(data.days, bootstrap=60, seed=0)


def test_recovers_the_planted_curves_within_their_bootstrap_intervals(fitted):
    lv = fitted.curves.levels
    assert lv.channels == ("email", "search", "social")
    for i, channel in enumerate(lv.channels):
        ceiling, scale = synthetic.TRUTH["channels"][channel]
        ceilings = np.array([s.ceiling[i] for s in fitted.samples])
        scales = np.array([s.scale[i] for s in fitted.samples])
        # Wide: 60 campaigns, a hidden quality per campaign; the point is near, not exact.
        assert np.quantile(ceilings, 0.01) < ceiling < np.quantile(ceilings, 0.99) * 1.1
        assert np.quantile(scales, 0.01) * 0.9 < scale < np.quantile(scales, 0.99) * 1.1
        assert abs(np.log(fitted.curves.ceiling[i] / ceiling)) < 0.3


def test_factors_are_relative_to_the_base_audience_and_type(fitted):
    lv = fitted.curves.levels
    assert lv.audiences[0] == "everyone" and lv.types[0] == "acquisition"
    assert fitted.curves.audience[0] == 1 and fitted.curves.type[0] == 1
    audience = dict(zip(lv.audiences, fitted.curves.audience, strict=True))
    assert audience["Champions"] == pytest.approx(1.5, rel=0.2)
    assert audience["Hibernating"] == pytest.approx(0.5, rel=0.2)
    assert fitted.curves.type[1] == pytest.approx(1.3, rel=0.15)


def test_estimates_the_campaign_quality_spread_and_the_noise(fitted):
    assert 0.03 < fitted.quality_sigma < 0.3
    assert fitted.dispersion > 0


def test_expected_revenue_saturates_at_the_ceiling(fitted):
    c = fitted.curves
    zero = np.zeros(3, dtype=np.int64)
    spend = np.array([0.0, 1e3, 1e9])
    revenue = c.expected(zero, zero, zero, spend)
    assert revenue[0] == 0
    assert revenue[1] < revenue[2] == pytest.approx(c.ceiling[0])


def test_skips_a_channel_with_one_campaign_and_says_why():
    days = synthetic.campaign_days(campaigns=30, seed=2)
    lonely = days["campaign_id"] == "CAMP_0001"
    days.loc[lonely, "channel"] = "video"
    fit = response.fit_response(from_frame(days).days, bootstrap=5)
    assert "video" not in fit.curves.levels.channels
    assert fit.skipped == {"video": "1 campaign(s), at least 2 are needed"}


def test_refuses_days_of_an_audience_it_never_saw(fitted):
    days = synthetic.campaign_days(campaigns=3).assign(audience="Lost")
    with pytest.raises(response.FitError, match="audience Lost not seen in training"):
        response.Encoded.of(days, fitted.curves.levels)
