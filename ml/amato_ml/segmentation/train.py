"""The train command: dataset in, artifact and report out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hdbscan
import numpy as np

from amato_ml.jsonfile import dumps as dumps_prettier
from amato_ml.jsonfile import dumps_compact

from . import report as metrics
from .features import Dataset, read_dataset
from .model import (
    Hyperparameters,
    TrainingError,
    approximate_predict,
    build_artifact,
    fit_hdbscan,
    resolve_hyperparameters,
)
from .scaling import Standardizer

ARTIFACT_FILE = "hdbscan.json"
REPORT_JSON = "hdbscan-report.json"
REPORT_MD = "hdbscan-report.md"
HOLDOUT_FILE = "hdbscan-holdout.json"
HOLDOUT_FORMAT = "amato.hdbscan-holdout.v1"
REPORT_FORMAT = "amato.hdbscan-report.v1"


@dataclass(frozen=True)
class Fit:
    rows: np.ndarray  # indices into the dataset, ascending
    standardizer: Standardizer
    points: np.ndarray  # the rows, scaled
    clusterer: hdbscan.HDBSCAN


def split_holdout(customers: int, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random share of the customers held out; both parts in file order, so the
    artifact's points are in dataset order whatever the seed."""
    if not 0 <= share < 1:
        raise TrainingError(f"holdout must be in [0, 1), got {share}")
    order = np.random.default_rng(seed).permutation(customers)
    held = round(share * customers)
    return np.sort(order[held:]), np.sort(order[:held])


def fit_rows(raw: np.ndarray, rows: np.ndarray, hyperparameters: Hyperparameters) -> Fit:
    """The whole pipeline on some customers: the scaler is learnt from them alone, as serving
    will only ever know the training customers' means."""
    standardizer = Standardizer.fit(raw[rows])
    points = standardizer.transform(raw[rows])
    return Fit(rows, standardizer, points, fit_hdbscan(points, hyperparameters))


def split_stability(
    raw: np.ndarray, base: Fit, share: float, seeds: list[int], hyper: Hyperparameters
) -> dict[str, Any]:
    """Refits on other holdout splits and compares on the customers both fits trained on."""
    runs = []
    for seed in seeds:
        rows, _ = split_holdout(raw.shape[0], share, seed)
        other = fit_rows(raw, rows, hyper)
        _, in_base, in_other = np.intersect1d(base.rows, rows, return_indices=True)
        labels_base = base.clusterer.labels_[in_base]
        labels_other = other.clusterer.labels_[in_other]
        runs.append({"seed": seed, **metrics.agreement(labels_base, labels_other)})
    return metrics.summarize(runs)


def holdout_document(dataset: Dataset, rows: np.ndarray, labels, probabilities) -> dict:
    """The held-out customers, in original units, with the library's answers: what TypeScript's
    agreement check replays."""
    return {
        "format": HOLDOUT_FORMAT,
        "features": list(dataset.features),
        "customer_ids": [str(v) for v in dataset.customer_ids[rows]],
        "points": [[float(v) for v in row] for row in dataset.values[rows]],
        "labels": [int(v) for v in labels],
        "probabilities": [float(v) for v in probabilities],
    }


def stability(
    raw: np.ndarray,
    base: Fit,
    hyper: Hyperparameters,
    *,
    share: float,
    seed: int,
    bootstraps: int,
    splits: int,
) -> dict[str, Any]:
    """Bootstrap refits of the fitted customers and refits on other holdout splits, each
    compared with the base fit; their seeds follow `seed`."""

    def refit(sample: np.ndarray) -> np.ndarray:
        return fit_hdbscan(base.points[sample], hyper).labels_

    labels = base.clusterer.labels_
    bootstrap_seeds = [seed + k for k in range(1, bootstraps + 1)]
    return {
        "bootstrap": metrics.bootstrap_stability(labels.size, labels, refit, bootstrap_seeds),
        "holdout_split": split_stability(
            raw, base, share, [seed + k for k in range(1, splits + 1)], hyper
        ),
    }


def report_document(
    dataset_path: Path, customers: int, artifact: dict[str, Any], base: Fit, seed: int
) -> dict[str, Any]:
    """The report's account of the fit itself: clusters, noise, quality, and the training
    customers approximate_predict's cluster map does not reach (see model.mapped_labels)."""
    fitted = base.rows.size
    noise = artifact["noise"]["size"]
    unreached = {
        str(c["label"]): c["size"] - c["mapped_size"]
        for c in artifact["clusters"]
        if c["size"] != c["mapped_size"]
    }
    return {
        "format": REPORT_FORMAT,
        "dataset": dataset_path.name,
        "customers": customers,
        "seed": seed,
        "hyperparameters": artifact["hyperparameters"],
        "fit": {"customers": int(fitted)},
        "clusters": [
            {
                "label": c["label"],
                "size": c["size"],
                "share": c["size"] / fitted,
                "mapped_size": c["mapped_size"],
                "means": c["means"],
            }
            for c in artifact["clusters"]
        ],
        "noise": {"size": noise, "share": noise / fitted},
        "outside_prediction_map": {"customers": sum(unreached.values()), "by_label": unreached},
        "quality": metrics.quality(base.points, base.clusterer.labels_),
    }


def train(
    dataset_path: Path,
    out: Path,
    *,
    min_cluster_size: int | None = None,
    min_samples: int | None = None,
    holdout: float = 0.2,
    seed: int = 42,
    bootstraps: int = 5,
    splits: int = 3,
) -> dict[str, Any]:
    """Fits, evaluates and writes hdbscan.json, the report (JSON and Markdown) and the holdout
    with the library's predictions; returns the report."""
    dataset = read_dataset(dataset_path)
    raw = dataset.values
    fit_index, holdout_index = split_holdout(raw.shape[0], holdout, seed)
    hyper = resolve_hyperparameters(fit_index.size, min_cluster_size, min_samples)
    base = fit_rows(raw, fit_index, hyper)
    training = {
        "dataset": dataset_path.name,
        "customers": int(raw.shape[0]),
        "fitted": int(fit_index.size),
        "holdout": holdout,
        "seed": seed,
    }
    artifact = build_artifact(
        base.clusterer,
        base.standardizer,
        raw[fit_index],
        dataset.features,
        hyperparameters=hyper,
        training=training,
    )
    labels, probabilities = approximate_predict(
        base.clusterer, base.standardizer.transform(raw[holdout_index])
    )
    result = {
        **report_document(dataset_path, int(raw.shape[0]), artifact, base, seed),
        "stability": stability(
            raw, base, hyper, share=holdout, seed=seed, bootstraps=bootstraps, splits=splits
        ),
        "holdout": metrics.holdout_assignment(labels, probabilities, len(artifact["clusters"])),
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / ARTIFACT_FILE).write_text(dumps_compact(artifact))
    (out / REPORT_JSON).write_text(dumps_prettier(result))
    (out / REPORT_MD).write_text(metrics.render_markdown(result))
    holdout_doc = holdout_document(dataset, holdout_index, labels, probabilities)
    (out / HOLDOUT_FILE).write_text(dumps_compact(holdout_doc))
    return result


SUMMARY_CLUSTERS = 10  # clusters listed in the printed summary; the report has them all


def summary_lines(report: dict[str, Any], out: Path) -> list[str]:
    """What the command prints: enough to judge the run without opening the report."""
    hyper = report["hyperparameters"]
    quality = report["quality"]
    stability = report["stability"]
    holdout = report["holdout"]
    clusters = sorted(report["clusters"], key=lambda c: -c["size"])
    lines = [
        f"HDBSCAN on {report['fit']['customers']} of {report['customers']} customers "
        f"({holdout['customers']} held out), min_cluster_size {hyper['min_cluster_size']}, "
        f"min_samples {hyper['min_samples']}",
        f"{len(clusters)} clusters, noise {report['noise']['share']:.1%}",
    ]
    for c in clusters[:SUMMARY_CLUSTERS]:
        m = c["means"]
        lines.append(
            f"  cluster {c['label']}: {c['size']} customers ({c['share']:.1%}), "
            f"monetary {m['monetary_value']:,.2f}, frequency {m['frequency']:.2f}, "
            f"recency {m['recency_days']:.1f} days, engagement {m['avg_engagement_score']:.1f}"
        )
    if len(clusters) > SUMMARY_CLUSTERS:
        lines.append(f"  … {len(clusters) - SUMMARY_CLUSTERS} smaller clusters in {REPORT_MD}")
    outside = report["outside_prediction_map"]
    if outside["customers"]:
        lines.append(
            f"warning: approximate_predict's cluster map misses {outside['customers']} training "
            f"customers of cluster(s) {', '.join(outside['by_label'])}: new customers near them "
            "are assigned noise or another cluster"
        )
    fmt = metrics.format_metric
    assigned = holdout["customers"] - holdout["noise"]
    lines += [
        f"silhouette {fmt(quality['silhouette'])}, Davies–Bouldin {fmt(quality['davies_bouldin'])}"
        f" (on {quality['points']} non-noise customers)",
        f"stability ARI: bootstrap mean {fmt(stability['bootstrap']['mean_ari'])} "
        f"(min {fmt(stability['bootstrap']['min_ari'])}), other holdout splits mean "
        f"{fmt(stability['holdout_split']['mean_ari'])}",
        f"holdout: {assigned} of {holdout['customers']} assigned to a cluster, "
        f"{holdout['noise']} noise",
        f"wrote {out / ARTIFACT_FILE}, {REPORT_JSON}, {REPORT_MD}, {HOLDOUT_FILE}",
    ]
    return lines
