"""What anyone could serve without a model, both read off the evaluation dataset's features.

"Last 90 days repeat" predicts that a customer spends in the next 90 days what they spent in the
last 90 (`windows.revenue_90d`, an online feature); "zero" predicts nothing for everyone, which
on zero-inflated revenue is the prediction of lowest absolute error for most customers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LAST_90_DAYS = "windows.revenue_90d"


def last_90_days(frame: pd.DataFrame) -> np.ndarray:
    return frame[LAST_90_DAYS].to_numpy(dtype=np.float64)


def zero(frame: pd.DataFrame) -> np.ndarray:
    return np.zeros(len(frame))
