import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_journey_factories import prefix, table

from amato_ml.journey import fixture, synthetic
from amato_ml.journey.__main__ import main
from amato_ml.journey.dataset import DatasetError, load_dataset
from amato_ml.journey.synthetic import SCHEMA

COMMITTED = Path(__file__).parents[2] / "libs/models/src/journey/fixtures"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def written(tmp_path, rows, drop=()):
    """The rows as a Parquet file, without the columns in `drop`, nulls allowed anywhere."""
    path = tmp_path / "prefixes.parquet"
    data = pa.Table.from_pylist(rows, schema=pa.schema([f.with_nullable(True) for f in SCHEMA]))
    pq.write_table(data.drop_columns(list(drop)), path)
    return path


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for command in ("train", "fixture", "synthetic"):
        assert command in out


def test_train_help_names_its_options(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["train", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for option in ("--dataset", "--out", "--holdout-share", "--seed"):
        assert option in out


def test_a_missing_file_is_a_clear_error(capsys, tmp_path):
    code, _, err = run(capsys, "train", "--dataset", str(tmp_path / "none.parquet"), "--out", ".")
    assert code == 2
    assert "none.parquet: no such file" in err


def test_a_missing_column_is_named(capsys, tmp_path):
    path = written(tmp_path, [prefix("S1")], drop=["searches", "converted"])
    code, _, err = run(capsys, "train", "--dataset", str(path), "--out", str(tmp_path))
    assert code == 2
    assert "missing column(s) searches, converted" in err


def test_a_file_that_is_not_parquet_is_a_clear_error(tmp_path):
    path = tmp_path / "prefixes.parquet"
    path.write_text("session_id,pages\n")
    with pytest.raises(DatasetError, match="not a readable Parquet file"):
        load_dataset(path)


def test_a_column_of_the_wrong_type_is_named(tmp_path):
    path = tmp_path / "prefixes.parquet"
    data = table([prefix("S1")])
    data = data.set_column(2, "session_start", data.column("session_start").cast("string"))
    pq.write_table(data, path)
    with pytest.raises(DatasetError, match="session_start is string, expected int64"):
        load_dataset(path)


def test_a_session_whose_rows_disagree_on_the_outcome_is_refused(tmp_path):
    path = written(tmp_path, [prefix("S1", converted=True), prefix("S1", pages=2)])
    with pytest.raises(DatasetError, match="different converted, e.g. S1"):
        load_dataset(path)


def test_nulls_in_a_count_are_refused(tmp_path):
    path = written(tmp_path, [prefix("S1", cart_adds=None)])
    with pytest.raises(DatasetError, match="cart_adds has 1 null"):
        load_dataset(path)


def test_holdout_share_outside_zero_and_one_is_an_argument_error(capsys, tmp_path):
    with pytest.raises(SystemExit) as exited:
        main(["train", "--dataset", "x", "--out", "y", "--holdout-share", "1.5"])
    assert exited.value.code == 2
    assert "must be between 0 and 1 (exclusive), got 1.5" in capsys.readouterr().err


def test_train_writes_the_model_its_metadata_and_the_reports(capsys, tmp_path):
    dataset = tmp_path / "prefixes.parquet"
    synthetic.write(synthetic.generate(300, seed=4), dataset)
    code, out, _ = run(
        capsys, "train", "--dataset", str(dataset), "--out", str(tmp_path / "model"), "--seed", "3"
    )
    assert code == 0
    names = sorted(p.name for p in (tmp_path / "model").iterdir())
    assert names == ["journey-report.json", "journey-report.md", "journey.json", "journey.onnx"]
    report = json.loads((tmp_path / "model" / "journey-report.json").read_text())
    assert set(report["holdout"]) == {"model", "overall_rate", "depth_page_type_rate"}
    assert len(report["reliability"]) == 10
    assert "log loss" in out and "ONNX vs LightGBM" in out
    markdown = (tmp_path / "model" / "journey-report.md").read_text()
    assert "Against the overall training rate: log loss lower by" in markdown


def test_a_written_synthetic_dataset_reads_back_as_generated(tmp_path):
    frame = synthetic.generate(50, seed=2, null_share=0.2)
    synthetic.write(frame, tmp_path / "s.parquet")
    back = load_dataset(tmp_path / "s.parquet")
    assert back.equals(frame)
    assert back["last_page_type"].isna().any()


def test_the_fixture_is_deterministic_small_and_the_committed_one(tmp_path):
    first = fixture.write(tmp_path / "a")
    second = fixture.write(tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert sum(p.stat().st_size for p in first) < 300_000
    for path in first:
        committed = COMMITTED / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} is stale: run python -m amato_ml.journey fixture --out {COMMITTED}"
        )


def test_the_fixture_holdout_scores_every_page_type_column_null_and_unknown():
    _, document = fixture.build()
    page_types = {row["state"]["last_page_type"] for row in document["rows"]}
    metadata_categories = set(json.loads((COMMITTED / "journey.json").read_text())["page_types"])
    assert metadata_categories <= page_types
    assert None in page_types
    assert synthetic.UNKNOWN_PAGE_TYPE in page_types
    assert 150 <= len(document["rows"]) <= 200
