"""The fixture the TypeScript scorer is tested against: a small model and rows it scored.

A few trees fitted on two small synthetic datasets 90 days apart, through `train` exactly as
the CLI runs it, with about 100 customers of the later dataset: their online feature values, in
the order of the document's (and the artifact's) feature names, from which the TypeScript tests
build the feature objects and CustomerFeatures they score, and LightGBM's prediction for them.
The values are rounded to 6 significant digits, to keep the file small, before LightGBM scores
them. Every output is deterministic: regenerating gives the committed bytes (a test checks it).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

from amato_ml import jsonfile
from amato_ml.customer_revenue import model, synthetic
from amato_ml.customer_revenue.dataset import HORIZON_DAYS, ID
from amato_ml.customer_revenue.features import ONLINE_FEATURES, matrix
from amato_ml.customer_revenue.train import FORMAT, METADATA_FILE, ONNX_FILE, TrainingResult, train

SCORES_FILE = "customer-revenue-scores.json"
CUSTOMERS = 500
SEED = 11
ROWS = 100
PARAMS: dict[str, Any] = {
    "n_estimators": 12,
    "num_leaves": 7,
    "learning_rate": 0.2,
    "min_child_samples": 10,
}


def build() -> tuple[TrainingResult, dict[str, Any]]:
    """The trained fixture model and the document of the rows it scored."""
    first = synthetic.FIRST_CUTOFF
    train_set, eval_set = synthetic.generate(
        CUSTOMERS, SEED, (first, first + timedelta(days=HORIZON_DAYS))
    )
    result = train(train_set, eval_set, seed=SEED, params=PARAMS)
    frame = eval_set.frame
    picked = frame.iloc[
        pick_rows(result.served_predictions, frame["frequency"].to_numpy(), ROWS)
    ].reset_index(drop=True)
    features = picked.loc[:, list(ONLINE_FEATURES)].map(lambda value: float(f"{value:.6g}"))
    revenue = model.predict(result.served, matrix(features))
    rows = [
        {
            "customer_id": str(picked[ID].iloc[k]),
            "values": [_plain(features[name].iloc[k]) for name in ONLINE_FEATURES],
            "revenue": float(revenue[k]),
        }
        for k in range(len(picked))
    ]
    document = {
        "format": f"{FORMAT}.scores",
        "description": (
            "Customers of the fixture model's last dataset: their online feature values, in "
            "the order of features, and LightGBM's predicted revenue over the next 90 days. "
            "Written by python -m amato_ml.customer_revenue fixture; do not edit."
        ),
        "features": list(ONLINE_FEATURES),
        "rows": rows,
    }
    return result, document


def pick_rows(predictions: np.ndarray, orders: np.ndarray, count: int) -> list[int]:
    """Evenly spread rows by prediction, plus a customer without a sale and the top one."""
    ranked = np.argsort(predictions, kind="stable")
    spread = {int(ranked[int(k)]) for k in np.round(np.linspace(0, ranked.size - 1, count - 2))}
    extremes = {int(np.flatnonzero(orders == 0)[0]), int(ranked[-1])}
    return sorted(spread | extremes)[:count]


def write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    result, document = build()
    paths = [out / ONNX_FILE, out / METADATA_FILE, out / SCORES_FILE]
    paths[0].write_bytes(result.onnx)
    jsonfile.write(paths[1], result.metadata)
    jsonfile.write(paths[2], document)
    return paths


def _plain(value: object) -> object:
    """numpy scalars as the JSON numbers they are; integral floats as integers."""
    if isinstance(value, np.floating | float):
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value
