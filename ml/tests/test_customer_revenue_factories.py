"""Small customer datasets for the customer revenue tests, built through the file's checks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from amato_ml.customer_revenue.dataset import (
    AGE,
    ID,
    LABEL,
    CustomerDataset,
    file_name,
    from_table,
)
from amato_ml.customer_revenue.features import ONLINE_FEATURES
from amato_ml.customer_revenue.synthetic import SCHEMA

CUTOFF = datetime(2026, 6, 4, tzinfo=UTC)


def customer(customer_id: str = "C1", **fields: object) -> dict[str, object]:
    """One row: a customer with one sale 40 days ago, every other feature 0, unless given.

    Dotted feature names are passed as a dict: customer("C1", **{"windows.revenue_90d": 5}).
    """
    row: dict[str, object] = {name: 0.0 for name in ONLINE_FEATURES}
    row.update({"frequency": 1.0, "recency_days": 40.0, "avg_order_value": 50.0})
    row.update({ID: customer_id, AGE: 40.5, LABEL: 0.0, "label_churned_next_90d": True})
    row.update(fields)
    return row


def never_bought(customer_id: str = "C0", **fields: object) -> dict[str, object]:
    return customer(
        customer_id, frequency=0.0, avg_order_value=0.0, recency_days=12.0, **{AGE: None, **fields}
    )


def table(rows: Sequence[dict[str, object]]) -> pa.Table:
    return pa.Table.from_pylist(list(rows), schema=SCHEMA)


def dataset(rows: Sequence[dict[str, object]], cutoff: datetime = CUTOFF) -> CustomerDataset:
    source = f"test {file_name(cutoff)}"
    return CustomerDataset(source=source, cutoff=cutoff, frame=from_table(table(rows), source))


def written(
    directory: Path,
    rows: Sequence[dict[str, object]],
    cutoff: datetime = CUTOFF,
    drop: Sequence[str] = (),
    name: str | None = None,
) -> Path:
    """The rows as a Parquet file named as the batch names it, nulls allowed anywhere."""
    path = directory / (name or file_name(cutoff))
    nullable = pa.schema([field.with_nullable(True) for field in SCHEMA])
    pq.write_table(pa.Table.from_pylist(list(rows), schema=nullable).drop_columns(list(drop)), path)
    return path
