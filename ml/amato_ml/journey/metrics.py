"""Holdout metrics: ranking (AUC), probability quality (log loss) and calibration (reliability)."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import log_loss, roc_auc_score

RELIABILITY_BINS = 10


def auc(converted: np.ndarray, probability: np.ndarray) -> float:
    """Area under the ROC curve; 0.5 for a constant prediction, as ties count half."""
    return float(roc_auc_score(converted, probability))


def mean_log_loss(converted: np.ndarray, probability: np.ndarray) -> float:
    """Mean negative log-likelihood per prefix (probabilities clipped to float64's epsilon)."""
    return float(log_loss(converted, probability, labels=[False, True]))


def reliability(
    converted: np.ndarray, probability: np.ndarray, bins: int = RELIABILITY_BINS
) -> list[dict[str, float | int | None]]:
    """Equal-width bins over [0, 1]: mean prediction, observed rate and rows in each.

    A calibrated model's observed rate follows its mean prediction bin by bin. An empty bin has
    null means. A probability of exactly 1 falls into the last bin.
    """
    index = np.minimum((probability * bins).astype(np.int64), bins - 1)
    table: list[dict[str, float | int | None]] = []
    for k in range(bins):
        inside = index == k
        count = int(inside.sum())
        table.append(
            {
                "from": k / bins,
                "to": (k + 1) / bins,
                "count": count,
                "mean_predicted": float(probability[inside].mean()) if count else None,
                "observed_rate": float(converted[inside].mean()) if count else None,
            }
        )
    return table
