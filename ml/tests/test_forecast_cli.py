import json

import pytest
from test_forecast_factories import daily_table, replaced, write

from amato_ml import jsonfile
from amato_ml.forecast import KINDS, REPORT_FORMAT
from amato_ml.forecast.__main__ import main
from amato_ml.forecast.train import ARTIFACT_FILE, REPORT_JSON, REPORT_MD

FILES = (ARTIFACT_FILE, REPORT_JSON, REPORT_MD)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """400 history days and 30 future rows: shorter than the real thing, to train quickly."""
    return write(tmp_path_factory.mktemp("data") / "daily.parquet", daily_table(400, 30))


def test_help_lists_the_command(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    assert "train" in capsys.readouterr().out


def test_train_help_names_its_options(capsys):
    with pytest.raises(SystemExit) as exited:
        main(["train", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for option in ("--dataset", "--out", "--fourier", "--backtest-origins", "--backtest-horizon"):
        assert option in out


def test_train_writes_the_three_files_reproducibly(capsys, tmp_path, dataset):
    argv = ["train", "--dataset", str(dataset), "--backtest-origins", "1", "--fourier", "3"]
    code, out, err = run(capsys, *argv, "--out", str(tmp_path / "a"))
    assert code == 0 and err == ""
    assert "backtest (1 origin × 28 days): MAE" in out and "wrote " in out
    assert run(capsys, *argv, "--out", str(tmp_path / "b"))[0] == 0
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    artifact = json.loads((tmp_path / "a" / ARTIFACT_FILE).read_text())
    report = json.loads((tmp_path / "a" / REPORT_JSON).read_text())
    # The fewer future rows than 90 are the days forecast, and nothing after them.
    assert len(artifact["points"]) == 30 and artifact["points"][-1]["day"] == "2025-03-05"
    chosen = artifact["model"]
    assert chosen["kind"] in KINDS and all(isinstance(name, str) for name in chosen["regressors"])
    assert report["selection"]["chosen"].split(" + ")[0] == chosen["kind"]
    assert len(report["selection"]["candidates"]) == 2 * len(KINDS)
    assert f"model: {report['selection']['chosen']} (" in out and "candidates (backtest MAE)" in out
    assert report["format"] == REPORT_FORMAT and report["dataset"] == "daily.parquet"
    # Both files are written the way jsonfile writes them: Prettier's layout.
    for name, value in ((ARTIFACT_FILE, artifact), (REPORT_JSON, report)):
        assert (tmp_path / "a" / name).read_text() == jsonfile.dumps(value)
    assert (tmp_path / "a" / REPORT_MD).read_text().startswith("# Daily revenue forecast\n")


def test_a_bad_dataset_exits_2_with_the_problem_and_writes_nothing(capsys, tmp_path):
    table = daily_table(200, 10)
    revenue = table.column("revenue").to_pylist()
    revenue[50] = -3.0
    path = write(tmp_path / "bad.parquet", replaced(table, "revenue", revenue))
    out_dir = tmp_path / "out"
    code, out, err = run(capsys, "train", "--dataset", str(path), "--out", str(out_dir))
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "column revenue has 1 negative value(s)" in err
    assert not out_dir.exists()


def test_a_missing_dataset_exits_2(capsys, tmp_path):
    code, _, err = run(
        capsys, "train", "--dataset", str(tmp_path / "none.parquet"), "--out", str(tmp_path)
    )
    assert code == 2 and "none.parquet: no such file" in err


def test_a_backtest_longer_than_the_history_exits_2(capsys, tmp_path):
    path = write(tmp_path / "short.parquet", daily_table(130, 0))
    code, _, err = run(
        capsys, "train", "--dataset", str(path), "--out", str(tmp_path), "--backtest-horizon", "60"
    )
    assert code == 2 and "leave no backtest origin" in err


def test_options_must_be_positive(capsys, tmp_path):
    with pytest.raises(SystemExit) as exited:
        main(["train", "--dataset", "d", "--out", str(tmp_path), "--fourier", "0"])
    assert exited.value.code == 2
    assert "must be a positive integer" in capsys.readouterr().err
