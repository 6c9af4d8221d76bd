"""The backtest on held-out campaigns: the latest campaigns by start date are held out, every
model is fitted only on the days before the first of them, and each held-out campaign's revenue
and ROAS are predicted from its parameters alone (channel, audience, campaign type, duration and
daily budget: what is known when a campaign is planned) and compared with what it returned.

Models compared: the outcome model (gradient-boosted trees), the response curves, and the
naive baseline, each channel's training ROAS times the planned spend (revenue proportional to
spend, as a spreadsheet would assume). The curves' prediction intervals are checked for coverage.

Then the allocation: the held-out days are the slots (campaign days, each with its channel,
audience and type). Their total spend is split again over the channels by the optimiser on the
training curves (a channel's spend shared equally by its slots), and both splits are scored
under the curves and, independently of the optimiser, under the outcome model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import outcome as outcome_model
from . import response
from .optimise import allocate

LEVELS = (80, 95)


@dataclass(frozen=True)
class Split:
    train: pd.DataFrame
    test: pd.DataFrame
    holdout_start: pd.Timestamp
    test_campaigns: int


def split(days: pd.DataFrame, campaigns: pd.DataFrame, holdout_share: float) -> Split:
    """The latest `holdout_share` of campaigns by start date (at least one) are held out."""
    starts = campaigns["start_date"].sort_values(kind="stable")
    held = max(1, int(round(len(starts) * holdout_share)))
    if held >= len(starts):
        raise ValueError(f"holding out {held} of {len(starts)} campaigns leaves none to train on")
    test_ids = set(starts.index[-held:])
    holdout_start = starts.iloc[-held]
    train = days[~days["campaign_id"].isin(test_ids) & (days["day"] < holdout_start)]
    test = days[days["campaign_id"].isin(test_ids)]
    return Split(train, test, holdout_start, len(test_ids))


def _errors(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    error = predicted - actual
    denominator = np.abs(actual) + np.abs(predicted)
    smape = np.where(
        denominator > 0, 2 * np.abs(error) / np.where(denominator > 0, denominator, 1), 0
    )
    nonzero = actual != 0
    return {
        "mae": float(np.mean(np.abs(error))),
        "rmse": float(np.sqrt(np.mean(error**2))),
        "mape": float(np.mean(np.abs(error[nonzero] / actual[nonzero])))
        if nonzero.any()
        else float("nan"),
        "smape": float(np.mean(smape)),
    }


def _curve_indices(frame: pd.DataFrame, levels: response.Levels) -> tuple[np.ndarray, ...]:
    """Level indices; an audience or type unseen in training counts as the base (factor 1)."""

    def index(column: str, values: tuple[str, ...]) -> np.ndarray:
        lookup = {v: i for i, v in enumerate(values)}
        return frame[column].map(lambda v: lookup.get(v, 0)).to_numpy(np.int64)

    return (
        index("channel", levels.channels),
        index("audience", levels.audiences),
        index("campaign_type", levels.types),
    )


def interval_draws(
    fit: response.ResponseFit,
    frame: pd.DataFrame,
    spend: np.ndarray,
    rng: np.random.Generator,
    per_sample: int = 20,
) -> np.ndarray:
    """Simulated totals of the rows' revenue: bootstrap curves × campaign quality + day noise.
    One quality draw per sample for all rows: the rows are one campaign (or one plan)."""
    channel, audience, kind = _curve_indices(frame, fit.curves.levels)
    totals = []
    for sample in fit.samples or [fit.curves]:
        expected = float(np.sum(sample.expected(channel, audience, kind, spend)))
        quality = np.exp(rng.normal(0, fit.quality_sigma, per_sample) - fit.quality_sigma**2 / 2)
        mean = expected * quality
        noise = rng.normal(0, 1, per_sample) * np.sqrt(fit.dispersion * np.maximum(mean, 0))
        totals.append(np.maximum(mean + noise, 0))
    return np.concatenate(totals)


def run(
    days: pd.DataFrame, campaigns: pd.DataFrame, *, holdout_share: float, bootstrap: int, seed: int
) -> dict[str, object]:
    s = split(days, campaigns, holdout_share)
    known = set(s.train["channel"])
    fit = response.fit_response(s.train, bootstrap=bootstrap, seed=seed)
    curve_channels = set(fit.curves.levels.channels)
    gbt = outcome_model.fit(s.train, seed=seed)
    test = s.test[s.test["channel"].isin(curve_channels)]
    dropped = sorted(set(s.test["campaign_id"]) - set(test["campaign_id"]))

    # Per held-out campaign: planned spend, actual spend and revenue, each model's prediction.
    spend_plan = test["daily_budget"].to_numpy(np.float64)
    channel, audience, kind = _curve_indices(test, fit.curves.levels)
    channel_roas = (
        s.train.groupby("channel")["revenue"].sum() / s.train.groupby("channel")["spend"].sum()
    )
    per_day = pd.DataFrame(
        {
            "campaign_id": test["campaign_id"].to_numpy(),
            "planned": spend_plan,
            "spend": test["spend"].to_numpy(np.float64),
            "revenue": test["revenue"].to_numpy(np.float64),
            "outcome_model": gbt.predict(test)["revenue"],
            "response_curves": fit.curves.expected(channel, audience, kind, spend_plan),
            "baseline": test["channel"].map(channel_roas).to_numpy(np.float64) * spend_plan,
        }
    )
    per_campaign = per_day.groupby("campaign_id").sum()
    models = ("outcome_model", "response_curves", "baseline")
    actual_roas = (per_campaign["revenue"] / per_campaign["spend"]).to_numpy()
    metrics: dict[str, dict[str, object]] = {}
    for name in models:
        predicted = per_campaign[name].to_numpy()
        metrics[name] = {
            "revenue": _errors(per_campaign["revenue"].to_numpy(), predicted),
            "roas": _errors(actual_roas, predicted / per_campaign["planned"].to_numpy()),
        }
    base = metrics["baseline"]
    for name in models:
        for target in ("revenue", "roas"):
            mine = metrics[name][target]
            assert isinstance(mine, dict)
            reference = base[target]
            assert isinstance(reference, dict)
            mine["mae_vs_baseline"] = (
                1 - mine["mae"] / reference["mae"] if reference["mae"] > 0 else 0.0
            )

    rng = np.random.default_rng(seed)
    covered = {level: 0 for level in LEVELS}
    for _, rows in test.groupby("campaign_id"):
        draws = interval_draws(fit, rows, rows["daily_budget"].to_numpy(np.float64), rng)
        actual = float(rows["revenue"].sum())
        for level in LEVELS:
            low, high = np.quantile(draws, [(1 - level / 100) / 2, 1 - (1 - level / 100) / 2])
            covered[level] += int(low <= actual <= high)
    coverage = {str(level): covered[level] / max(1, len(per_campaign)) for level in LEVELS}

    return {
        "holdout_start": f"{s.holdout_start:%Y-%m-%d}",
        "train_days": int(len(s.train)),
        "train_campaigns": int(s.train["campaign_id"].nunique()),
        "test_campaigns": int(len(per_campaign)),
        "test_days": int(len(test)),
        "dropped_campaigns": dropped,
        "untrained_channels": sorted(set(s.test["channel"]) - known),
        "metrics": metrics,
        "coverage": coverage,
        "campaigns": [
            {
                "campaign_id": str(k),
                "actual_revenue": float(r["revenue"]),
                "actual_roas": float(r["revenue"] / r["spend"]) if r["spend"] > 0 else None,
                **{f"{m}_revenue": float(r[m]) for m in models},
            }
            for k, r in per_campaign.iterrows()
        ],
        "allocation": _allocation(fit, gbt, test),
    }


def _allocation(
    fit: response.ResponseFit, gbt: outcome_model.Outcome, test: pd.DataFrame
) -> dict[str, object]:
    """The held-out days' spend split by the optimiser against as it was spent."""
    curves = fit.curves
    channel, audience, kind = _curve_indices(test, curves.levels)
    factor = curves.audience[audience] * curves.type[kind]
    budget = float(test["spend"].sum())
    present = np.unique(channel)
    slots = np.array([np.sum(channel == c) for c in present], dtype=np.float64)
    ceiling = np.array([curves.ceiling[c] * np.sum(factor[channel == c]) for c in present])
    scale = np.array([curves.scale[c] for c in present]) * slots
    optimised = allocate(ceiling, scale, budget)
    per_slot = dict(zip(present.tolist(), (optimised / slots).tolist(), strict=True))
    new_spend = np.array([per_slot[c] for c in channel])
    historical = test["spend"].to_numpy(np.float64)

    def under_outcome(spend: np.ndarray) -> float:
        return float(np.sum(gbt.predict(test.assign(daily_budget=spend))["revenue"]))

    def under_curves(spend: np.ndarray) -> float:
        return float(np.sum(curves.expected(channel, audience, kind, spend)))

    names = [curves.levels.channels[c] for c in present]
    by_channel = (
        test.assign(_c=[curves.levels.channels[c] for c in channel]).groupby("_c")["spend"].sum()
    )
    scores = {
        "outcome_model": {
            "historical": under_outcome(historical),
            "optimised": under_outcome(new_spend),
        },
        "response_curves": {
            "historical": under_curves(historical),
            "optimised": under_curves(new_spend),
        },
    }
    for score in scores.values():
        score["uplift"] = (
            score["optimised"] / score["historical"] - 1 if score["historical"] > 0 else 0.0
        )
    return {
        "budget": budget,
        "slots": {n: int(k) for n, k in zip(names, slots, strict=True)},
        "historical_spend": {n: float(by_channel.get(n, 0.0)) for n in names},
        "optimised_spend": {n: float(v) for n, v in zip(names, optimised, strict=True)},
        "actual_revenue": float(test["revenue"].sum()),
        "scores": scores,
    }
