"""Reading a training dataset's Parquet file, with errors that name the file and the column.

Each dataset module declares its columns (name → the type it expects, as words, and a check of
the Arrow type) and its own error class; this reads the file only after every column is found
and of its type.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

TypeCheck = Callable[[pa.DataType], bool]


def check_columns(
    schema: pa.Schema,
    source: str,
    columns: Mapping[str, tuple[str, TypeCheck]],
    error: type[ValueError],
) -> None:
    """Every column is present (all missing ones named at once) and of its type."""
    missing = [name for name in columns if name not in schema.names]
    if missing:
        raise error(f"{source}: missing column(s) {', '.join(missing)}")
    for name, (expected, is_expected) in columns.items():
        actual = schema.field(name).type
        if not is_expected(actual):
            raise error(f"{source}: column {name} is {actual}, expected {expected}")


def read_checked(
    path: str | Path,
    columns: Mapping[str, tuple[str, TypeCheck]],
    error: type[ValueError],
) -> pa.Table:
    """The file's `columns`, once it exists, is Parquet and has them, each of its type."""
    path = Path(path)
    if not path.is_file():
        raise error(f"{path}: no such file")
    try:
        schema = pq.read_schema(path)
    except (pa.ArrowException, OSError) as failure:
        raise error(f"{path}: not a readable Parquet file ({failure})") from failure
    check_columns(schema, str(path), columns, error)
    return pq.read_table(path, columns=list(columns))
