"""Fitting HDBSCAN on standardized customers and turning the fit into the serving artifact.

The artifact carries exactly what hdbscan's approximate_predict reads for a new point, taken
from the fitted clusterer rather than recomputed, so that TypeScript can repeat the prediction
and reach the same label and probability:

- the scaled training points and their core distances (prediction_data_.core_distances);
- the condensed tree (parent, child, lambda_val, child_size per row), from which the row of a
  training point and the birth lambda of each cluster are read;
- per selected cluster its node in the tree and max lambda (prediction_data_.max_lambdas); the
  cluster map (a node and every node below it carry the label) is derived from the tree, and
  build_artifact checks that the derivation equals the library's own map.

Per cluster, `size` and the means describe the fit (labels_); `mapped_size` counts the training
points the prediction's cluster map reaches, which is smaller where the library's prediction
data lost part of a cluster (see mapped_labels).

A +inf lambda (a point or cluster that separates at distance 0, i.e. at least min_samples
identical customers) has no JSON number; it is written as the string "Infinity".
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import hdbscan
import numpy as np

from .features import SUMMARY_FEATURES
from .scaling import Standardizer

ARTIFACT_FORMAT = "amato.hdbscan.v1"
INFINITY = "Infinity"


class TrainingError(ValueError):
    """The requested fit cannot be served, e.g. too few customers for min_samples."""


@dataclass(frozen=True)
class Hyperparameters:
    min_cluster_size: int
    min_samples: int  # as used: HDBSCAN's min_samples, or min_cluster_size when not given


def default_min_cluster_size(customers: int) -> int:
    """1% of the customers, at least 15: a segment smaller than that is not worth a campaign,
    and below ~15 members HDBSCAN splits on noise."""
    return max(15, round(0.01 * customers))


def resolve_hyperparameters(
    customers: int, min_cluster_size: int | None, min_samples: int | None
) -> Hyperparameters:
    """Fills the defaults and refuses values approximate_predict cannot serve: it queries the
    2 × min_samples nearest training points of every new point, so there must be that many."""
    size = default_min_cluster_size(customers) if min_cluster_size is None else min_cluster_size
    samples = size if min_samples is None else min_samples
    if size < 2:
        raise TrainingError(f"min_cluster_size must be at least 2, got {size}")
    if samples < 1:
        raise TrainingError(f"min_samples must be at least 1, got {samples}")
    if customers < 2 * samples:
        raise TrainingError(
            f"{customers} training customers are fewer than 2 × min_samples = {2 * samples}, "
            "the neighbours a prediction needs"
        )
    return Hyperparameters(min_cluster_size=size, min_samples=samples)


def fit_hdbscan(points: np.ndarray, hyperparameters: Hyperparameters) -> hdbscan.HDBSCAN:
    """Fits with prediction data, which approximate_predict needs and the artifact copies."""
    clusterer = hdbscan.HDBSCAN(
        min_cluster_size=hyperparameters.min_cluster_size,
        min_samples=hyperparameters.min_samples,
        prediction_data=True,
    )
    return clusterer.fit(points)


def approximate_predict(
    clusterer: hdbscan.HDBSCAN, points: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Labels (-1: noise) and probabilities of new scaled points, as the library assigns them
    (none for no points, which the library would refuse)."""
    if points.shape[0] == 0:
        return np.empty(0, dtype=np.int64), np.empty(0)
    labels, probabilities = hdbscan.approximate_predict(clusterer, points)
    return labels.astype(np.int64), probabilities.astype(np.float64)


def encode_lambda(value: float) -> float | str:
    return INFINITY if value == np.inf else float(value)


def clusters_below(tree: np.ndarray, node: int) -> set[int]:
    """The node and every cluster node under it (rows with child_size > 1 are clusters)."""
    clusters = tree[tree["child_size"] > 1]
    found, frontier = {node}, [node]
    while frontier:
        children = clusters["child"][np.isin(clusters["parent"], frontier)]
        frontier = [int(child) for child in children]
        found.update(frontier)
    return found


def selected_nodes(clusterer: hdbscan.HDBSCAN) -> list[int]:
    """The tree node of each label, label order: the library numbers the selected clusters in
    ascending node order."""
    reverse = clusterer.prediction_data_.reverse_cluster_map
    return [int(reverse[label]) for label in range(len(reverse))]


def prediction_map(clusterer: hdbscan.HDBSCAN, nodes: list[int]) -> dict[int, int]:
    """The label of every cluster node as TypeScript derives it: each selected node and the
    nodes below it. Checked against the map the library predicts with, and the max lambdas
    against the rows they come from; a difference would be a silent disagreement between
    Python and TypeScript, so it stops the training."""
    tree = clusterer.condensed_tree_._raw_tree
    derived = {
        below: label for label, node in enumerate(nodes) for below in clusters_below(tree, node)
    }
    library = {
        int(node): int(label) for node, label in clusterer.prediction_data_.cluster_map.items()
    }
    if derived != library:
        raise AssertionError(
            "the cluster map derived from the condensed tree differs from hdbscan's"
        )
    for node in nodes:
        expected = tree["lambda_val"][tree["parent"] == node].max()
        if clusterer.prediction_data_.max_lambdas[node] != expected:
            raise AssertionError(f"max lambda of node {node} differs from its rows' maximum")
    return derived


def mapped_labels(clusterer: hdbscan.HDBSCAN, cluster_map: dict[int, int]) -> np.ndarray:
    """Per training point, the label the prediction's cluster map gives the cluster it falls
    out of (-1 when none).

    This is labels_ except where the library's prediction data lost part of a cluster:
    hdbscan 0.8.44 rebuilds the selected clusters from labels_ as the lowest node holding
    points of each label, so a selected cluster without points of its own (all of them in
    child clusters) is replaced by one child, and the other children's points, labelled in
    the fit, are outside the map approximate_predict uses.
    """
    tree = clusterer.condensed_tree_._raw_tree
    rows = tree[tree["child_size"] == 1]
    labels = np.full(clusterer.labels_.shape[0], -1)
    labels[rows["child"]] = [cluster_map.get(int(parent), -1) for parent in rows["parent"]]
    return labels


def cluster_summaries(raw: np.ndarray, features: tuple[str, ...], labels: np.ndarray, nodes):
    """Size and means, in original units, of the summary features, per label of the fit."""
    columns = [features.index(name) for name in SUMMARY_FEATURES]
    summaries = []
    for label, node in enumerate(nodes):
        members = raw[labels == label][:, columns]
        summaries.append(
            {
                "label": label,
                "size": int(members.shape[0]),
                "means": {
                    name: float(members[:, k].mean()) for k, name in enumerate(SUMMARY_FEATURES)
                },
                "node": node,
            }
        )
    return summaries


def build_artifact(
    clusterer: hdbscan.HDBSCAN,
    standardizer: Standardizer,
    raw: np.ndarray,
    features: tuple[str, ...],
    *,
    hyperparameters: Hyperparameters,
    training: dict[str, Any],
) -> dict[str, Any]:
    """The amato.hdbscan.v1 artifact of a fit on `raw` (original units, the fitted rows)."""
    prediction = clusterer.prediction_data_
    tree = clusterer.condensed_tree_._raw_tree
    nodes = selected_nodes(clusterer)
    mapped = mapped_labels(clusterer, prediction_map(clusterer, nodes))
    summaries = cluster_summaries(raw, features, clusterer.labels_, nodes)
    for summary in summaries:
        summary["max_lambda"] = encode_lambda(prediction.max_lambdas[summary["node"]])
        summary["mapped_size"] = int(np.count_nonzero(mapped == summary["label"]))
    return {
        "format": ARTIFACT_FORMAT,
        "features": list(features),
        "scaler": {
            "mean": [float(v) for v in standardizer.mean],
            "scale": [float(v) for v in standardizer.scale],
        },
        "hyperparameters": {
            "min_cluster_size": hyperparameters.min_cluster_size,
            "min_samples": hyperparameters.min_samples,
            "metric": "euclidean",
            "cluster_selection_method": "eom",
        },
        "training": {
            **training,
            "versions": {lib: version(lib) for lib in ("hdbscan", "scikit-learn", "numpy")},
        },
        "points": {
            "rows": int(prediction.raw_data.shape[0]),
            "values": [float(v) for v in prediction.raw_data.ravel()],
        },
        "core_distances": [float(v) for v in prediction.core_distances],
        "condensed_tree": {
            "parent": [int(v) for v in tree["parent"]],
            "child": [int(v) for v in tree["child"]],
            "lambda_val": [encode_lambda(v) for v in tree["lambda_val"]],
            "child_size": [int(v) for v in tree["child_size"]],
        },
        "clusters": summaries,
        "noise": {"size": int(np.count_nonzero(clusterer.labels_ < 0))},
    }
