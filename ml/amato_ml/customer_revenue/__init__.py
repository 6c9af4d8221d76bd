"""Each customer's expected sales revenue over the next 90 days, backtested honestly.

Gradient-boosted trees (LightGBM, Poisson deviance with a log link) on the online features
(what the stream keeps per customer) are fitted on a training dataset at one cutoff and graded
on the labels of a dataset at least 90 days later, against BG/NBD × Gamma-Gamma and two
baselines; then refitted on the later dataset, exported to ONNX and served from TypeScript
(libs/models/src/customer-revenue), which builds each customer's vector in the artifact's
feature order.

    python -m amato_ml.customer_revenue train --train F1.parquet --eval F2.parquet --out DIR
    python -m amato_ml.customer_revenue fixture --out ../libs/models/src/customer-revenue/fixtures/
    python -m amato_ml.customer_revenue synthetic --out DIR
"""

from amato_ml.customer_revenue.dataset import (
    HORIZON_DAYS,
    CustomerDataset,
    DatasetError,
    HoldoutError,
    check_holdout,
    cutoff_of,
    load_dataset,
)
from amato_ml.customer_revenue.features import ONLINE_FEATURES, matrix
from amato_ml.customer_revenue.train import FORMAT, TrainingResult, train

__all__ = [
    "FORMAT",
    "HORIZON_DAYS",
    "ONLINE_FEATURES",
    "CustomerDataset",
    "DatasetError",
    "HoldoutError",
    "TrainingResult",
    "check_holdout",
    "cutoff_of",
    "load_dataset",
    "matrix",
    "train",
]
