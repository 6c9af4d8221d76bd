"""Each channel's saturating response to a day's spend, fitted on the reported campaign days.

A campaign day's expected revenue is

    ceiling[channel] × factor[audience] × factor[campaign type] × (1 − exp(−spend / scale[channel]))

so every channel earns less and less from each extra unit of spend and never more than its
ceiling. The audience and campaign type scale the ceiling; the first audience and type in
`BASE_*` (or, if absent, the most common) have factor 1. The fit minimises Pearson residuals
under a quasi-Poisson variance (variance proportional to the mean: revenue is a sum of orders),
with weak priors on the log parameters so a channel with a few campaigns still gets a finite
curve whose uncertainty the bootstrap then shows. The bootstrap resamples whole campaigns within
each channel (days of one campaign share its unobserved quality, so resampling days would
understate the spread); every resample is refitted from the point estimate.

Besides the curves it estimates what the curves do not explain, for prediction intervals: the
campaigns' quality spread (`quality_sigma`: the log of a campaign's revenue over its expected,
less what the day-to-day noise adds) and the quasi-Poisson dispersion of a day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

BASE_AUDIENCE = "everyone"
BASE_TYPE = "acquisition"
# Weak priors (standard deviations of the log parameters).
PRIOR_FACTOR_SD = 1.0
PRIOR_SCALE_SD = 1.5
PRIOR_CEILING_SD = 3.0
MIN_CHANNEL_CAMPAIGNS = 2


class FitError(ValueError):
    """The response cannot be fitted; the message says why."""


@dataclass(frozen=True)
class Levels:
    """The categories of the fit, in parameter order; the base of each factor first."""

    channels: tuple[str, ...]
    audiences: tuple[str, ...]
    types: tuple[str, ...]

    @staticmethod
    def of(days: pd.DataFrame) -> Levels:
        def ordered(column: str, base: str) -> tuple[str, ...]:
            counts = days[column].value_counts()
            first = base if base in counts.index else str(counts.index[0])
            return (first, *sorted(str(v) for v in counts.index if v != first))

        return Levels(
            channels=tuple(sorted(str(c) for c in days["channel"].unique())),
            audiences=ordered("audience", BASE_AUDIENCE),
            types=ordered("campaign_type", BASE_TYPE),
        )

    @property
    def size(self) -> int:
        return 2 * len(self.channels) + len(self.audiences) - 1 + len(self.types) - 1


@dataclass(frozen=True)
class Curves:
    """One parameter set: per channel ceiling and scale, per audience and type a factor."""

    levels: Levels
    ceiling: np.ndarray
    scale: np.ndarray
    audience: np.ndarray  # factor per audience, the base 1
    type: np.ndarray  # factor per campaign type, the base 1

    def expected(
        self, channel: np.ndarray, audience: np.ndarray, kind: np.ndarray, spend: np.ndarray
    ) -> np.ndarray:
        """Expected revenue of days given as level indices and spend."""
        return (
            self.ceiling[channel]
            * self.audience[audience]
            * self.type[kind]
            * -np.expm1(-np.maximum(spend, 0.0) / self.scale[channel])
        )

    def as_json(self) -> dict[str, object]:
        lv = self.levels
        return {
            "channels": {
                c: {"ceiling": float(self.ceiling[i]), "scale": float(self.scale[i])}
                for i, c in enumerate(lv.channels)
            },
            "audiences": {a: float(self.audience[i]) for i, a in enumerate(lv.audiences)},
            "campaign_types": {t: float(self.type[i]) for i, t in enumerate(lv.types)},
        }


@dataclass(frozen=True)
class Encoded:
    """Days as level indices."""

    channel: np.ndarray
    audience: np.ndarray
    kind: np.ndarray
    spend: np.ndarray
    revenue: np.ndarray
    campaign: np.ndarray  # campaign index per day

    @staticmethod
    def of(days: pd.DataFrame, levels: Levels, spend_column: str = "spend") -> Encoded:
        def index(column: str, values: tuple[str, ...]) -> np.ndarray:
            lookup = {v: i for i, v in enumerate(values)}
            unknown = sorted(set(days[column]) - set(lookup))
            if unknown:
                raise FitError(f"{column} {', '.join(unknown)} not seen in training")
            return days[column].map(lookup).to_numpy(np.int64)

        campaigns, campaign = np.unique(days["campaign_id"].to_numpy(), return_inverse=True)
        del campaigns
        return Encoded(
            channel=index("channel", levels.channels),
            audience=index("audience", levels.audiences),
            kind=index("campaign_type", levels.types),
            spend=days[spend_column].to_numpy(np.float64),
            revenue=days["revenue"].to_numpy(np.float64),
            campaign=campaign,
        )


def _unpack(theta: np.ndarray, levels: Levels) -> Curves:
    n = len(levels.channels)
    a = len(levels.audiences) - 1
    return Curves(
        levels=levels,
        ceiling=np.exp(theta[:n]),
        scale=np.exp(theta[n : 2 * n]),
        audience=np.exp(np.concatenate([[0.0], theta[2 * n : 2 * n + a]])),
        type=np.exp(np.concatenate([[0.0], theta[2 * n + a :]])),
    )


def _start(days: Encoded, levels: Levels) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A starting point and the prior centres of log ceiling and log scale per channel."""
    n = len(levels.channels)
    ceiling = np.empty(n)
    scale = np.empty(n)
    for i in range(n):
        mine = days.channel == i
        spend = days.spend[mine]
        revenue = days.revenue[mine]
        scale[i] = max(float(np.median(spend)), 1.0)
        ceiling[i] = max(float(np.quantile(revenue, 0.9)), 1.0)
    theta = np.concatenate(
        [np.log(ceiling), np.log(scale), np.zeros(len(levels.audiences) + len(levels.types) - 2)]
    )
    return theta, np.log(ceiling), np.log(scale)


def _solve(
    days: Encoded, levels: Levels, theta0: np.ndarray, centres: tuple[np.ndarray, np.ndarray]
) -> np.ndarray:
    n = len(levels.channels)
    ceiling0, scale0 = centres
    # Revenue in a day is a sum of orders: its variance grows with the mean. A floor keeps days
    # whose expected revenue is near zero from dominating.
    floor = max(float(np.mean(days.revenue)) * 0.05, 1.0)

    def residuals(theta: np.ndarray) -> np.ndarray:
        mean = _unpack(theta, levels).expected(days.channel, days.audience, days.kind, days.spend)
        data = (days.revenue - mean) / np.sqrt(np.maximum(mean, floor))
        prior = np.concatenate(
            [
                (theta[:n] - ceiling0) / PRIOR_CEILING_SD,
                (theta[n : 2 * n] - scale0) / PRIOR_SCALE_SD,
                theta[2 * n :] / PRIOR_FACTOR_SD,
            ]
        )
        return np.concatenate([data, prior])

    lower = np.full(theta0.size, -np.inf)
    upper = np.full(theta0.size, np.inf)
    # Scales between a hundredth and a hundred times the channel's typical spend.
    lower[n : 2 * n] = scale0 - np.log(100)
    upper[n : 2 * n] = scale0 + np.log(100)
    start = np.clip(theta0, lower + 1e-9, upper - 1e-9)
    result = least_squares(residuals, start, bounds=(lower, upper), method="trf", x_scale="jac")
    return result.x


@dataclass(frozen=True)
class ResponseFit:
    """The point estimate, its bootstrap resamples and the spread the curves leave."""

    curves: Curves
    samples: list[Curves]
    quality_sigma: float
    dispersion: float
    channel_campaigns: dict[str, int]
    channel_days: dict[str, int]
    skipped: dict[str, str]  # channels not fitted, with why


def fit_response(days: pd.DataFrame, *, bootstrap: int = 200, seed: int = 0) -> ResponseFit:
    """Fits the curves on the days (spend as reported) and bootstraps them by campaign."""
    per_channel = days.groupby("channel")["campaign_id"].nunique()
    skipped = {
        str(c): f"{int(k)} campaign(s), at least {MIN_CHANNEL_CAMPAIGNS} are needed"
        for c, k in per_channel.items()
        if k < MIN_CHANNEL_CAMPAIGNS
    }
    days = days[~days["channel"].isin(list(skipped))]
    if days.empty:
        raise FitError(f"no channel has {MIN_CHANNEL_CAMPAIGNS} campaigns or more")
    levels = Levels.of(days)
    encoded = Encoded.of(days, levels)
    theta0, ceiling0, scale0 = _start(encoded, levels)
    theta = _solve(encoded, levels, theta0, (ceiling0, scale0))
    curves = _unpack(theta, levels)

    rng = np.random.default_rng(seed)
    by_channel = [
        np.unique(encoded.campaign[encoded.channel == i]) for i in range(len(levels.channels))
    ]
    rows_of = [
        np.flatnonzero(encoded.campaign == k) for k in range(int(encoded.campaign.max()) + 1)
    ]
    samples: list[Curves] = []
    for _ in range(bootstrap):
        picked = np.concatenate(
            [rng.choice(ids, size=ids.size, replace=True) for ids in by_channel]
        )
        rows = np.concatenate([rows_of[k] for k in picked])
        resample = Encoded(
            channel=encoded.channel[rows],
            audience=encoded.audience[rows],
            kind=encoded.kind[rows],
            spend=encoded.spend[rows],
            revenue=encoded.revenue[rows],
            campaign=encoded.campaign[rows],
        )
        samples.append(_unpack(_solve(resample, levels, theta, (ceiling0, scale0)), levels))

    mean = curves.expected(encoded.channel, encoded.audience, encoded.kind, encoded.spend)
    quality, dispersion = _spread(encoded, mean, levels.size)
    return ResponseFit(
        curves=curves,
        samples=samples,
        quality_sigma=quality,
        dispersion=dispersion,
        channel_campaigns={str(c): int(k) for c, k in per_channel.items() if c not in skipped},
        channel_days={
            str(c): int(k) for c, k in days["channel"].value_counts().sort_index().items()
        },
        skipped=skipped,
    )


def _spread(days: Encoded, mean: np.ndarray, parameters: int) -> tuple[float, float]:
    """Quasi-Poisson dispersion of a day, and the spread of campaign quality beyond it.

    The curves were fitted to these same campaigns, so their residuals are smaller than a new
    campaign's will be: the quality variance is scaled up by campaigns / (campaigns −
    parameters), the usual degrees-of-freedom correction, lest the intervals be too narrow."""
    positive = mean > 0
    dispersion = float(
        np.sum((days.revenue[positive] - mean[positive]) ** 2 / mean[positive])
        / max(1, int(positive.sum()))
    )
    actual = np.bincount(days.campaign, weights=days.revenue)
    expected = np.bincount(days.campaign, weights=mean)
    usable = expected > 0
    # Var(actual/expected) ≈ σ² + dispersion/expected per campaign; solve for σ² on the log scale.
    ratio = actual[usable] / expected[usable]
    noise = dispersion / expected[usable]
    n = int(usable.sum())
    excess = float(np.mean((ratio - 1) ** 2 - noise)) * n / max(1, n - parameters)
    return float(np.sqrt(max(excess, 0.0))), dispersion
