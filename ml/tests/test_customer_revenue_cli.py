import json
from datetime import timedelta
from pathlib import Path

import pytest
from test_customer_revenue_factories import CUTOFF, customer, written

from amato_ml.customer_revenue import fixture, synthetic
from amato_ml.customer_revenue.__main__ import main
from amato_ml.customer_revenue.dataset import LABEL, file_name

COMMITTED = Path(__file__).parents[2] / "libs/models/src/customer-revenue/fixtures"
LATER = CUTOFF + timedelta(days=90)


def run(capsys, *argv):
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *argv) -> str:
    """argparse's error for the arguments: exit 2 and the message on stderr."""
    with pytest.raises(SystemExit) as exited:
        main([str(arg) for arg in argv])
    assert exited.value.code == 2
    return capsys.readouterr().err


@pytest.fixture(scope="module")
def synthetic_files(tmp_path_factory):
    directory = tmp_path_factory.mktemp("datasets")
    return synthetic.write(1_500, seed=4, cutoffs=(CUTOFF, LATER), out=directory)


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
    for option in ("--train", "--eval", "--out", "--seed"):
        assert option in out


def test_a_missing_option_is_an_argument_error(capsys):
    assert "the following arguments are required: --eval" in refused(
        capsys, "train", "--train", "a.parquet", "--out", "x"
    )


def test_an_out_that_is_a_file_is_an_argument_error(capsys, tmp_path):
    (tmp_path / "taken").write_text("")
    assert "exists and is not a directory" in refused(
        capsys, "train", "--train", "a", "--eval", "b", "--out", tmp_path / "taken"
    )


def test_a_bad_seed_or_cutoff_is_an_argument_error(capsys, tmp_path):
    assert "invalid int value" in refused(
        capsys, "train", "--train", "a", "--eval", "b", "--out", tmp_path, "--seed", "x"
    )
    assert "not an ISO 8601 time: soon" in refused(
        capsys, "synthetic", "--out", tmp_path, "--cutoff", "soon"
    )
    assert "must be a positive integer, got 0" in refused(
        capsys, "synthetic", "--out", tmp_path, "--customers", "0"
    )


def test_a_missing_file_is_a_clear_error(capsys, tmp_path):
    code, _, err = run(
        capsys, "train", "--train", tmp_path / "none.parquet", "--eval", "b", "--out", tmp_path
    )
    assert code == 2
    assert "none.parquet: no such file" in err


def test_a_file_whose_name_has_no_cutoff_is_a_clear_error(capsys, tmp_path):
    path = written(tmp_path, [customer()], name="customers.parquet")
    code, _, err = run(capsys, "train", "--train", path, "--eval", path, "--out", tmp_path)
    assert code == 2
    assert "customers.parquet: the file name carries no cutoff" in err


def test_cutoffs_less_than_90_days_apart_are_refused_naming_both(capsys, tmp_path):
    first = written(tmp_path, [customer(**{LABEL: 5.0})], CUTOFF)
    second = written(tmp_path, [customer(**{LABEL: 5.0})], CUTOFF + timedelta(days=30))
    code, _, err = run(capsys, "train", "--train", first, "--eval", second, "--out", tmp_path)
    assert code == 2
    assert "cutoff 2026-06-04T00:00:00.000Z" in err
    assert "cutoff 2026-07-04T00:00:00.000Z, 30 day(s) later" in err
    assert not (tmp_path / "customer-revenue.onnx").exists()


def test_the_files_in_the_wrong_order_are_refused(capsys, synthetic_files, tmp_path):
    first, second = synthetic_files
    code, _, err = run(capsys, "train", "--train", second, "--eval", first, "--out", tmp_path)
    assert code == 2
    assert "-90 day(s) later" in err


def test_synthetic_writes_two_datasets_named_as_the_batch_names_them(capsys, tmp_path):
    code, out, _ = run(capsys, "synthetic", "--out", tmp_path, "--customers", "50")
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [file_name(CUTOFF), file_name(LATER)]
    assert out.count("wrote") == 2


def test_train_writes_the_model_its_metadata_and_the_reports(capsys, synthetic_files, tmp_path):
    first, second = synthetic_files
    out_dir = tmp_path / "model"
    code, out, _ = run(capsys, "train", "--train", first, "--eval", second, "--out", out_dir)
    assert code == 0
    assert sorted(p.name for p in out_dir.iterdir()) == [
        "customer-revenue-report.json",
        "customer-revenue-report.md",
        "customer-revenue.json",
        "customer-revenue.onnx",
    ]
    report = json.loads((out_dir / "customer-revenue-report.json").read_text())
    assert set(report["holdout"]) == {"gbt", "bgnbd_gamma_gamma", "last_90_days", "zero"}
    for evaluation in report["holdout"].values():
        assert set(evaluation) >= {"mae", "rmse", "smape", "mape_nonzero", "total_predicted"}
    assert report["mae_improvement_over_last_90_days_pct"]["last_90_days"] == 0
    assert report["cutoffs"] == {
        "train": "2026-06-04T00:00:00.000Z",
        "eval": "2026-09-02T00:00:00.000Z",
    }
    assert "beat the last-90-days baseline" in report["verdict"]
    markdown = (out_dir / "customer-revenue-report.md").read_text()
    assert report["verdict"] in markdown
    assert "BG/NBD × Gamma-Gamma" in markdown
    metadata = json.loads((out_dir / "customer-revenue.json").read_text())
    assert metadata["format"] == "amato.customer-revenue.v1"
    assert metadata["datasets"] == {"train": first.name, "eval": second.name}
    assert "ONNX vs LightGBM" in out


def test_the_fixture_is_deterministic_small_and_the_committed_one(tmp_path):
    first = fixture.write(tmp_path / "a")
    second = fixture.write(tmp_path / "b")
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
    assert sum(p.stat().st_size for p in first) < 100_000
    for path in first:
        committed = COMMITTED / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} is stale: run python -m amato_ml.customer_revenue fixture --out "
            f"{COMMITTED}"
        )


def test_the_fixture_rows_span_the_predictions_and_a_customer_without_a_sale():
    _, document = fixture.build()
    assert 90 <= len(document["rows"]) <= 100
    frequency = document["features"].index("frequency")
    assert any(row["values"][frequency] == 0 for row in document["rows"])
    revenue = [row["revenue"] for row in document["rows"]]
    assert max(revenue) - min(revenue) > 100
