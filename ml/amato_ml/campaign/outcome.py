"""The campaign outcome model: a campaign's return on spend and conversions per unit of spend
from its parameters (channel, daily budget, audience, duration, campaign type), by
gradient-boosted trees.

Two LightGBM models with a Poisson objective, weighted by the day's budget, trained on every
reported day: the day's revenue per unit of daily budget (ROAS) and conversions per unit.
Both are constrained never to rise with the daily budget: diminishing returns, which the trees
could not learn reliably from a hundred campaigns but which every channel shows. A campaign's
revenue is its ROAS times its budget. Both go into one ONNX graph that reads one row of
features and answers `roas` and `conversions_per_unit`, which the API scores in Node.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lightgbm
import numpy as np
import onnx
import onnxruntime
import pandas as pd
from onnxmltools import convert_lightgbm
from onnxmltools.convert.common.data_types import FloatTensorType

from amato_ml.onnx_bytes import onnx_bytes

INPUT_NAME = "input"
OUTPUTS = ("roas", "conversions_per_unit")
TARGETS = {"roas": "revenue", "conversions_per_unit": "conversions"}
GRAPH_NAME = "amato_campaign_outcome"
TARGET_OPSET = 15  # the highest onnxmltools 1.16 converts LightGBM to; onnxruntime-node reads it
NUMERIC = ("daily_budget", "duration_days")
CATEGORICAL = ("channel", "audience", "campaign_type")

# Small on purpose: a hundred campaigns, each a few days sharing one set of parameters; chosen
# on generated shops of 30 to 300 campaigns (the backtest reports how it does on each).
PARAMS: dict[str, Any] = {
    "objective": "poisson",
    "n_estimators": 300,
    "learning_rate": 0.03,
    "num_leaves": 3,
    "min_child_samples": 20,
    "reg_lambda": 1.0,
    "n_jobs": 1,
    "deterministic": True,
    "force_row_wise": True,
    "verbose": -1,
}


@dataclass(frozen=True)
class Encoding:
    """The feature vector: the numeric parameters, then one indicator per category value."""

    categories: dict[str, tuple[str, ...]]

    @staticmethod
    def of(days: pd.DataFrame) -> Encoding:
        return Encoding({c: tuple(sorted(str(v) for v in days[c].unique())) for c in CATEGORICAL})

    @property
    def names(self) -> list[str]:
        return [*NUMERIC, *(f"{c}={v}" for c in CATEGORICAL for v in self.categories[c])]

    def rows(self, frame: pd.DataFrame) -> np.ndarray:
        """float32 rows; a value not seen in training sets no indicator of its column."""
        out = np.zeros((len(frame), len(self.names)), dtype=np.float32)
        for j, name in enumerate(NUMERIC):
            out[:, j] = frame[name].to_numpy(np.float64)
        j = len(NUMERIC)
        for column in CATEGORICAL:
            values = frame[column].astype(str).to_numpy()
            for value in self.categories[column]:
                out[:, j] = values == value
                j += 1
        return out

    def as_json(self) -> dict[str, object]:
        return {
            "numeric": list(NUMERIC),
            "categories": {c: list(v) for c, v in self.categories.items()},
            "features": self.names,
        }


@dataclass(frozen=True)
class Outcome:
    encoding: Encoding
    models: dict[str, lightgbm.LGBMRegressor]

    def rates(self, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        """LightGBM's answers per row: ROAS and conversions per unit (one thread, as trained)."""
        rows = self.encoding.rows(frame).astype(np.float64)
        return {k: m.predict(rows, num_threads=1) for k, m in self.models.items()}

    def predict(self, frame: pd.DataFrame) -> dict[str, np.ndarray]:
        """Expected revenue and conversions of each day at its daily budget."""
        budget = frame["daily_budget"].to_numpy(np.float64)
        rates = self.rates(frame)
        return {TARGETS[k]: v * budget for k, v in rates.items()}


def fit(days: pd.DataFrame, seed: int = 0, params: dict[str, Any] | None = None) -> Outcome:
    encoding = Encoding.of(days)
    rows = encoding.rows(days).astype(np.float64)
    monotone = [-1 if name == "daily_budget" else 0 for name in encoding.names]
    budget = days["daily_budget"].to_numpy(np.float64)
    models = {}
    for output, target in TARGETS.items():
        model = lightgbm.LGBMRegressor(
            **{**PARAMS, **(params or {}), "random_state": seed, "monotone_constraints": monotone}
        )
        model.fit(rows, days[target].to_numpy(np.float64) / budget, sample_weight=budget)
        models[output] = model
    return Outcome(encoding, models)


def to_onnx(outcome: Outcome) -> bytes:
    """One graph, input `input` [N, features], outputs `roas` and `conversions_per_unit`."""
    width = len(outcome.encoding.names)
    graphs = []
    for target, model in outcome.models.items():
        converted = convert_lightgbm(
            model,
            name=f"{GRAPH_NAME}_{target}",
            initial_types=[(INPUT_NAME, FloatTensorType([None, width]))],
            target_opset=TARGET_OPSET,
        )
        graphs.append(_renamed(converted, target))
    first, second = graphs
    merged = onnx.helper.make_graph(
        nodes=[*first.graph.node, *second.graph.node],
        name=GRAPH_NAME,
        inputs=[first.graph.input[0]],
        outputs=[*first.graph.output, *second.graph.output],
        initializer=[*first.graph.initializer, *second.graph.initializer],
    )
    model = onnx.helper.make_model(merged, opset_imports=list(first.opset_import))
    model.ir_version = first.ir_version
    model.producer_name = first.producer_name
    onnx.checker.check_model(model)
    return onnx_bytes(model)


def _renamed(model: onnx.ModelProto, target: str) -> onnx.ModelProto:
    """The converted model with every internal name prefixed and its output named `target`."""
    (output,) = [o.name for o in model.graph.output]
    names = {output: target}

    def rename(name: str) -> str:
        if name == INPUT_NAME or not name:
            return name
        return names.setdefault(name, f"{target}/{name}")

    for node in model.graph.node:
        node.name = f"{target}/{node.name}"
        node.input[:] = [rename(n) for n in node.input]
        node.output[:] = [rename(n) for n in node.output]
    for init in model.graph.initializer:
        init.name = rename(init.name)
    model.graph.output[0].name = target
    return model


def onnx_predict(onnx_model: bytes, rows: np.ndarray) -> dict[str, np.ndarray]:
    """onnxruntime's answers for float32 rows, as serving computes them."""
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(onnx_model, options, providers=["CPUExecutionProvider"])
    answers = session.run(list(OUTPUTS), {INPUT_NAME: rows.astype(np.float32)})
    return {
        k: np.asarray(v, dtype=np.float64).reshape(-1)
        for k, v in zip(OUTPUTS, answers, strict=True)
    }
