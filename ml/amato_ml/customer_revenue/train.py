"""The backtest and the served model: fit on one cutoff, grade on a later one, refit, export.

Every model is fitted on the training dataset (cutoff A) and graded on the labels of the
evaluation dataset (cutoff B ≥ A + 90 days), scoring each customer from its features as of B:
a time-based holdout, the sales graded on starting after the sales learnt from end. The served
model is then refitted with the same settings on the evaluation dataset, whose labels are the
latest, and exported to ONNX; nothing is written unless onnxruntime reproduces its predictions
(model.check_export), since the metrics describe LightGBM and serving runs the export.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lightgbm
import numpy as np

from amato_ml import jsonfile
from amato_ml.customer_revenue import baselines, bgnbd, metrics, model
from amato_ml.customer_revenue.dataset import (
    HORIZON_DAYS,
    LABEL,
    CustomerDataset,
    check_holdout,
    check_labels,
    iso,
)
from amato_ml.customer_revenue.features import ONLINE_FEATURES, matrix
from amato_ml.customer_revenue.report import render_markdown, verdict

FORMAT = "amato.customer-revenue.v1"
REPORT_FORMAT = f"{FORMAT}.report"
MODEL_NAME = "customer_revenue"
ONNX_FILE = "customer-revenue.onnx"
METADATA_FILE = "customer-revenue.json"
REPORT_FILE = "customer-revenue-report.json"
REPORT_MARKDOWN = "customer-revenue-report.md"
BASELINE = "last_90_days"
PREDICTORS = {
    "gbt": "Gradient-boosted trees (LightGBM, Poisson deviance) on the online features",
    "bgnbd_gamma_gamma": "BG/NBD × Gamma-Gamma (lifetimes)",
    "last_90_days": "Baseline: last 90 days repeat (windows.revenue_90d)",
    "zero": "Baseline: zero",
}
TOP_FEATURES = 10


@dataclass(frozen=True)
class TrainingResult:
    """The artifact and everything measured on the way; `write` puts it in a directory."""

    onnx: bytes
    metadata: dict[str, Any]
    report: dict[str, Any]
    served: lightgbm.LGBMRegressor
    served_rows: np.ndarray  # the evaluation dataset's rows, which the served model was fit on
    served_predictions: np.ndarray  # LightGBM's predictions of the served model for them

    def write(self, out: Path) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        paths = [out / name for name in (ONNX_FILE, METADATA_FILE, REPORT_FILE, REPORT_MARKDOWN)]
        paths[0].write_bytes(self.onnx)
        jsonfile.write(paths[1], self.metadata)
        jsonfile.write(paths[2], self.report)
        paths[3].write_text(render_markdown(self.report), encoding="utf-8")
        return paths


def train(
    train_set: CustomerDataset,
    eval_set: CustomerDataset,
    seed: int = 42,
    params: dict[str, Any] | None = None,
) -> TrainingResult:
    """The backtest of every predictor on `eval_set`'s labels, and the served model."""
    check_holdout(train_set, eval_set)
    check_labels(train_set, "training")
    check_labels(eval_set, "evaluation")
    settings = {**model.PARAMS, **(params or {})}
    x_train, x_eval = matrix(train_set.frame), matrix(eval_set.frame)
    actual = eval_set.label

    gbt = model.fit(x_train, train_set.label, seed, params)
    predictions: dict[str, np.ndarray | None] = {
        "gbt": model.predict(gbt, x_eval),
        "bgnbd_gamma_gamma": None,
        "last_90_days": baselines.last_90_days(eval_set.frame),
        "zero": baselines.zero(eval_set.frame),
    }
    reference: dict[str, Any]
    try:
        fitted = bgnbd.fit(bgnbd.inputs(train_set.frame))
        predictions["bgnbd_gamma_gamma"] = fitted.predict(bgnbd.inputs(eval_set.frame))
        reference = fitted.params()
    except bgnbd.FitError as error:
        reference = {"unavailable": str(error)}

    evaluations = {
        name: None if predicted is None else metrics.evaluate(actual, predicted)
        for name, predicted in predictions.items()
    }
    baseline_mae = _mae(evaluations[BASELINE])
    improvement = {
        name: None
        if evaluation is None or baseline_mae is None
        else metrics.improvement_pct(evaluation.mae, baseline_mae)
        for name, evaluation in evaluations.items()
    }
    gbt_mae = _mae(evaluations["gbt"])
    beats = gbt_mae is not None and baseline_mae is not None and gbt_mae < baseline_mae

    served = model.fit(x_eval, actual, seed, params)
    served_predictions = model.predict(served, x_eval)
    onnx_model = model.to_onnx(served, len(ONLINE_FEATURES))
    export = model.check_export(onnx_model, served, x_eval)

    holdout = {
        "gbt": evaluations["gbt"].as_dict() if evaluations["gbt"] else None,
        BASELINE: evaluations[BASELINE].as_dict() if evaluations[BASELINE] else None,
        "mae_improvement_over_last_90_days_pct": improvement["gbt"],
        "beats_last_90_days": beats,
    }
    cutoffs = {"train": iso(train_set.cutoff), "eval": iso(eval_set.cutoff)}
    datasets = {"train": Path(train_set.source).name, "eval": Path(eval_set.source).name}
    training = {
        "library": f"lightgbm {lightgbm.__version__}",
        "seed": seed,
        "params": settings,
        "trees": int(served.booster_.num_trees()),
        "fitted_on": "eval",
        "cutoff": cutoffs["eval"],
        "customers": eval_set.customers,
    }
    metadata = {
        "format": FORMAT,
        "model": MODEL_NAME,
        "label": LABEL,
        "horizon_days": HORIZON_DAYS,
        "features": list(ONLINE_FEATURES),
        "onnx": ONNX_FILE,
        "input": {
            "name": model.INPUT_NAME,
            "dtype": "float32",
            "shape": [None, len(ONLINE_FEATURES)],
        },
        "output": {"name": model.OUTPUT_NAME, "dtype": "float32", "shape": [None, 1]},
        "cutoffs": cutoffs,
        "datasets": datasets,
        "training": training,
        "metrics": {"holdout": holdout, "onnx": export},
    }
    report = {
        "format": REPORT_FORMAT,
        "cutoffs": cutoffs,
        "datasets": {"train": _side(train_set), "eval": _side(eval_set)},
        "gap_days": (eval_set.cutoff - train_set.cutoff).total_seconds() / 86_400,
        "predictors": PREDICTORS,
        "baseline": BASELINE,
        "holdout": {
            name: None if evaluation is None else evaluation.as_dict()
            for name, evaluation in evaluations.items()
        },
        "mae_improvement_over_last_90_days_pct": improvement,
        "gbt_beats_last_90_days": beats,
        "groups": _groups(eval_set, predictions),
        "gbt": {
            "params": settings,
            "seed": seed,
            "trees": int(gbt.booster_.num_trees()),
            "top_features_by_gain": _top_features(gbt),
        },
        "bgnbd_gamma_gamma": reference,
        "served": training,
        "onnx": {**export, "atol": model.ONNX_ATOL, "rtol": model.ONNX_RTOL},
    }
    report["verdict"] = verdict(report)
    return TrainingResult(
        onnx=onnx_model,
        metadata=metadata,
        report=report,
        served=served,
        served_rows=x_eval,
        served_predictions=served_predictions,
    )


def _mae(evaluation: metrics.Evaluation | None) -> float | None:
    return None if evaluation is None else evaluation.mae


def _side(data: CustomerDataset) -> dict[str, Any]:
    label = data.label
    return {
        "file": data.source,
        "cutoff": iso(data.cutoff),
        "customers": data.customers,
        "customers_with_a_sale": int((data.frame["frequency"] > 0).sum()),
        "customers_with_revenue_next_90d": int((label > 0).sum()),
        "revenue_next_90d": float(label.sum()),
    }


def _groups(data: CustomerDataset, predictions: dict[str, np.ndarray | None]) -> dict:
    """MAE and totals per kind of customer: BG/NBD predicts 0 for those without a sale."""
    orders = data.frame["frequency"].to_numpy()
    actual = data.label
    groups = {
        "no_sale_yet": orders == 0,
        "one_sale": orders == 1,
        "repeat": orders > 1,
    }
    out: dict[str, Any] = {}
    for group, rows in groups.items():
        out[group] = {
            "customers": int(rows.sum()),
            "actual_total": float(actual[rows].sum()),
            "mae": {
                name: None if p is None or not rows.any() else metrics.mae(actual[rows], p[rows])
                for name, p in predictions.items()
            },
            "predicted_total": {
                name: None if p is None else float(p[rows].sum()) for name, p in predictions.items()
            },
        }
    return out


def _top_features(regressor: lightgbm.LGBMRegressor) -> list[dict[str, Any]]:
    gains = regressor.booster_.feature_importance(importance_type="gain")
    total = float(gains.sum()) or 1.0
    order = np.argsort(-gains, kind="stable")[:TOP_FEATURES]
    return [
        {"feature": ONLINE_FEATURES[k], "gain_share": float(gains[k] / total)}
        for k in order
        if gains[k] > 0
    ]


def summary(result: TrainingResult, paths: list[Path]) -> str:
    """A few lines for the terminal."""
    report = result.report
    fit, graded = report["datasets"]["train"], report["datasets"]["eval"]
    lines = [
        f"customer revenue: fitted on {fit['customers']:,} customers as of {fit['cutoff']}, "
        f"graded on {graded['customers']:,} as of {graded['cutoff']}",
    ]
    for name, evaluation in report["holdout"].items():
        if evaluation is None:
            lines.append(f"  {name:<18} unavailable")
            continue
        gain = report["mae_improvement_over_last_90_days_pct"][name]
        lines.append(
            f"  {name:<18} MAE {evaluation['mae']:>10,.2f}  RMSE {evaluation['rmse']:>10,.2f}  "
            f"total {evaluation['total_predicted']:>14,.2f} of {evaluation['total_actual']:,.2f}"
            + ("" if gain is None or name == BASELINE else f"  ({gain:+.1f}% MAE vs last 90 days)")
        )
    lines.append(f"  {report['verdict']}")
    onnx = report["onnx"]
    lines.append(
        f"  ONNX vs LightGBM   max |Δ| {onnx['max_abs_difference']:.2e} "
        f"(relative {onnx['max_rel_difference']:.2e})"
    )
    lines += [f"  wrote {path}" for path in paths]
    return "\n".join(lines)
