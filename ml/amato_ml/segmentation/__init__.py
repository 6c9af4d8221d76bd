"""AMATO's customer segmentation: HDBSCAN on the standardized 36-field segmentation vector.

Trained here (`python -m amato_ml.segmentation train`), served from TypeScript
(libs/models/src/hdbscan), which assigns new customers the way hdbscan's approximate_predict
does from the artifact this package writes (format amato.hdbscan.v1, see model.py).
"""

from .features import SEGMENTATION_FEATURES, SUMMARY_FEATURES, DatasetError, read_dataset
from .model import ARTIFACT_FORMAT, build_artifact, default_min_cluster_size
from .scaling import Standardizer
from .train import train

__all__ = [
    "ARTIFACT_FORMAT",
    "SEGMENTATION_FEATURES",
    "SUMMARY_FEATURES",
    "DatasetError",
    "Standardizer",
    "build_artifact",
    "default_min_cluster_size",
    "read_dataset",
    "train",
]
