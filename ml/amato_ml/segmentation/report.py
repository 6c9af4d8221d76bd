"""How good and how stable a segmentation is, for the people deciding whether to serve it.

Every metric says on which points it is computed: HDBSCAN leaves noise (-1) unassigned, and a
silhouette or an agreement score over noise would measure the noise, not the segments.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import adjusted_rand_score, davies_bouldin_score, silhouette_score

NOISE = -1

# Refits the model on a subset of the rows of the base fit; returns the labels of those rows.
Refit = Callable[[np.ndarray], np.ndarray]


def clustered(labels: np.ndarray) -> np.ndarray:
    """Mask of the points in a segment (not noise)."""
    return labels != NOISE


def quality(points: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """Silhouette and Davies–Bouldin on the non-noise points. Both need at least two segments;
    with fewer they are null and `reason` says why."""
    mask = clustered(labels)
    segments = np.unique(labels[mask]).size
    result: dict[str, Any] = {"points": int(mask.sum()), "clusters": int(segments)}
    if segments < 2 or mask.sum() <= segments:
        return {
            **result,
            "silhouette": None,
            "davies_bouldin": None,
            "reason": "fewer than 2 clusters",
        }
    return {
        **result,
        "silhouette": float(silhouette_score(points[mask], labels[mask])),
        "davies_bouldin": float(davies_bouldin_score(points[mask], labels[mask])),
    }


def agreement(a: np.ndarray, b: np.ndarray) -> dict[str, Any]:
    """Adjusted Rand index of two labelings of the same points, on the points both put in a
    segment: a customer that one fit calls noise says nothing about whether the segments agree.
    ARI is invariant to renumbering, so the refit's label numbers need not match."""
    both = clustered(a) & clustered(b)
    compared = int(both.sum())
    ari = float(adjusted_rand_score(a[both], b[both])) if compared >= 2 else None
    return {"ari": ari, "compared": compared}


def bootstrap_stability(
    rows: int, labels: np.ndarray, refit: Refit, seeds: Sequence[int]
) -> dict[str, Any]:
    """Refits on bootstrap samples (rows drawn with replacement) and compares each refit with
    the base fit on the distinct rows drawn. A row drawn several times is labelled by its first
    copy; copies sit at distance 0 from each other and get one label in practice."""
    runs = []
    for seed in seeds:
        sample = np.random.default_rng(seed).integers(0, rows, size=rows)
        refit_labels = refit(sample)
        distinct, first = np.unique(sample, return_index=True)
        runs.append({"seed": int(seed), **agreement(labels[distinct], refit_labels[first])})
    return summarize(runs)


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    scores = [run["ari"] for run in runs if run["ari"] is not None]
    return {
        "runs": runs,
        "mean_ari": float(np.mean(scores)) if scores else None,
        "min_ari": float(np.min(scores)) if scores else None,
    }


def holdout_assignment(labels: np.ndarray, probabilities: np.ndarray, clusters: int) -> dict:
    """How many held-out customers approximate_predict puts in each segment and in noise."""
    counts = {str(label): int(np.count_nonzero(labels == label)) for label in range(clusters)}
    assigned = clustered(labels)
    return {
        "customers": int(labels.size),
        "clusters": counts,
        "noise": int(np.count_nonzero(~assigned)),
        "noise_share": float(np.mean(~assigned)) if labels.size else None,
        "mean_probability": float(probabilities[assigned].mean()) if assigned.any() else None,
    }


def format_metric(value: float | None, digits: int = 3) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def render_markdown(report: dict[str, Any]) -> str:
    """The report for people: the same numbers as hdbscan-report.json, as tables."""
    hyper = report["hyperparameters"]
    fit = report["fit"]
    lines = [
        "# Customer segmentation (HDBSCAN)",
        "",
        f"Dataset `{report['dataset']}`: {report['customers']} customers, {fit['customers']} "
        f"fitted, {report['holdout']['customers']} held out (seed {report['seed']}). "
        f"min_cluster_size {hyper['min_cluster_size']}, min_samples {hyper['min_samples']}.",
        "",
        "## Clusters",
        "",
        "| label | customers | share | monetary_value | frequency | recency_days | "
        "avg_engagement_score |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for cluster in report["clusters"]:
        means = cluster["means"]
        lines.append(
            f"| {cluster['label']} | {cluster['size']} | {cluster['share']:.1%} | "
            f"{means['monetary_value']:,.2f} | {means['frequency']:.2f} | "
            f"{means['recency_days']:.1f} | {means['avg_engagement_score']:.1f} |"
        )
    noise = report["noise"]
    lines.append(f"| noise | {noise['size']} | {noise['share']:.1%} | | | | |")
    outside = report["outside_prediction_map"]
    if outside["customers"]:
        lines += [
            "",
            f"approximate_predict's cluster map misses {outside['customers']} training customers "
            f"of cluster(s) {', '.join(outside['by_label'])}: hdbscan rebuilds each selected "
            "cluster as the lowest tree node holding its customers, which drops a branch when the "
            "cluster has no customers of its own. New customers near them are assigned noise or "
            "another cluster (serving does the same).",
        ]
    quality_ = report["quality"]
    lines += [
        "",
        f"## Quality (on the {quality_['points']} non-noise customers)",
        "",
        f"- Silhouette: {format_metric(quality_['silhouette'])} (−1 to 1, higher is better)",
        f"- Davies–Bouldin: {format_metric(quality_['davies_bouldin'])} (≥ 0, lower is better)",
        "",
        "## Stability",
        "",
        "Adjusted Rand index between this fit and refits, on the customers both put in a cluster.",
        "",
        "| refit | seed | ARI | customers compared |",
        "| --- | ---: | ---: | ---: |",
    ]
    for kind, title in (
        ("bootstrap", "bootstrap sample"),
        ("holdout_split", "other holdout split"),
    ):
        for run in report["stability"][kind]["runs"]:
            lines.append(
                f"| {title} | {run['seed']} | {format_metric(run['ari'])} | {run['compared']} |"
            )
    holdout = report["holdout"]
    lines += [
        "",
        f"## Holdout ({holdout['customers']} customers, approximate_predict)",
        "",
        "| label | customers |",
        "| ---: | ---: |",
        *(f"| {label} | {count} |" for label, count in holdout["clusters"].items()),
        f"| noise | {holdout['noise']} |",
        "",
        "Mean membership probability of the assigned: "
        f"{format_metric(holdout['mean_probability'])}.",
        "",
    ]
    return "\n".join(lines)
