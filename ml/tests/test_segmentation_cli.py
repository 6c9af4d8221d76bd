import json
import re
from pathlib import Path

import numpy as np
import pytest
from test_segmentation_factories import segments, write_dataset

from amato_ml.segmentation import fixture
from amato_ml.segmentation.cli import main
from amato_ml.segmentation.features import SEGMENTATION_FEATURES, DatasetError, read_dataset

REPOSITORY = Path(__file__).parents[2]
COMMITTED = REPOSITORY / "libs/models/src/hdbscan/fixtures"
SCHEMA = REPOSITORY / "libs/features/src/features.schema.ts"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "train" in out and "fixture" in out


def test_train_help_names_its_options(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["train", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for option in (
        "--dataset",
        "--out",
        "--min-cluster-size",
        "--min-samples",
        "--holdout",
        "--seed",
    ):
        assert option in out


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--min-cluster-size", "0", "must be a positive integer, got 0"),
        ("--min-samples", "many", "not an integer: many"),
        ("--holdout", "1", "must be between 0 (inclusive) and 1 (exclusive), got 1"),
        ("--bootstraps", "-1", "must be 0 or more, got -1"),
    ],
)
def test_an_option_out_of_range_is_an_argument_error_naming_it(capsys, option, value, message):
    with pytest.raises(SystemExit) as exited:
        main(["train", "--dataset", "d", "--out", "o", option, value])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_train_fails_clearly_on_a_missing_file(capsys, tmp_path):
    code, out, err = run(
        capsys, "train", "--dataset", str(tmp_path / "nope.parquet"), "--out", str(tmp_path)
    )
    assert code == 2 and out == ""
    assert "nope.parquet: no such file" in err


def test_train_fails_clearly_on_missing_columns(capsys, tmp_path):
    values, _ = segments()
    path = write_dataset(tmp_path / "d.parquet", values, drop=("bounce_rate", "is_engaged"))
    code, _, err = run(capsys, "train", "--dataset", str(path), "--out", str(tmp_path / "out"))
    assert code == 2
    assert "missing column(s) bounce_rate, is_engaged" in err
    assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_parquet_is_refused(tmp_path):
    path = tmp_path / "d.parquet"
    path.write_text("customer_id,recency_days\n")
    with pytest.raises(DatasetError, match="not a readable Parquet file"):
        read_dataset(path)


def test_null_feature_values_are_refused_by_column(tmp_path):
    values, _ = segments()
    values[3, SEGMENTATION_FEATURES.index("frequency")] = np.nan
    with pytest.raises(DatasetError, match=r"unusable values in frequency \(1 null"):
        read_dataset(write_dataset(tmp_path / "d.parquet", values))


def test_train_writes_the_artifact_and_a_report_on_the_right_customers(capsys, tmp_path):
    values, _ = segments(per_segment=70)
    path = write_dataset(tmp_path / "d.parquet", values)
    out = tmp_path / "out"
    code, printed, _ = run(
        capsys, "train", "--dataset", str(path), "--out", str(out), "--min-cluster-size", "15",
        "--bootstraps", "2", "--splits", "1",
    )  # fmt: skip
    assert code == 0
    assert "3 clusters" in printed and "{" not in printed  # a summary, not JSON
    artifact = json.loads((out / "hdbscan.json").read_text())
    result = json.loads((out / "hdbscan-report.json").read_text())
    customers = values.shape[0]
    held = round(0.2 * customers)
    assert artifact["features"] == list(SEGMENTATION_FEATURES)
    assert artifact["points"]["rows"] == result["fit"]["customers"] == customers - held
    assert result["holdout"]["customers"] == held
    assigned = sum(result["holdout"]["clusters"].values()) + result["holdout"]["noise"]
    assert assigned == held
    assert result["quality"]["points"] == sum(c["size"] for c in result["clusters"])
    assert len(result["stability"]["bootstrap"]["runs"]) == 2
    assert result["stability"]["bootstrap"]["mean_ari"] == pytest.approx(1.0)
    assert result["outside_prediction_map"] == {"customers": 0, "by_label": {}}
    assert "## Stability" in (out / "hdbscan-report.md").read_text()
    holdout = json.loads((out / "hdbscan-holdout.json").read_text())
    assert len(holdout["customer_ids"]) == len(holdout["labels"]) == held


def test_fixture_is_deterministic_and_committed_as_generated(tmp_path):
    first = fixture.write_fixture(tmp_path / "a")
    second = fixture.write_fixture(tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes()
        assert a.stat().st_size < 150_000
        committed = COMMITTED / a.name
        if committed.exists():
            assert a.read_bytes() == committed.read_bytes(), f"regenerate {committed}"


def test_fixture_holdout_includes_noise_and_every_cluster(tmp_path):
    artifact_path, holdout_path = fixture.write_fixture(tmp_path)
    artifact = json.loads(artifact_path.read_text())
    labels = json.loads(holdout_path.read_text())["labels"]
    assert set(labels) == {-1, *range(len(artifact["clusters"]))}
    assert "Infinity" in artifact["condensed_tree"]["lambda_val"]
    # The two runs: a cluster whose prediction map reaches only one of them.
    assert [
        (c["size"], c["mapped_size"]) for c in artifact["clusters"] if c["mapped_size"] < c["size"]
    ] == [(2 * fixture.PAIR_RUN, fixture.PAIR_RUN)]


@pytest.mark.skipif(not SCHEMA.exists(), reason="the TypeScript feature schema is not here")
def test_segmentation_features_are_the_schema_features_in_order():
    source = SCHEMA.read_text()
    block = source[source.index("export const FEATURE_DOCS = {") : source.index("} as const;")]
    names = re.findall(r"^  (\w+):", block, flags=re.MULTILINE)
    assert tuple(names) == SEGMENTATION_FEATURES


def test_train_refuses_more_neighbours_than_customers(capsys, tmp_path):
    values, _ = segments()
    path = write_dataset(tmp_path / "d.parquet", values)
    code, _, err = run(
        capsys, "train", "--dataset", str(path), "--out", str(tmp_path), "--min-samples", "200"
    )
    assert code == 2
    assert "fewer than 2 × min_samples = 400" in err


def test_train_without_holdout_reports_an_empty_holdout(capsys, tmp_path):
    values, _ = segments()
    path = write_dataset(tmp_path / "d.parquet", values)
    argv = ["train", "--dataset", str(path), "--out", str(tmp_path), "--holdout", "0"]
    code, _, _ = run(capsys, *argv, "--bootstraps", "0", "--splits", "0")
    assert code == 0
    result = json.loads((tmp_path / "hdbscan-report.json").read_text())
    assert result["holdout"]["customers"] == 0 and result["fit"]["customers"] == values.shape[0]
    assert result["stability"]["bootstrap"] == {"runs": [], "mean_ari": None, "min_ari": None}
