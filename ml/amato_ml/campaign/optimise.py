"""The budget split that maximises the total of saturating channel responses, by scipy's SLSQP.

The reference the backtest uses and against which the API's allocator (libs/models, a bisection
on the marginal return) is tested: an independent general-purpose solver of the same problem.
Each channel earns `ceiling × (1 − exp(−spend / scale))`; the spends sum to the budget and
each stays within its bounds.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize


def allocate(
    ceiling: np.ndarray,
    scale: np.ndarray,
    budget: float,
    lower: np.ndarray | None = None,
    upper: np.ndarray | None = None,
) -> np.ndarray:
    """The spends (summing to `budget`) that maximise the total response."""
    n = ceiling.size
    lower = np.zeros(n) if lower is None else lower
    upper = np.full(n, budget) if upper is None else np.minimum(upper, budget)
    if lower.sum() > budget + 1e-9 or upper.sum() < budget - 1e-9:
        raise ValueError("the bounds cannot be met by the budget")

    # In shares of the budget and of the total ceiling: SLSQP's tolerances are absolute.
    a = ceiling / np.sum(ceiling)
    k = scale / budget
    lo = lower / budget
    hi = upper / budget

    def negative(x: np.ndarray) -> float:
        return -float(np.sum(a * -np.expm1(-x / k)))

    def gradient(x: np.ndarray) -> np.ndarray:
        return -(a / k) * np.exp(-x / k)

    # Start from the split in proportion to the slope at zero, inside the bounds.
    start = np.clip((a / k) / np.sum(a / k), lo, hi)
    result = minimize(
        negative,
        start,
        jac=gradient,
        method="SLSQP",
        bounds=list(zip(lo, hi, strict=True)),
        constraints=[{"type": "eq", "fun": lambda x: np.sum(x) - 1, "jac": np.ones_like}],
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    if not result.success:
        raise RuntimeError(f"SLSQP did not converge: {result.message}")
    return np.clip(result.x, lo, hi) * budget
