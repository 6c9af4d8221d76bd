"""Small synthetic customers for the segmentation tests: a few dense segments and far-out noise,
in the 36-feature layout of a training dataset."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from amato_ml.segmentation.features import ID_COLUMN, SEGMENTATION_FEATURES


def segments(
    seed: int = 3, per_segment: int = 60, segments: int = 3, outliers: int = 6, dimensions: int = 36
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, true segment per row; -1 for the outliers). Segments are unit blobs 12 apart;
    outliers sit 60 away from every centre, so any sensible clustering calls them noise."""
    rng = np.random.default_rng(seed)
    centres = np.eye(segments, dimensions) * 12.0
    rows = [rng.normal(centre, 1.0, size=(per_segment, dimensions)) for centre in centres]
    far = rng.choice([-1.0, 1.0], size=(outliers, dimensions)) * 60.0 / np.sqrt(dimensions) * 4
    truth = np.concatenate(
        [np.full(per_segment, s) for s in range(segments)] + [np.full(outliers, -1)]
    )
    return np.vstack([*rows, far]), truth


def dataset_frame(values: np.ndarray) -> pd.DataFrame:
    """A training-dataset-like frame: customer_id, the 36 features, and an unrelated column."""
    frame = pd.DataFrame(values, columns=list(SEGMENTATION_FEATURES))
    frame.insert(0, ID_COLUMN, [f"CUST_{i:06d}" for i in range(len(frame))])
    frame["country"] = "DE"
    return frame


def write_dataset(path: Path, values: np.ndarray, drop: tuple[str, ...] = ()) -> Path:
    dataset_frame(values).drop(columns=list(drop)).to_parquet(path)
    return path
