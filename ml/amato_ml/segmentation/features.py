"""The segmentation vector: which columns of the training dataset the model clusters, and how
they are read.

The names and their order are those of the `features` object of CustomerFeaturesSchema
(libs/features/src/features.schema.ts): serving reads the same object, so the order here is the
order of the artifact's points and of the vector TypeScript builds for a new customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

SEGMENTATION_FEATURES: tuple[str, ...] = (
    "recency_days",
    "frequency",
    "monetary_value",
    "recency_score",
    "frequency_score",
    "monetary_score",
    "rfm_score",
    "customer_lifetime_value",
    "total_sessions",
    "avg_session_duration",
    "total_page_views",
    "conversion_events",
    "add_to_cart_events",
    "search_queries",
    "product_interactions",
    "unique_products_viewed",
    "avg_engagement_score",
    "cart_abandonment_rate",
    "bounce_rate",
    "return_visitor_rate",
    "purchase_velocity",
    "engagement_score_normalized",
    "session_intensity",
    "conversion_efficiency",
    "search_intensity",
    "product_exploration",
    "cart_behavior",
    "rfm_composite",
    "value_engagement_ratio",
    "churn_risk",
    "upsell_potential",
    "lifetime_value_potential",
    "is_high_value",
    "is_engaged",
    "is_mobile_user",
    "is_return_visitor",
)

# What a segment is described by, in original units: the four numbers a marketer reads first.
SUMMARY_FEATURES: tuple[str, ...] = (
    "monetary_value",
    "frequency",
    "recency_days",
    "avg_engagement_score",
)

ID_COLUMN = "customer_id"


class DatasetError(ValueError):
    """The training dataset cannot be used: no such file, a missing column, or non-numbers."""


@dataclass(frozen=True)
class Dataset:
    """Customers in file order: their ids and their raw (unscaled) segmentation vectors."""

    customer_ids: np.ndarray
    features: tuple[str, ...]
    values: np.ndarray  # (customers, features), float64, original units


def read_dataset(path: Path, features: tuple[str, ...] = SEGMENTATION_FEATURES) -> Dataset:
    """Reads the customer ids and the segmentation columns of a training-dataset Parquet file.

    Only the needed columns are read (the file has ~75), and every problem is reported at once
    by name, so a dataset written by an older `./amato batch` fails with the list of what it
    lacks rather than with the first KeyError.
    """
    if not path.is_file():
        raise DatasetError(f"dataset {path}: no such file")
    try:
        schema = pq.read_schema(path)
    except Exception as error:  # pyarrow raises several types for a file that is not Parquet
        raise DatasetError(f"dataset {path}: not a readable Parquet file ({error})") from error
    wanted = (ID_COLUMN, *features)
    missing = [name for name in wanted if name not in schema.names]
    if missing:
        raise DatasetError(f"dataset {path}: missing column(s) {', '.join(missing)}")
    frame = pd.read_parquet(path, columns=list(wanted))
    return Dataset(
        customer_ids=frame[ID_COLUMN].astype(str).to_numpy(),
        features=features,
        values=numeric_matrix(frame, features, str(path)),
    )


def numeric_matrix(frame: pd.DataFrame, features: tuple[str, ...], source: str) -> np.ndarray:
    """The feature columns as a float64 matrix, refusing nulls and non-finite values by column:
    HDBSCAN would either crash on them or silently place those customers anywhere."""
    columns, problems = [], []
    for name in features:
        column = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=np.float64)
        bad = int(np.count_nonzero(~np.isfinite(column)))
        if bad:
            problems.append(f"{name} ({bad} null, non-numeric or non-finite)")
        columns.append(column)
    if problems:
        raise DatasetError(f"dataset {source}: unusable values in {', '.join(problems)}")
    return np.column_stack(columns) if columns else np.empty((len(frame), 0))
