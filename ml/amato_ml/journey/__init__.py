"""The live-session conversion model: will a session that has not purchased yet end with one?

Trained here with LightGBM on session prefixes (one row per page view before the first purchase),
split by time so the holdout is the latest sessions, exported to ONNX and served from TypeScript
(libs/models/src/journey) with onnxruntime-node. Both sides encode a session's state the same way,
from the feature list and page-type categories written in the model's metadata.

    python -m amato_ml.journey train --dataset FILE.parquet --out DIR
    python -m amato_ml.journey fixture --out ../libs/models/src/journey/fixtures/
    python -m amato_ml.journey synthetic --out FILE.parquet
"""

from amato_ml.journey.dataset import DatasetError, load_dataset
from amato_ml.journey.features import (
    NUMERIC_FEATURES,
    OTHER_FEATURE,
    PAGE_TYPES,
    encode,
    feature_names,
    page_type_categories,
)
from amato_ml.journey.split import TimeSplit, time_split
from amato_ml.journey.train import TrainingResult, train

__all__ = [
    "NUMERIC_FEATURES",
    "OTHER_FEATURE",
    "PAGE_TYPES",
    "DatasetError",
    "TimeSplit",
    "TrainingResult",
    "encode",
    "feature_names",
    "load_dataset",
    "page_type_categories",
    "time_split",
    "train",
]
