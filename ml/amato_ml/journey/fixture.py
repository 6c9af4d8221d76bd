"""The fixture the TypeScript scorer is tested against: a small model and its holdout answers.

A few trees trained on a small synthetic dataset, exported exactly as `train` exports, with about
200 holdout prefixes: their raw state (what the stream processor holds), the row Python encoded
from it and LightGBM's probability. The TypeScript tests encode the states themselves and score
both, so the featurizer and the runtime are each checked against Python. Every output is
deterministic: regenerating gives the committed bytes (a test checks it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from amato_ml import jsonfile
from amato_ml.journey import synthetic
from amato_ml.journey.features import page_type_labels
from amato_ml.journey.train import FORMAT, METADATA_FILE, ONNX_FILE, TrainingResult, train

HOLDOUT_FILE = "journey-holdout.json"
SESSIONS = 1_200
SEED = 11
HOLDOUT_ROWS = 200
# Noisier page types than the default, so the holdout shows null and unknown ones.
NULL_SHARE = 0.03
UNKNOWN_SHARE = 0.03
PARAMS: dict[str, Any] = {
    "n_estimators": 12,
    "num_leaves": 7,
    "learning_rate": 0.2,
    "min_child_samples": 20,
}
STATE_FIELDS = (
    "session_id",
    "customer_id",
    "pages",
    "depth",
    "time_on_site_seconds",
    "cart_adds",
    "searches",
    "last_page_type",
)


def build() -> tuple[TrainingResult, dict[str, Any]]:
    """The trained fixture model and the holdout document."""
    frame = synthetic.generate(
        SESSIONS, seed=SEED, days=14, null_share=NULL_SHARE, unknown_share=UNKNOWN_SHARE
    )
    result = train(frame, holdout_share=0.2, seed=SEED, params=PARAMS, source="synthetic fixture")
    picked = pick_rows(result, HOLDOUT_ROWS)
    holdout = result.holdout
    rows = [
        {
            "state": {
                **{name: _plain(holdout.at[k, name]) for name in STATE_FIELDS},
                "purchases": 0,
            },
            "features": [_plain(value) for value in result.holdout_rows[k]],
            "probability": float(result.holdout_probability[k]),
        }
        for k in picked
    ]
    document = {
        "format": f"{FORMAT}.holdout",
        "description": (
            "Holdout prefixes of the fixture model: the state, the row Python encoded from it "
            "and LightGBM's predict_proba of converting. Written by python -m amato_ml.journey "
            "fixture; do not edit."
        ),
        "features": result.metadata["features"],
        "rows": rows,
    }
    return result, document


def pick_rows(result: TrainingResult, count: int) -> list[int]:
    """Evenly spread holdout rows, plus the first of each page-type column so each is scored."""
    labels = page_type_labels(result.holdout["last_page_type"], result.metadata["page_types"])
    firsts = {int(np.flatnonzero(labels == label)[0]) for label in dict.fromkeys(labels)}
    spread = np.linspace(0, len(labels) - 1, num=min(count, len(labels)) - len(firsts))
    picked = firsts | {int(k) for k in np.round(spread)}
    return sorted(picked)[:count]


def write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    result, document = build()
    paths = [out / ONNX_FILE, out / METADATA_FILE, out / HOLDOUT_FILE]
    paths[0].write_bytes(result.onnx)
    jsonfile.write(paths[1], result.metadata)
    jsonfile.write(paths[2], document)
    return paths


def _plain(value: object) -> object:
    """numpy scalars as the JSON numbers they are; integral floats as integers."""
    if isinstance(value, np.floating):
        return int(value) if float(value).is_integer() else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value
