"""The model's inputs: the online features, exactly what the stream keeps per customer.

`deriveFeatures` (libs/features/src/derive.ts) gives a customer's 36 segmentation features, the
average order value, the rolling windows and the device mix; the training dataset carries them
as columns of the same names (`windows.revenue_90d`, `device_mix.mobile`), in this order. The
order is written into the artifact, and the TypeScript scorer builds each vector in it from a
customer's CustomerFeatures. Columns the stream does not keep (the context, the customer's age
`days_since_first_order`) are never inputs: serving could not feed them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from amato_ml.segmentation.features import SEGMENTATION_FEATURES

WINDOW_DAYS = (7, 30, 90)
WINDOW_COUNTS = ("orders", "revenue", "sessions", "page_views")
DEVICES = ("desktop", "mobile", "tablet")

ONLINE_FEATURES: tuple[str, ...] = (
    *SEGMENTATION_FEATURES,
    "avg_order_value",
    *(f"windows.{count}_{days}d" for days in WINDOW_DAYS for count in WINDOW_COUNTS),
    *(f"device_mix.{device}" for device in DEVICES),
)


def matrix(frame: pd.DataFrame, features: tuple[str, ...] = ONLINE_FEATURES) -> np.ndarray:
    """The float32 input rows [N, F], in `features` order: what serving hands the ONNX graph.

    LightGBM is fitted and scored on these float32 values too (widened back to float64), so its
    split thresholds fall between values serving can actually send.
    """
    return frame.loc[:, list(features)].to_numpy(dtype=np.float64).astype(np.float32)
