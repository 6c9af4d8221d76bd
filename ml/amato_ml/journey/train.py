"""Training end to end: split, encode, fit, export, check the export, evaluate against baselines.

Nothing is written unless onnxruntime reproduces LightGBM's holdout probabilities within
ONNX_TOLERANCE: the metrics describe LightGBM's predictions, so an artifact that scores otherwise
would serve a model nobody evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import lightgbm
import numpy as np
import pandas as pd

from amato_ml import jsonfile
from amato_ml.journey import baselines, metrics, model
from amato_ml.journey.dataset import DatasetError
from amato_ml.journey.features import (
    NUMERIC_FEATURES,
    encode,
    feature_names,
    page_type_categories,
    page_type_labels,
)
from amato_ml.journey.split import TimeSplit, time_split

FORMAT = "amato.journey.v1"
MODEL_NAME = "journey"
ONNX_TOLERANCE = 1e-5
ONNX_FILE = "journey.onnx"
METADATA_FILE = "journey.json"
REPORT_FILE = "journey-report.json"
REPORT_MARKDOWN = "journey-report.md"
PURCHASE_RULE = (
    "purchases is not an input: a state with purchases > 0 has converted and is served "
    "probability 1 without the model"
)


class ExportMismatchError(RuntimeError):
    """onnxruntime's probabilities differ from LightGBM's by more than ONNX_TOLERANCE."""


@dataclass(frozen=True)
class Evaluation:
    auc: float
    log_loss: float

    def as_dict(self) -> dict[str, float]:
        return {"auc": self.auc, "log_loss": self.log_loss}


@dataclass(frozen=True)
class TrainingResult:
    """The artifact and everything measured on the way; `write` puts it in a directory."""

    onnx: bytes
    metadata: dict[str, Any]
    report: dict[str, Any]
    classifier: lightgbm.LGBMClassifier
    holdout: pd.DataFrame
    holdout_rows: np.ndarray
    holdout_probability: np.ndarray

    def write(self, out: Path) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        paths = [out / name for name in (ONNX_FILE, METADATA_FILE, REPORT_FILE, REPORT_MARKDOWN)]
        paths[0].write_bytes(self.onnx)
        jsonfile.write(paths[1], self.metadata)
        jsonfile.write(paths[2], self.report)
        paths[3].write_text(report_markdown(self.report), encoding="utf-8")
        return paths


def train(
    frame: pd.DataFrame,
    holdout_share: float = 0.2,
    seed: int = 42,
    params: dict[str, Any] | None = None,
    source: str = "dataset",
) -> TrainingResult:
    """Trains on the earliest sessions of a checked prefix frame and evaluates on the latest."""
    split = time_split(frame, holdout_share)
    train_frame = frame.loc[split.train].reset_index(drop=True)
    holdout = frame.loc[split.holdout].reset_index(drop=True)
    for name, part in (("training", train_frame), ("holdout", holdout)):
        if part["converted"].nunique() < 2:
            raise DatasetError(f"{source}: the {name} prefixes are all of one outcome")

    categories = page_type_categories(train_frame["last_page_type"])
    features = feature_names(categories)
    x_train = encode(train_frame, categories)
    x_holdout = encode(holdout, categories)
    y_holdout = holdout["converted"].to_numpy(dtype=bool)

    classifier = model.fit(x_train, train_frame["converted"].to_numpy(), seed, params)
    probability = model.predict(classifier, x_holdout)
    onnx_model = model.to_onnx(classifier, len(features))
    difference = float(np.max(np.abs(model.onnx_predict(onnx_model, x_holdout) - probability)))
    if difference > ONNX_TOLERANCE:
        raise ExportMismatchError(
            f"onnxruntime differs from LightGBM by up to {difference:.3g} on the holdout "
            f"(tolerance {ONNX_TOLERANCE:g}); nothing written"
        )

    overall = baselines.overall_rate(train_frame)
    depth_rates = baselines.fit_depth_page_type_rates(train_frame, categories)
    evaluations = {
        "model": _evaluate(y_holdout, probability),
        "overall_rate": _evaluate(y_holdout, np.full(len(holdout), overall)),
        "depth_page_type_rate": _evaluate(y_holdout, depth_rates.predict(holdout, categories)),
    }
    ranges = _split_ranges(frame, split)
    trained = {
        "library": f"lightgbm {lightgbm.__version__}",
        "seed": seed,
        "params": {**model.PARAMS, **(params or {})},
        "trees": int(classifier.booster_.num_trees()),
    }
    metadata = {
        "format": FORMAT,
        "model": MODEL_NAME,
        "label": "converted",
        "features": features,
        "numeric_features": list(NUMERIC_FEATURES),
        "page_types": categories,
        "input": {"name": model.INPUT_NAME, "dtype": "float32", "shape": [None, len(features)]},
        "output": {
            "name": model.OUTPUT_NAME,
            "dtype": "float32",
            "shape": [None, 2],
            "positive_class_index": model.POSITIVE_CLASS_INDEX,
        },
        "serving": PURCHASE_RULE,
        "split": ranges,
        "training": trained,
        "metrics": {
            "holdout": evaluations["model"].as_dict(),
            "onnx_max_abs_difference": difference,
        },
    }
    report = {
        "format": f"{FORMAT}.report",
        "source": source,
        "split": ranges,
        "training": trained,
        "features": features,
        "holdout": {name: evaluation.as_dict() for name, evaluation in evaluations.items()},
        "improvement": {
            name: _improvement(evaluations["model"], evaluations[name])
            for name in ("overall_rate", "depth_page_type_rate")
        },
        "baselines": {
            "overall_rate": overall,
            "depth_cap": depth_rates.depth_cap,
            "depth_page_type_groups": len(depth_rates.rates),
            "holdout_rows_on_fallback": depth_rates.unseen(holdout, categories),
        },
        "holdout_page_types": _page_type_counts(holdout, categories),
        "reliability": metrics.reliability(y_holdout, probability),
        "onnx_max_abs_difference": difference,
        "onnx_tolerance": ONNX_TOLERANCE,
    }
    return TrainingResult(
        onnx=onnx_model,
        metadata=metadata,
        report=report,
        classifier=classifier,
        holdout=holdout,
        holdout_rows=x_holdout,
        holdout_probability=probability,
    )


def iso(ms: int) -> str:
    """Epoch milliseconds as an ISO 8601 UTC time, to the millisecond."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _evaluate(converted: np.ndarray, probability: np.ndarray) -> Evaluation:
    return Evaluation(
        auc=metrics.auc(converted, probability),
        log_loss=metrics.mean_log_loss(converted, probability),
    )


def _improvement(model_evaluation: Evaluation, baseline: Evaluation) -> dict[str, float]:
    """How much better the model is: log loss saved (absolute and relative) and AUC gained."""
    saved = baseline.log_loss - model_evaluation.log_loss
    return {
        "log_loss_reduction": saved,
        "log_loss_reduction_share": saved / baseline.log_loss,
        "auc_gain": model_evaluation.auc - baseline.auc,
    }


def _side(frame: pd.DataFrame, rows: np.ndarray, sessions: int) -> dict[str, Any]:
    part = frame.loc[rows]
    outcome = part.groupby("session_id", sort=False)["converted"].first()
    return {
        "first_session_start": iso(int(part["session_start"].min())),
        "last_session_start": iso(int(part["session_start"].max())),
        "sessions": sessions,
        "rows": int(len(part)),
        "prefix_conversion_rate": float(part["converted"].mean()),
        "session_conversion_rate": float(outcome.mean()),
    }


def _split_ranges(frame: pd.DataFrame, split: TimeSplit) -> dict[str, Any]:
    return {
        "by": "session_start",
        "cutoff": iso(split.cutoff_ms),
        "cutoff_ms": split.cutoff_ms,
        "holdout_share_of_sessions": split.holdout_sessions
        / (split.train_sessions + split.holdout_sessions),
        "train": _side(frame, split.train, split.train_sessions),
        "holdout": _side(frame, split.holdout, split.holdout_sessions),
    }


def _page_type_counts(holdout: pd.DataFrame, categories: list[str]) -> dict[str, int]:
    labels = page_type_labels(holdout["last_page_type"], categories)
    return {label: int((labels == label).sum()) for label in [*categories, "other"]}


def report_markdown(report: dict[str, Any]) -> str:
    """The report for a reader: the split, the three predictors side by side, calibration."""
    split = report["split"]
    train_side, holdout_side = split["train"], split["holdout"]
    holdout = report["holdout"]
    labels = {
        "model": "LightGBM model",
        "overall_rate": "Baseline: overall training rate",
        "depth_page_type_rate": (
            f"Baseline: rate by depth (capped at {report['baselines']['depth_cap']}) "
            "and last page type"
        ),
    }
    lines = [
        "# Journey conversion model: holdout report",
        "",
        f"Dataset: `{report['source']}`. {report['training']['trees']} trees, "
        f"{len(report['features'])} features, seed {report['training']['seed']}.",
        "",
        "## Split by session start",
        "",
        f"Cutoff {split['cutoff']}: sessions starting before it train, the others are held out.",
        "",
        "| | from | to | sessions | prefixes | session conversion | prefix conversion |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for name, side in (("train", train_side), ("holdout", holdout_side)):
        lines.append(
            f"| {name} | {side['first_session_start']} | {side['last_session_start']} "
            f"| {side['sessions']} | {side['rows']} | {side['session_conversion_rate']:.2%} "
            f"| {side['prefix_conversion_rate']:.2%} |"
        )
    lines += [
        "",
        "## Holdout, per prefix",
        "",
        "| predictor | AUC | log loss |",
        "|---|---:|---:|",
        *(
            f"| {labels[name]} | {value['auc']:.4f} | {value['log_loss']:.4f} |"
            for name, value in holdout.items()
        ),
        "",
    ]
    for name, gain in report["improvement"].items():
        lines.append(
            f"- Against the {labels[name][len('Baseline: ') :]}: log loss lower by "
            f"{gain['log_loss_reduction']:.4f} ({gain['log_loss_reduction_share']:.1%}), "
            f"AUC higher by {gain['auc_gain']:.4f}."
        )
    fallback = report["baselines"]["holdout_rows_on_fallback"]
    lines += [
        "",
        f"The depth baseline has {report['baselines']['depth_page_type_groups']} groups; "
        f"{fallback} holdout prefixes fell in a group the training data lacks and got the "
        "overall rate. Every prefix counts once, so long sessions weigh more than short ones.",
        "",
        "## Reliability of the model on the holdout",
        "",
        "| predicted | prefixes | mean predicted | observed rate |",
        "|---|---:|---:|---:|",
    ]
    for row in report["reliability"]:
        mean = "" if row["mean_predicted"] is None else f"{row['mean_predicted']:.4f}"
        observed = "" if row["observed_rate"] is None else f"{row['observed_rate']:.4f}"
        lines.append(
            f"| {row['from']:.1f}–{row['to']:.1f} | {row['count']} | {mean} | {observed} |"
        )
    lines += [
        "",
        "## Export",
        "",
        "onnxruntime reproduces LightGBM's holdout probabilities to "
        f"{report['onnx_max_abs_difference']:.2e} at most "
        f"(tolerance {report['onnx_tolerance']:g}).",
        "",
    ]
    return "\n".join(lines)


def summary(result: TrainingResult, paths: list[Path]) -> str:
    """A few lines for the terminal."""
    report = result.report
    holdout = report["holdout"]
    split = report["split"]
    lines = [
        f"journey: {split['train']['sessions']} training sessions ({split['train']['rows']} "
        f"prefixes) before {split['cutoff']}, {split['holdout']['sessions']} held out "
        f"({split['holdout']['rows']} prefixes)",
        f"  model              AUC {holdout['model']['auc']:.4f}  "
        f"log loss {holdout['model']['log_loss']:.4f}",
        f"  overall rate       AUC {holdout['overall_rate']['auc']:.4f}  "
        f"log loss {holdout['overall_rate']['log_loss']:.4f}",
        f"  depth × page type  AUC {holdout['depth_page_type_rate']['auc']:.4f}  "
        f"log loss {holdout['depth_page_type_rate']['log_loss']:.4f}",
        f"  ONNX vs LightGBM   max |Δp| {report['onnx_max_abs_difference']:.2e}",
        *(f"  wrote {path}" for path in paths),
    ]
    return "\n".join(lines)
