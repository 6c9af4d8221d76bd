import numpy as np
import onnx
import pytest
from test_journey_factories import sessions

from amato_ml.journey import model, synthetic
from amato_ml.journey.__main__ import main
from amato_ml.journey.dataset import DatasetError
from amato_ml.journey.features import encode
from amato_ml.journey.train import FORMAT, ExportMismatchError, train

SMALL = {"n_estimators": 20, "num_leaves": 7, "min_child_samples": 10}


@pytest.fixture(scope="module")
def data():
    return synthetic.generate(400, seed=3, null_share=0.05, unknown_share=0.05)


@pytest.fixture(scope="module")
def result(data):
    return train(data, holdout_share=0.25, seed=9, params=SMALL)


def test_onnx_probabilities_equal_lightgbm_predict_proba(result):
    onnx_probability = model.onnx_predict(result.onnx, result.holdout_rows)
    assert np.max(np.abs(onnx_probability - result.holdout_probability)) <= 1e-5
    assert result.metadata["metrics"]["onnx_max_abs_difference"] <= 1e-5
    assert result.holdout_probability.std() > 0  # not a constant model agreeing trivially


def test_onnx_agrees_on_rows_no_training_prefix_looked_like(result):
    rng = np.random.default_rng(0)
    rows = np.zeros((500, result.holdout_rows.shape[1]), dtype=np.float32)
    rows[:, :5] = rng.integers(0, 300, size=(500, 5))
    rows[np.arange(500), 5 + rng.integers(0, rows.shape[1] - 5, size=500)] = 1
    expected = model.predict(result.classifier, rows)
    assert np.max(np.abs(model.onnx_predict(result.onnx, rows) - expected)) <= 1e-5


def test_the_graph_takes_float32_input_rows_and_gives_plain_probabilities(result):
    graph = onnx.load_model_from_string(result.onnx).graph
    (source,) = graph.input
    assert source.name == "input"
    assert source.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    dims = [d.dim_value for d in source.type.tensor_type.shape.dim]
    assert dims[1] == len(result.metadata["features"])
    probabilities = next(o for o in graph.output if o.name == "probabilities")
    assert probabilities.type.HasField("tensor_type")  # a tensor, not a ZipMap sequence
    assert "ZipMap" not in {node.op_type for node in graph.node}


def test_metadata_describes_the_artifact(data, result):
    metadata = result.metadata
    assert metadata["format"] == FORMAT
    assert metadata["input"] == {
        "name": "input",
        "dtype": "float32",
        "shape": [None, len(metadata["features"])],
    }
    assert metadata["output"]["name"] == "probabilities"
    assert metadata["features"][-1] == "last_page_type=other"
    split = metadata["split"]
    assert (
        split["train"]["last_session_start"]
        < split["cutoff"]
        <= split["holdout"]["first_session_start"]
    )
    assert split["holdout"]["rows"] == len(result.holdout)
    assert split["train"]["rows"] + split["holdout"]["rows"] == len(data)
    assert metadata["page_types"] == ["home", "category", "product", "search", "cart"] + [
        "checkout",
        "account",
        "content",
    ]  # no confirmation: a prefix ends before the purchase


def test_the_same_data_and_seed_give_the_same_bytes(data, result):
    again = train(data, holdout_share=0.25, seed=9, params=SMALL)
    assert again.onnx == result.onnx
    assert again.metadata == result.metadata


def test_the_holdout_rows_are_the_encoding_of_the_holdout(result):
    encoded = encode(result.holdout, result.metadata["page_types"])
    assert np.array_equal(encoded, result.holdout_rows)


def test_training_refuses_a_holdout_of_one_outcome():
    data = sessions(list(range(20)), converted_every=100)  # only S0 converts, and it is early
    with pytest.raises(DatasetError, match="holdout prefixes are all of one outcome"):
        train(data, holdout_share=0.2, params=SMALL)


def test_an_export_that_scores_otherwise_is_not_written(data, monkeypatch, tmp_path, capsys):
    exact = model.onnx_predict
    monkeypatch.setattr(model, "onnx_predict", lambda onnx, rows: exact(onnx, rows) + 2e-5)
    with pytest.raises(ExportMismatchError, match=r"by up to 2\.0\de-05 on the holdout"):
        train(data, holdout_share=0.25, seed=9, params=SMALL)
    synthetic.write(data, tmp_path / "prefixes.parquet")
    code = main(
        ["train", "--dataset", str(tmp_path / "prefixes.parquet"), "--out", str(tmp_path / "m")]
    )
    assert code == 2
    assert "nothing written" in capsys.readouterr().err
    assert not (tmp_path / "m").exists()
