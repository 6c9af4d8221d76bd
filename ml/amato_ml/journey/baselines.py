"""What the model must beat: two rates anyone could serve without it, learnt from training only.

The overall rate is what a dashboard's conversion rate would predict for every live session. The
depth rate is the lookup a rule-based system would use: the training conversion rate of prefixes
at the same depth (capped, the deep tail being sparse) with the same last page type, the overall
rate for a combination the training data never showed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from amato_ml.journey.features import page_type_labels

DEPTH_CAP = 15


@dataclass(frozen=True)
class DepthPageTypeRates:
    """Training conversion rate per (capped depth, last page type), and the overall fallback."""

    overall: float
    rates: dict[tuple[int, str], float]
    depth_cap: int = DEPTH_CAP

    def predict(self, frame: pd.DataFrame, categories: list[str]) -> np.ndarray:
        keys = zip(
            _capped(frame, self.depth_cap),
            page_type_labels(frame["last_page_type"], categories),
            strict=True,
        )
        return np.array([self.rates.get(key, self.overall) for key in keys], dtype=np.float64)

    def unseen(self, frame: pd.DataFrame, categories: list[str]) -> int:
        """How many of the rows fall back to the overall rate."""
        keys = zip(
            _capped(frame, self.depth_cap),
            page_type_labels(frame["last_page_type"], categories),
            strict=True,
        )
        return sum(key not in self.rates for key in keys)


def overall_rate(train: pd.DataFrame) -> float:
    """The share of training prefixes whose session converted."""
    return float(train["converted"].mean())


def fit_depth_page_type_rates(
    train: pd.DataFrame, categories: list[str], depth_cap: int = DEPTH_CAP
) -> DepthPageTypeRates:
    """The rates of the training prefixes, grouped as the model's one-hot groups page types."""
    groups = pd.DataFrame(
        {
            "depth": _capped(train, depth_cap),
            "page_type": page_type_labels(train["last_page_type"], categories),
            "converted": train["converted"].to_numpy(dtype=np.float64),
        }
    )
    means = groups.groupby(["depth", "page_type"], sort=True)["converted"].mean()
    rates = {
        (int(depth), str(page_type)): float(rate) for (depth, page_type), rate in means.items()
    }
    return DepthPageTypeRates(overall=overall_rate(train), rates=rates, depth_cap=depth_cap)


def _capped(frame: pd.DataFrame, depth_cap: int) -> np.ndarray:
    return np.minimum(frame["depth"].to_numpy(dtype=np.int64), depth_cap)
