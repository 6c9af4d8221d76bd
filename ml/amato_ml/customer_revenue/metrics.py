"""Holdout metrics of per-customer revenue predictions.

sMAPE is |actual − predicted| / ((|actual| + |predicted|) / 2) averaged over every customer, with
0/0 taken as 0 (a customer predicted to spend nothing who spent nothing is exactly right); it
lies in [0, 2]. MAPE divides by the actual, so it is averaged over the customers who spent.
Both are shares (0.25 is 25%).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Evaluation:
    customers: int
    customers_with_revenue: int
    mae: float
    rmse: float
    smape: float
    mape_nonzero: float | None
    total_predicted: float
    total_actual: float

    def as_dict(self) -> dict[str, float | int | None]:
        return asdict(self)


def mae(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(np.abs(actual - predicted)))


def rmse(actual: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.sqrt(np.mean((actual - predicted) ** 2)))


def smape(actual: np.ndarray, predicted: np.ndarray) -> float:
    """Mean symmetric absolute percentage error, 0/0 = 0."""
    scale = (np.abs(actual) + np.abs(predicted)) / 2
    error = np.abs(actual - predicted)
    terms = np.divide(error, scale, out=np.zeros_like(error, dtype=np.float64), where=scale > 0)
    return float(np.mean(terms))


def mape_nonzero(actual: np.ndarray, predicted: np.ndarray) -> float | None:
    """Mean absolute percentage error over the customers whose actual is not 0; None if none."""
    spent = actual != 0
    if not spent.any():
        return None
    return float(np.mean(np.abs(actual[spent] - predicted[spent]) / np.abs(actual[spent])))


def evaluate(actual: np.ndarray, predicted: np.ndarray) -> Evaluation:
    actual = np.asarray(actual, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64)
    if actual.shape != predicted.shape or actual.size == 0:
        raise ValueError(f"{actual.shape} actual values against {predicted.shape} predictions")
    return Evaluation(
        customers=int(actual.size),
        customers_with_revenue=int((actual != 0).sum()),
        mae=mae(actual, predicted),
        rmse=rmse(actual, predicted),
        smape=smape(actual, predicted),
        mape_nonzero=mape_nonzero(actual, predicted),
        total_predicted=float(predicted.sum()),
        total_actual=float(actual.sum()),
    )


def improvement_pct(model: float, baseline: float) -> float | None:
    """How much lower the model's error is than the baseline's, in % of the baseline's."""
    if baseline == 0:
        return None
    return (baseline - model) / baseline * 100
