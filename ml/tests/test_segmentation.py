import json

import numpy as np
import pytest
from sklearn.metrics import silhouette_score
from test_segmentation_factories import segments

from amato_ml.jsonfile import dumps as dumps_prettier
from amato_ml.jsonfile import dumps_compact
from amato_ml.jsonfile import number as number_text
from amato_ml.segmentation import fixture, report
from amato_ml.segmentation.model import (
    ARTIFACT_FORMAT,
    INFINITY,
    Hyperparameters,
    TrainingError,
    approximate_predict,
    build_artifact,
    default_min_cluster_size,
    resolve_hyperparameters,
)
from amato_ml.segmentation.scaling import Standardizer
from amato_ml.segmentation.train import fit_rows, report_document, split_holdout

FEATURES = tuple(f"f{i}" for i in range(36))
SUMMARY = ("monetary_value", "frequency", "recency_days", "avg_engagement_score")


def summary_features(dimensions: int) -> tuple[str, ...]:
    return (*SUMMARY, *(f"f{i}" for i in range(dimensions - len(SUMMARY))))


@pytest.fixture(scope="module")
def fitted():
    values, truth = segments()
    features = summary_features(values.shape[1])
    fit = fit_rows(values, np.arange(values.shape[0]), Hyperparameters(15, 5))
    artifact = build_artifact(
        fit.clusterer,
        fit.standardizer,
        values,
        features,
        hyperparameters=Hyperparameters(15, 5),
        training={},
    )
    return values, truth, fit, artifact


def test_standardizer_gives_constant_columns_scale_1_and_zeros():
    values = np.column_stack([np.arange(5.0), np.full(5, 0.1), np.full(5, 7.0)])
    standardizer = Standardizer.fit(values)
    assert standardizer.scale.tolist() == [np.std(np.arange(5.0)), 1.0, 1.0]
    scaled = standardizer.transform(values)
    assert np.array_equal(scaled[:, 1:], np.zeros((5, 2)))
    assert scaled[:, 0].mean() == pytest.approx(0) and scaled[:, 0].std() == pytest.approx(1)


def test_standardizer_refuses_an_empty_matrix():
    with pytest.raises(ValueError, match="non-empty 2-D"):
        Standardizer.fit(np.empty((0, 3)))


def test_default_min_cluster_size_is_one_percent_at_least_15():
    assert default_min_cluster_size(800) == 15
    assert default_min_cluster_size(8000) == 80


def test_hyperparameters_need_twice_min_samples_customers():
    assert resolve_hyperparameters(1000, None, None) == Hyperparameters(15, 15)
    assert resolve_hyperparameters(1000, 20, 4) == Hyperparameters(20, 4)
    with pytest.raises(TrainingError, match="fewer than 2 × min_samples = 40"):
        resolve_hyperparameters(39, 15, 20)


def test_artifact_round_trips_with_consistent_shapes(fitted):
    values, _, fit, artifact = fitted
    loaded = json.loads(dumps_compact(artifact))
    rows, features = values.shape
    assert loaded["format"] == ARTIFACT_FORMAT
    assert loaded["points"]["rows"] == rows
    assert len(loaded["points"]["values"]) == rows * features
    assert np.array_equal(
        np.array(loaded["points"]["values"]).reshape(rows, features), fit.points
    )  # no digit lost on the way through JSON
    assert len(loaded["core_distances"]) == rows
    assert len(loaded["scaler"]["mean"]) == len(loaded["scaler"]["scale"]) == features
    tree = loaded["condensed_tree"]
    assert len({len(tree[column]) for column in tree}) == 1
    labels = [c["label"] for c in loaded["clusters"]]
    assert labels == list(range(len(labels))) and len(labels) == 3
    assert sum(c["size"] for c in loaded["clusters"]) + loaded["noise"]["size"] == rows


def test_cluster_means_are_in_original_units(fitted):
    values, _, fit, artifact = fitted
    for cluster in artifact["clusters"]:
        members = values[fit.clusterer.labels_ == cluster["label"]]
        assert cluster["means"]["monetary_value"] == pytest.approx(members[:, 0].mean())
        assert cluster["size"] == members.shape[0]


def test_infinite_lambdas_are_written_as_a_token():
    # 20 identical customers (more than min_samples): their core distance is 0, their lambda +inf.
    values, _ = segments(per_segment=40, outliers=0, dimensions=6)
    values = np.vstack([values, np.full((20, 6), 100.0)])
    features = summary_features(6)
    fit = fit_rows(values, np.arange(values.shape[0]), Hyperparameters(15, 5))
    artifact = build_artifact(
        fit.clusterer,
        fit.standardizer,
        values,
        features,
        hyperparameters=Hyperparameters(15, 5),
        training={},
    )
    assert INFINITY in artifact["condensed_tree"]["lambda_val"]
    assert INFINITY in [c["max_lambda"] for c in artifact["clusters"]]
    json.loads(dumps_compact(artifact))  # allow_nan=False would have raised on a raw inf


def test_noise_is_minus_one_in_the_fit_and_for_far_new_points(fitted):
    _, truth, fit, _ = fitted
    assert set(fit.clusterer.labels_[truth == -1]) == {-1}
    far = fit.standardizer.transform(np.full((2, 36), 500.0))
    labels, probabilities = approximate_predict(fit.clusterer, far)
    assert labels.tolist() == [-1, -1] and probabilities.tolist() == [0.0, 0.0]


def test_quality_is_computed_on_the_non_noise_points_only():
    rng = np.random.default_rng(0)
    points = np.vstack([rng.normal(0, 1, (30, 2)), rng.normal(8, 1, (30, 2)), [[4, 4], [50, -50]]])
    labels = np.array([0] * 30 + [1] * 30 + [-1, -1])
    quality = report.quality(points, labels)
    assert quality["points"] == 60 and quality["clusters"] == 2
    assert quality["silhouette"] == pytest.approx(silhouette_score(points[:60], labels[:60]))
    assert quality["silhouette"] != pytest.approx(silhouette_score(points, labels))


def test_quality_is_null_with_fewer_than_two_clusters():
    quality = report.quality(np.zeros((5, 2)), np.array([0, 0, 0, -1, -1]))
    assert quality["silhouette"] is None and quality["davies_bouldin"] is None


def test_agreement_compares_the_points_both_labelings_put_in_a_cluster():
    a = np.array([0, 0, 1, 1, -1, -1, 2])
    b = np.array([5, 5, 7, -1, 0, 0, 9])  # renumbered; disagrees only where a or b is noise
    assert report.agreement(a, b) == {"ari": pytest.approx(1.0), "compared": 4}
    assert report.agreement(np.array([-1, 0]), np.array([0, -1])) == {"ari": None, "compared": 0}


def test_bootstrap_stability_compares_each_distinct_drawn_row_once():
    labels = np.array([0, 0, 0, 1, 1, 1, -1, -1])
    seen = []

    def refit(sample):
        seen.append(sample)
        return labels[sample]  # a refit that reproduces the base labels exactly

    result = report.bootstrap_stability(labels.size, labels, refit, [1, 2])
    for sample, run in zip(seen, result["runs"], strict=True):
        distinct = np.unique(sample)
        assert run["compared"] == np.count_nonzero(labels[distinct] != -1)
    assert result["mean_ari"] == pytest.approx(1.0)


def test_holdout_assignment_counts_clusters_and_noise():
    counts = report.holdout_assignment(np.array([0, 1, 1, -1]), np.array([0.5, 1, 0.5, 0]), 3)
    assert counts["clusters"] == {"0": 1, "1": 2, "2": 0}
    assert counts["noise"] == 1 and counts["customers"] == 4
    assert counts["mean_probability"] == pytest.approx(2 / 3)


def test_holdout_split_is_seeded_and_disjoint():
    fit, held = split_holdout(100, 0.2, 42)
    again, _ = split_holdout(100, 0.2, 42)
    other, _ = split_holdout(100, 0.2, 43)
    assert held.size == 20 and np.intersect1d(fit, held).size == 0
    assert np.array_equal(fit, again) and not np.array_equal(fit, other)
    assert np.all(np.diff(fit) > 0)
    with pytest.raises(TrainingError, match=r"holdout must be in \[0, 1\)"):
        split_holdout(100, 1.0, 42)


def test_numbers_are_written_as_prettier_writes_them():
    assert number_text(2.5e-07) == "2.5e-7"
    assert number_text(1e21) == "1e21"
    assert number_text(-1.5e-300) == "-1.5e-300"
    assert number_text(0.1) == "0.1"
    assert number_text(7) == "7"
    with pytest.raises(ValueError):
        number_text(float("inf"))


def test_prettier_text_fills_number_arrays_within_the_width():
    document = {"a": [1 / 3] * 40, "b": {"c": [1, 2]}, "s": ["x"], "e": [], "o": {}}
    text = dumps_prettier(document)
    assert json.loads(text) == document
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert '  "b": {' in lines and '    "c": [1, 2]' in lines
    assert lines[2].startswith("    0.3333333333333333, 0.3333333333333333,")


def test_the_report_names_customers_the_prediction_map_misses(tmp_path):
    training, _ = fixture.synthetic_dataset()
    fit = fit_rows(training, np.arange(training.shape[0]), fixture.HYPERPARAMETERS)
    artifact = build_artifact(
        fit.clusterer,
        fit.standardizer,
        training,
        fixture.FEATURES,
        hyperparameters=fixture.HYPERPARAMETERS,
        training={},
    )
    document = report_document(tmp_path / "d.parquet", training.shape[0], artifact, fit, 1)
    pair = [c["label"] for c in artifact["clusters"] if c["size"] == 2 * fixture.PAIR_RUN]
    assert document["outside_prediction_map"] == {
        "customers": fixture.PAIR_RUN,
        "by_label": {str(pair[0]): fixture.PAIR_RUN},
    }
    # The library's own prediction for the runs' customers follows the map, not labels_.
    runs = fit.points[fit.clusterer.labels_ == pair[0]]
    predicted, _ = approximate_predict(fit.clusterer, runs)
    assert runs.shape[0] == 2 * fixture.PAIR_RUN
    assert np.count_nonzero(predicted == pair[0]) == fixture.PAIR_RUN
