import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_forecast_factories import daily_table, replaced, write

from amato_ml.forecast.dataset import MIN_HISTORY_DAYS, DatasetError, from_table, load_dataset


def small(history: int = 150, future: int = 10) -> pa.Table:
    return daily_table(history=history, future=future)


def rows_of(table: pa.Table) -> list[dict[str, object]]:
    return table.to_pylist()


def table_of(rows: list[dict[str, object]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)


def test_a_well_formed_dataset_is_split_into_history_and_future():
    data = from_table(small(history=150, future=10))
    assert data.history_days == 150 and data.future_days == 10
    assert str(data.days[0]) == "2024-01-01" and str(data.days[-1]) == "2024-06-08"
    assert data.revenue.dtype == np.float64 and (data.revenue > 0).all()
    assert data.planned_spend.size == 160


def test_exactly_the_minimum_history_is_accepted_and_one_day_less_is_not():
    assert from_table(small(history=MIN_HISTORY_DAYS)).history_days == MIN_HISTORY_DAYS
    with pytest.raises(DatasetError, match=r"119 history day\(s\) with revenue, at least 120"):
        from_table(small(history=MIN_HISTORY_DAYS - 1))


def test_missing_columns_are_all_named(tmp_path):
    path = write(tmp_path / "d.parquet", small().drop_columns(["revenue", "orders"]))
    with pytest.raises(DatasetError, match=r"missing column\(s\) revenue, orders"):
        load_dataset(path)


def test_a_missing_file_and_a_file_that_is_not_parquet_are_clear_errors(tmp_path):
    with pytest.raises(DatasetError, match="none.parquet: no such file"):
        load_dataset(tmp_path / "none.parquet")
    path = tmp_path / "d.parquet"
    path.write_text("day,revenue\n")
    with pytest.raises(DatasetError, match="not a readable Parquet file"):
        load_dataset(path)


@pytest.mark.parametrize(
    ("column", "kind", "message"),
    [
        ("revenue", pa.string(), "column revenue is string, expected double"),
        ("orders", pa.float64(), "column orders is double, expected int64"),
        ("planned_spend", pa.int64(), "column planned_spend is int64, expected double"),
        ("day", pa.date32(), "column day is date32\\[day\\], expected string 'YYYY-MM-DD'"),
    ],
)
def test_a_column_of_the_wrong_type_is_named(tmp_path, column, kind, message):
    table = small()
    values = table.column(column).to_pylist()
    if column == "revenue":
        values = [None if v is None else str(v) for v in values]
    elif column == "planned_spend":
        values = [round(v) for v in values]
    elif column == "day":
        values = np.array(values, dtype="datetime64[D]").tolist()
    path = write(tmp_path / "d.parquet", replaced(table, column, values, kind))
    with pytest.raises(DatasetError, match=message):
        load_dataset(path)


def test_a_day_not_written_yyyy_mm_dd_is_named_with_its_row():
    table = small()
    days = table.column("day").to_pylist()
    days[4] = "2024/01/05"
    with pytest.raises(DatasetError, match=r"day at row 5 is '2024/01/05', expected 'YYYY-MM-DD'"):
        from_table(replaced(table, "day", days))


def test_a_gap_in_the_days_is_named():
    rows = rows_of(small())
    del rows[30:32]
    with pytest.raises(DatasetError, match=r"row 31 \(day 2024-02-02\) follows 2024-01-30: a gap"):
        from_table(table_of(rows, small().schema))


@pytest.mark.parametrize("duplicate", [False, True])
def test_unsorted_or_repeated_days_are_refused(duplicate):
    table = small()
    days = table.column("day").to_pylist()
    if duplicate:
        days[21] = days[20]
    else:
        days[20], days[21] = days[21], days[20]
    with pytest.raises(DatasetError, match=r"consecutive ascending days; row 22 .*not ascending"):
        from_table(replaced(table, "day", days))


def test_negative_revenue_is_named_with_its_first_day():
    table = small()
    revenue = table.column("revenue").to_pylist()
    revenue[9] = -5.0
    revenue[40] = -1.0
    with pytest.raises(
        DatasetError, match=r"revenue has 2 negative value\(s\), first at row 10 \(day 2024-01-10\)"
    ):
        from_table(replaced(table, "revenue", revenue))


def test_nan_revenue_in_the_history_is_not_taken_for_a_future_day():
    table = small()
    revenue = table.column("revenue").to_pylist()
    revenue[3] = float("nan")
    with pytest.raises(DatasetError, match=r"revenue has 1 null or non-finite value\(s\), first"):
        from_table(replaced(table, "revenue", revenue))


def test_future_rows_before_history_rows_are_refused():
    table = small()
    revenue = table.column("revenue").to_pylist()
    revenue[100] = None
    with pytest.raises(
        DatasetError,
        match=r"revenue is null at row 101 \(day 2024-04-10\) but set at row 102 .*future rows "
        r"\(null revenue\) must come after every history row",
    ):
        from_table(replaced(table, "revenue", revenue))


def test_planned_spend_must_be_known_and_non_negative_on_every_row():
    table = small()
    spend = table.column("planned_spend").to_pylist()
    spend[155] = None
    with pytest.raises(DatasetError, match=r"planned_spend has 1 null .* first at row 156"):
        from_table(replaced(table, "planned_spend", spend))
    spend[155] = -10.0
    with pytest.raises(DatasetError, match=r"planned_spend has 1 negative value\(s\)"):
        from_table(replaced(table, "planned_spend", spend))


def test_negative_orders_are_refused():
    table = small()
    orders = table.column("orders").to_pylist()
    orders[2] = -1
    with pytest.raises(DatasetError, match=r"column orders has 1 negative value\(s\)"):
        from_table(replaced(table, "orders", orders))


def test_an_empty_table_is_refused(tmp_path):
    path = tmp_path / "d.parquet"
    pq.write_table(small().slice(0, 0), path)
    with pytest.raises(DatasetError, match="no rows"):
        load_dataset(path)


def test_the_orders_of_the_history_are_kept_and_left_out_when_some_are_unknown():
    table = small(history=150, future=10)
    data = from_table(table)
    assert data.orders is not None and data.orders.size == 150 and data.orders.dtype == np.float64
    assert data.orders.tolist() == table.column("orders").to_pylist()[:150]
    orders = table.column("orders").to_pylist()
    orders[7] = None
    assert from_table(replaced(table, "orders", orders)).orders is None
