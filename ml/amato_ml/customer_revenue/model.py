"""The gradient-boosted trees and their ONNX export, the artifact that serving loads.

Revenue over 90 days is 0 for most customers and skewed for the others. The trees fit the
Poisson deviance with a log link (a Tweedie deviance of variance power 1), which LightGBM takes
for any non-negative target: the predictions are positive expected values and, at the fit, add
up to the training revenue, so a segment's predictions sum to its expected revenue. A Tweedie
power between 1 and 2 (a compound Poisson-gamma, the textbook choice for zero-inflated money)
was tried too: it lowers MAE by shrinking predictions towards 0, but at the cost of the totals
(on synthetic data its predictions summed to 15-30% less than the revenue, in training as on
the holdout), and an expected revenue that undercounts in sum is of little use.

onnxmltools converts the log link as the tree sum followed by an Exp node. The sum runs in
float32 inside ONNX's tree operator; onnxmltools' `split` sums groups of trees in double
instead, which keeps the relative error near 1e-6. The output is float32, so agreement with
LightGBM is relative for large amounts (a float32 near 10,000 is spaced 0.001 apart): the check
is |ONNX − LightGBM| ≤ ONNX_ATOL + ONNX_RTOL × |LightGBM|.

LightGBM is trained single-threaded and deterministic: one dataset and seed give one model.
"""

from __future__ import annotations

from typing import Any

import lightgbm
import numpy as np
import onnx
import onnxruntime
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType

from amato_ml.onnx_bytes import onnx_bytes

INPUT_NAME = "input"
OUTPUT_NAME = "revenue"
GRAPH_NAME = "amato_customer_revenue"
# The highest opset onnxmltools 1.16 converts LightGBM to; onnxruntime-node reads it.
TARGET_OPSET = 15
# Trees per group summed in float32 before the groups are summed in double.
SUM_SPLIT = 10
ONNX_ATOL = 1e-4
ONNX_RTOL = 1e-5

# Shallow trees, a slow rate and leaves of at least 50 customers: a dataset has a few thousand
# customers whose 90-day revenue is mostly 0, and a leaf of a handful would fit single orders.
PARAMS: dict[str, Any] = {
    "objective": "poisson",
    "n_estimators": 200,
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_child_samples": 50,
    "reg_lambda": 1.0,
    "subsample": 1.0,
    "colsample_bytree": 1.0,
    "n_jobs": 1,
    "deterministic": True,
    "force_row_wise": True,
    "verbose": -1,
}


class ExportMismatchError(RuntimeError):
    """onnxruntime's predictions differ from LightGBM's by more than the tolerance."""


def fit(
    rows: np.ndarray, revenue: np.ndarray, seed: int, params: dict[str, Any] | None = None
) -> lightgbm.LGBMRegressor:
    """A regressor fitted on the float32 rows, seeded; `params` override PARAMS."""
    regressor = lightgbm.LGBMRegressor(**{**PARAMS, **(params or {}), "random_state": seed})
    regressor.fit(rows.astype(np.float64), revenue.astype(np.float64))
    return regressor


def predict(regressor: lightgbm.LGBMRegressor, rows: np.ndarray) -> np.ndarray:
    """LightGBM's expected revenue for each float32 row."""
    # One thread, as in training: a prediction on all cores leaves LightGBM's OpenMP pool
    # resized, and the next training in the same process then builds other trees.
    return np.asarray(regressor.predict(rows.astype(np.float64), num_threads=1), dtype=np.float64)


def to_onnx(regressor: lightgbm.LGBMRegressor, features: int) -> bytes:
    """The serialized ONNX model: float32 [N, features] in, float32 [N, 1] revenue out."""
    trees = int(regressor.booster_.num_trees())
    model = convert_lightgbm(
        regressor,
        name=GRAPH_NAME,
        initial_types=[(INPUT_NAME, FloatTensorType([None, features]))],
        target_opset=TARGET_OPSET,
        # onnxmltools refuses a split that leaves all the trees in one group.
        split=SUM_SPLIT if trees > SUM_SPLIT else None,
    )
    _rename_output(model, OUTPUT_NAME)
    return onnx_bytes(model)


def _rename_output(model: onnx.ModelProto, name: str) -> None:
    """The graph's one output under `name` (onnxmltools calls it `variable`)."""
    (output,) = model.graph.output
    old = output.name
    for node in model.graph.node:
        for k, produced in enumerate(node.output):
            if produced == old:
                node.output[k] = name
    output.name = name
    onnx.checker.check_model(model)


def onnx_predict(onnx_model: bytes, rows: np.ndarray) -> np.ndarray:
    """onnxruntime's expected revenue for each row, as serving computes it."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(onnx_model, options, providers=["CPUExecutionProvider"])
    (revenue,) = session.run([OUTPUT_NAME], {INPUT_NAME: rows.astype(np.float32)})
    return np.asarray(revenue, dtype=np.float64).reshape(-1)


def differences(onnx_revenue: np.ndarray, lightgbm_revenue: np.ndarray) -> dict[str, float]:
    """The largest absolute and relative difference, and the largest share of the tolerance."""
    gap = np.abs(onnx_revenue - lightgbm_revenue)
    scale = np.abs(lightgbm_revenue)
    relative = np.divide(gap, scale, out=np.zeros_like(gap), where=scale > 0)
    return {
        "max_abs_difference": float(gap.max(initial=0.0)),
        "max_rel_difference": float(relative.max(initial=0.0)),
        "max_tolerance_used": float((gap / (ONNX_ATOL + ONNX_RTOL * scale)).max(initial=0.0)),
    }


def check_export(onnx_model: bytes, regressor: lightgbm.LGBMRegressor, rows: np.ndarray) -> dict:
    """The differences on `rows`; ExportMismatchError when any is beyond the tolerance."""
    found = differences(onnx_predict(onnx_model, rows), predict(regressor, rows))
    if found["max_tolerance_used"] > 1:
        raise ExportMismatchError(
            f"onnxruntime differs from LightGBM by up to {found['max_abs_difference']:.3g} "
            f"({found['max_rel_difference']:.3g} relative), beyond {ONNX_ATOL:g} + "
            f"{ONNX_RTOL:g} × |prediction|; nothing written"
        )
    return found
