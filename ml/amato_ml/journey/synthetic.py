"""Synthetic prefix datasets of the batch layer's shape, to develop and test on before real data.

Each session has a hidden purchase intent that makes it browse products, add to the cart, reach
the checkout and buy; one row is written per page view until the purchase or the end. The intent
is never written, so the model has to infer it from the counts and the page path, as with real
sessions. A small share of page types is null or not an AMATO page type, as a stream can deliver.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from amato_ml.journey.dataset import from_table

SCHEMA = pa.schema(
    [
        pa.field("session_id", pa.string(), nullable=False),
        pa.field("customer_id", pa.string()),
        pa.field("session_start", pa.int64(), nullable=False),
        pa.field("pages", pa.int32(), nullable=False),
        pa.field("depth", pa.int32(), nullable=False),
        pa.field("time_on_site_seconds", pa.int32(), nullable=False),
        pa.field("cart_adds", pa.int32(), nullable=False),
        pa.field("searches", pa.int32(), nullable=False),
        pa.field("last_page_type", pa.string()),
        pa.field("converted", pa.bool_(), nullable=False),
    ]
)

START_MS = int(datetime(2026, 1, 5, tzinfo=UTC).timestamp() * 1000)
DAY_MS = 86_400_000
MAX_PAGES = 40
UNKNOWN_PAGE_TYPE = "wishlist"  # not an AMATO page type: serving must still encode it

LANDING = (("home", 0.45), ("category", 0.25), ("product", 0.25), ("content", 0.05))
BROWSE = (
    ("product", 0.45),
    ("category", 0.25),
    ("search", 0.12),
    ("home", 0.06),
    ("cart", 0.06),
    ("account", 0.03),
    ("content", 0.03),
)


def generate(
    sessions: int = 20_000,
    seed: int = 7,
    days: int = 28,
    null_share: float = 0.01,
    unknown_share: float = 0.005,
) -> pd.DataFrame:
    """`sessions` sessions starting over `days` days, as prefix rows; the same seed, same rows.

    The frame is the one load_dataset would read back from the Parquet file `write` makes.
    """
    rng = np.random.default_rng(seed)
    rows: list[tuple[object, ...]] = []
    for index in range(sessions):
        session_id = f"S{index + 1:07d}"
        customer = f"C{rng.integers(1, max(2, sessions // 3)):07d}" if rng.random() < 0.6 else None
        start = START_MS + int(rng.integers(0, days * DAY_MS))
        prefixes, converted = _session(rng)
        for *counts, page_type in prefixes:
            noise = rng.random()
            if noise < null_share:
                recorded = None
            elif noise < null_share + unknown_share:
                recorded = UNKNOWN_PAGE_TYPE
            else:
                recorded = page_type
            rows.append((session_id, customer, start, *counts, recorded, converted))
    columns = [list(column) for column in zip(*rows, strict=True)]
    return from_table(pa.table(columns, schema=SCHEMA), "synthetic dataset")


def write(frame: pd.DataFrame, path: Path) -> None:
    """The frame as Parquet in the batch layer's column types."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pandas(frame, schema=SCHEMA, preserve_index=False), path)


def _pick(rng: np.random.Generator, table: tuple[tuple[str, float], ...]) -> str:
    names = [name for name, _ in table]
    weights = np.array([weight for _, weight in table])
    return str(names[int(rng.choice(len(names), p=weights / weights.sum()))])


def _session(
    rng: np.random.Generator,
) -> tuple[list[tuple[int, int, int, int, int, str | None]], bool]:
    """One session's prefixes (pages, depth, seconds, cart adds, searches, page type), outcome."""
    intent = rng.beta(1.5, 4.0)
    prefixes: list[tuple[int, int, int, int, int, str | None]] = []
    pages = depth = seconds = cart_adds = searches = 0
    page_type = _pick(rng, LANDING)
    while True:
        pages += 1
        depth += 1
        searches += int(page_type == "search")
        prefixes.append((pages, depth, seconds, cart_adds, searches, page_type))
        if page_type == "checkout" and rng.random() < 0.35 + 0.6 * intent:
            return prefixes, True
        if page_type == "product" and rng.random() < 0.1 + 0.5 * intent:
            cart_adds += 1
        leave = 0.35 if pages == 1 else 0.1 + 0.25 * (1 - intent)
        if pages >= MAX_PAGES or rng.random() < leave:
            return prefixes, False
        seconds += int(np.clip(round(rng.lognormal(3.2, 0.8)), 2, 1800))
        if rng.random() < 0.03:  # a reload: one more page view, no deeper
            depth -= 1
        elif page_type == "cart" and cart_adds and rng.random() < 0.3 + 0.6 * intent:
            page_type = "checkout"
        elif cart_adds and rng.random() < 0.1 + 0.4 * intent:
            page_type = "cart"
        else:
            page_type = _pick(rng, BROWSE)
