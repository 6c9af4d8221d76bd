"""Small prefix frames for the journey tests, built through the same checks as a Parquet file."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pyarrow as pa

from amato_ml.journey.dataset import from_table
from amato_ml.journey.synthetic import SCHEMA

DEFAULTS: dict[str, object] = {
    "customer_id": None,
    "session_start": 0,
    "pages": 1,
    "depth": 1,
    "time_on_site_seconds": 0,
    "cart_adds": 0,
    "searches": 0,
    "last_page_type": "home",
    "converted": False,
}


def prefix(session_id: str, **fields: object) -> dict[str, object]:
    """One prefix row; unspecified fields take DEFAULTS."""
    return {"session_id": session_id, **DEFAULTS, **fields}


def frame(rows: Sequence[dict[str, object]]) -> pd.DataFrame:
    return from_table(table(rows), "test rows")


def table(rows: Sequence[dict[str, object]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=SCHEMA)


def sessions(starts: Sequence[int], prefixes: int = 3, converted_every: int = 3) -> pd.DataFrame:
    """One session per start, `prefixes` rows each; every `converted_every`-th session converts."""
    return frame(
        [
            prefix(
                f"S{k}",
                session_start=start,
                pages=page,
                depth=page,
                converted=k % converted_every == 0,
            )
            for k, start in enumerate(starts)
            for page in range(1, prefixes + 1)
        ]
    )
