"""How a session's state becomes the model's input row; libs/models/src/journey encodes the same.

The row is the five counts of the state, as float32, then a one-hot of the last page type over the
categories fixed at training, then one column for every other value: null (no page yet), a page
type the training data never showed, or a value that is no AMATO page type at all. `purchases` is
not an input: a session with a purchase has converted, and serving answers 1 without the model.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

# AMATO's page types, in the order of PAGE_TYPES in libs/contracts/src/events/clickstream.events.ts
# (a test keeps the two equal). Categories are written in this order, whatever the data's order.
PAGE_TYPES = (
    "home",
    "category",
    "product",
    "search",
    "cart",
    "checkout",
    "confirmation",
    "account",
    "content",
)

NUMERIC_FEATURES = ("pages", "depth", "time_on_site_seconds", "cart_adds", "searches")
PAGE_TYPE_PREFIX = "last_page_type="
OTHER_FEATURE = f"{PAGE_TYPE_PREFIX}other"


def page_type_categories(values: Iterable[object]) -> list[str]:
    """The AMATO page types that occur in the training values, in PAGE_TYPES order.

    A page type the training data never shows gets no column of its own (the trees could not use
    it); at serving it falls into the other column, as null and unknown values do.
    """
    seen = set(values)
    return [page_type for page_type in PAGE_TYPES if page_type in seen]


def feature_names(categories: Sequence[str]) -> list[str]:
    """The input columns, in order: the counts, one per category, then the other column."""
    return [
        *NUMERIC_FEATURES,
        *(f"{PAGE_TYPE_PREFIX}{category}" for category in categories),
        OTHER_FEATURE,
    ]


def page_type_columns(values: Iterable[object], categories: Sequence[str]) -> np.ndarray:
    """For each value, the index of its one-hot column among the page-type columns."""
    index = {category: k for k, category in enumerate(categories)}
    other = len(categories)
    return np.array([index.get(value, other) for value in values], dtype=np.int64)


def page_type_labels(values: Iterable[object], categories: Sequence[str]) -> np.ndarray:
    """Each value as its category, or "other": the grouping the depth baseline uses."""
    known = set(categories)
    return np.array([value if value in known else "other" for value in values], dtype=object)


def encode(frame: pd.DataFrame, categories: Sequence[str]) -> np.ndarray:
    """The float32 input rows [N, F] of the prefixes in `frame`, in feature_names order."""
    rows = np.zeros((len(frame), len(NUMERIC_FEATURES) + len(categories) + 1), dtype=np.float32)
    for k, name in enumerate(NUMERIC_FEATURES):
        rows[:, k] = frame[name].to_numpy(dtype=np.float64)
    columns = page_type_columns(frame["last_page_type"], categories)
    rows[np.arange(len(frame)), len(NUMERIC_FEATURES) + columns] = 1.0
    return rows
