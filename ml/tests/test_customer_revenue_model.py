from datetime import timedelta

import numpy as np
import onnx
import onnxruntime
import pytest
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType

from amato_ml.customer_revenue import model, synthetic
from amato_ml.customer_revenue.dataset import HORIZON_DAYS
from amato_ml.customer_revenue.features import ONLINE_FEATURES, matrix
from amato_ml.customer_revenue.train import FORMAT, train

SMALL = {"n_estimators": 40, "num_leaves": 7, "min_child_samples": 20}


@pytest.fixture(scope="module")
def datasets():
    first = synthetic.FIRST_CUTOFF
    return synthetic.generate(1_200, seed=3, cutoffs=(first, first + timedelta(days=HORIZON_DAYS)))


@pytest.fixture(scope="module")
def result(datasets):
    return train(*datasets, seed=9, params=SMALL)


def _within_tolerance(onnx_revenue, lightgbm_revenue):
    gap = np.abs(onnx_revenue - lightgbm_revenue)
    return bool((gap <= model.ONNX_ATOL + model.ONNX_RTOL * np.abs(lightgbm_revenue)).all())


def test_onnx_revenue_equals_lightgbm_predict(result):
    onnx_revenue = model.onnx_predict(result.onnx, result.served_rows)
    assert _within_tolerance(onnx_revenue, result.served_predictions)
    assert np.max(np.abs(onnx_revenue - result.served_predictions)) <= 1e-2
    assert result.metadata["metrics"]["onnx"]["max_tolerance_used"] <= 1
    assert result.served_predictions.std() > 1  # not a constant model agreeing trivially


def test_onnx_agrees_on_rows_no_customer_looked_like(result):
    rng = np.random.default_rng(0)
    rows = (rng.gamma(1.0, 50.0, size=(500, len(ONLINE_FEATURES)))).astype(np.float32)
    expected = model.predict(result.served, rows)
    assert _within_tolerance(model.onnx_predict(result.onnx, rows), expected)


def test_summing_the_trees_in_double_keeps_many_trees_close(datasets):
    first, _ = datasets
    rows = matrix(first.frame)
    regressor = model.fit(rows, first.label, seed=1, params={"n_estimators": 200})
    lightgbm_revenue = model.predict(regressor, rows)
    split = model.differences(
        model.onnx_predict(model.to_onnx(regressor, rows.shape[1]), rows), lightgbm_revenue
    )
    unsplit = convert_lightgbm(
        regressor,
        initial_types=[("input", FloatTensorType([None, rows.shape[1]]))],
        target_opset=model.TARGET_OPSET,
    )
    session = onnxruntime.InferenceSession(
        unsplit.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    (float32_sum,) = session.run(None, {"input": rows})
    plain = model.differences(np.asarray(float32_sum, np.float64).ravel(), lightgbm_revenue)
    assert split["max_tolerance_used"] <= 1
    assert split["max_rel_difference"] < plain["max_rel_difference"] / 2
    assert split["max_rel_difference"] <= 2e-6


def test_the_graph_takes_float32_rows_and_gives_one_revenue_each(result):
    graph = onnx.load_model_from_string(result.onnx).graph
    (source,) = graph.input
    assert source.name == "input"
    assert source.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert [d.dim_value for d in source.type.tensor_type.shape.dim][1] == len(ONLINE_FEATURES)
    (output,) = graph.output
    assert output.name == "revenue"
    assert output.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert [d.dim_value for d in output.type.tensor_type.shape.dim][1] == 1
    assert "Exp" in {node.op_type for node in graph.node}  # the log link


def test_metadata_describes_the_artifact(datasets, result):
    metadata = result.metadata
    assert metadata["format"] == FORMAT
    assert metadata["features"] == list(ONLINE_FEATURES)
    assert metadata["onnx"] == "customer-revenue.onnx"
    assert metadata["input"] == {
        "name": "input",
        "dtype": "float32",
        "shape": [None, len(ONLINE_FEATURES)],
    }
    assert metadata["output"] == {"name": "revenue", "dtype": "float32", "shape": [None, 1]}
    assert metadata["cutoffs"] == {
        "train": "2026-06-04T00:00:00.000Z",
        "eval": "2026-09-02T00:00:00.000Z",
    }
    assert metadata["training"]["params"]["objective"] == "poisson"
    assert metadata["training"]["customers"] == datasets[1].customers
    holdout = metadata["metrics"]["holdout"]
    assert set(holdout) == {
        "gbt",
        "last_90_days",
        "mae_improvement_over_last_90_days_pct",
        "beats_last_90_days",
    }
    assert holdout["beats_last_90_days"] == (holdout["gbt"]["mae"] < holdout["last_90_days"]["mae"])


def test_the_served_model_is_fitted_on_the_evaluation_dataset(datasets, result):
    _, later = datasets
    np.testing.assert_array_equal(result.served_rows, matrix(later.frame))
    refit = model.fit(matrix(later.frame), later.label, seed=9, params=SMALL)
    np.testing.assert_array_equal(
        model.predict(refit, result.served_rows), result.served_predictions
    )


def test_poisson_keeps_the_training_total(datasets):
    first, _ = datasets
    rows = matrix(first.frame)
    fitted = model.predict(model.fit(rows, first.label, seed=1), rows)
    assert fitted.sum() == pytest.approx(first.label.sum(), rel=0.01)


def test_the_same_data_and_seed_give_the_same_bytes(datasets, result):
    again = train(*datasets, seed=9, params=SMALL)
    assert again.onnx == result.onnx
    assert again.metadata == result.metadata


def test_an_export_that_scores_otherwise_is_refused(datasets, result, monkeypatch):
    real = model.onnx_predict
    monkeypatch.setattr(model, "onnx_predict", lambda onnx, rows: real(onnx, rows) * 1.001)
    with pytest.raises(model.ExportMismatchError, match="nothing written"):
        model.check_export(result.onnx, result.served, result.served_rows)
