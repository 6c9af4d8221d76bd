import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from amato_ml.campaign import cli, fixture, synthetic
from amato_ml.campaign.train import (
    OUTCOME_FORMAT,
    OUTCOME_ONNX,
    REPORT_MD,
    RESPONSE_FILE,
    RESPONSE_FORMAT,
)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    directory = tmp_path_factory.mktemp("campaign")
    path = directory / "campaign_days.parquet"
    days = synthetic.campaign_days(campaigns=48, seed=5)
    pq.write_table(pa.Table.from_pandas(days, preserve_index=False), path)
    out = directory / "out"
    code = cli.main(["train", "--dataset", str(path), "--out", str(out), "--bootstrap", "20"])
    return code, out


def test_writes_the_served_artifacts_and_the_report(trained):
    code, out = trained
    assert code == 0
    response = json.loads((out / RESPONSE_FILE).read_text())
    assert response["format"] == RESPONSE_FORMAT
    assert set(response["channels"]) == {"email", "search", "social"}
    assert len(response["samples"]) == 20
    assert len(response["samples"][0]["ceiling"]) == 3
    metadata = json.loads((out / "campaign-outcome.json").read_text())
    assert metadata["format"] == OUTCOME_FORMAT
    assert metadata["outputs"] == ["roas", "conversions_per_unit"]
    assert metadata["onnx_max_relative_difference"] < 1e-4
    assert (out / OUTCOME_ONNX).stat().st_size > 1000


def test_the_models_beat_the_channel_roas_baseline_on_held_out_campaigns(trained):
    _, out = trained
    report = json.loads((out / "campaign-report.json").read_text())
    metrics = report["backtest"]["metrics"]
    assert metrics["response_curves"]["roas"]["mae_vs_baseline"] > 0.2
    assert metrics["outcome_model"]["roas"]["mae_vs_baseline"] > 0
    allocation = report["backtest"]["allocation"]
    assert sum(allocation["optimised_spend"].values()) == pytest.approx(allocation["budget"])
    assert allocation["scores"]["response_curves"]["uplift"] >= 0
    assert "Held-out campaigns: predicted against actual" in (out / REPORT_MD).read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--holdout-share", "1"], "must be between 0 and 1"),
        (["--bootstrap", "0"], "must be a positive integer"),
        (["--seed", "x"], "not an integer"),
    ],
)
def test_refuses_bad_arguments(args, message, capsys, tmp_path):
    with pytest.raises(SystemExit):
        cli.main(["train", "--dataset", "d.parquet", "--out", str(tmp_path), *args])
    assert message in capsys.readouterr().err


def test_reports_a_bad_dataset_and_exits_1(capsys, tmp_path):
    assert (
        cli.main(["train", "--dataset", str(tmp_path / "no.parquet"), "--out", str(tmp_path)]) == 1
    )
    assert "no such file" in capsys.readouterr().err


COMMITTED = Path(__file__).parents[2] / "libs/models/src/campaign/fixtures"


def test_the_fixture_is_deterministic_and_the_committed_one(tmp_path):
    first = fixture.write(tmp_path / "a")
    second = fixture.write(tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), f"{a.name} differs between two runs"
        committed = COMMITTED / a.name
        assert committed.read_bytes() == a.read_bytes(), (
            f"{committed} is stale: run python -m amato_ml.campaign fixture --out {COMMITTED}"
        )


def test_exits_3_on_a_valid_dataset_of_too_few_campaigns(capsys, tmp_path):
    path = tmp_path / "few.parquet"
    days = synthetic.campaign_days(campaigns=3)
    pq.write_table(pa.Table.from_pandas(days, preserve_index=False), path)
    assert (
        cli.main(["train", "--dataset", str(path), "--out", str(tmp_path)]) == cli.TOO_FEW_CAMPAIGNS
    )
    assert "3 campaign(s)" in capsys.readouterr().err
