"""The classifier and its ONNX export, the artifact that serving loads.

LightGBM is trained single-threaded and deterministic, so that one dataset and seed give one
model, byte for byte. The export takes float32 rows named `input` and yields the class
probabilities as a plain [N, 2] tensor named `probabilities` (no ZipMap: a map per row would cost
the Node scorer an allocation per session for nothing).
"""

from __future__ import annotations

from typing import Any

import lightgbm
import numpy as np
import onnxruntime
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType

from amato_ml.onnx_bytes import onnx_bytes

INPUT_NAME = "input"
OUTPUT_NAME = "probabilities"
POSITIVE_CLASS_INDEX = 1
GRAPH_NAME = "amato_journey"
# The highest opset onnxmltools 1.16 converts LightGBM to; onnxruntime-node reads it.
TARGET_OPSET = 15

# Modest on purpose: shallow trees, a slow rate and large leaves, as prefixes of one session are
# not independent and a few thousand sessions are easy to memorise.
PARAMS: dict[str, Any] = {
    "objective": "binary",
    "n_estimators": 300,
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_child_samples": 100,
    "reg_lambda": 1.0,
    "subsample": 1.0,
    "colsample_bytree": 1.0,
    "n_jobs": 1,
    "deterministic": True,
    "force_row_wise": True,
    "verbose": -1,
}


def fit(
    rows: np.ndarray, converted: np.ndarray, seed: int, params: dict[str, Any] | None = None
) -> lightgbm.LGBMClassifier:
    """A classifier fitted on the float32 rows, seeded; `params` override PARAMS."""
    classifier = lightgbm.LGBMClassifier(**{**PARAMS, **(params or {}), "random_state": seed})
    classifier.fit(rows.astype(np.float64), converted.astype(np.int64))
    return classifier


def predict(classifier: lightgbm.LGBMClassifier, rows: np.ndarray) -> np.ndarray:
    """LightGBM's probability of converting for each float32 row."""
    # One thread, as in training: a prediction on all cores leaves LightGBM's OpenMP pool
    # resized, and the next training in the same process then builds other trees.
    return classifier.predict_proba(rows.astype(np.float64), num_threads=1)[:, POSITIVE_CLASS_INDEX]


def to_onnx(classifier: lightgbm.LGBMClassifier, features: int) -> bytes:
    """The serialized ONNX model; the same classifier always gives the same bytes."""
    model = convert_lightgbm(
        classifier,
        name=GRAPH_NAME,
        initial_types=[(INPUT_NAME, FloatTensorType([None, features]))],
        zipmap=False,
        target_opset=TARGET_OPSET,
    )
    outputs = [output.name for output in model.graph.output]
    if OUTPUT_NAME not in outputs:
        raise RuntimeError(f"the ONNX export has outputs {outputs}, not {OUTPUT_NAME}")
    return onnx_bytes(model)


def onnx_predict(onnx_model: bytes, rows: np.ndarray) -> np.ndarray:
    """onnxruntime's probability of converting for each row, as serving computes it."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(onnx_model, options, providers=["CPUExecutionProvider"])
    (probabilities,) = session.run([OUTPUT_NAME], {INPUT_NAME: rows.astype(np.float32)})
    return np.asarray(probabilities, dtype=np.float64)[:, POSITIVE_CLASS_INDEX]
