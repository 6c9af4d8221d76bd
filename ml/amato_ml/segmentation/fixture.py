"""The agreement fixture of the TypeScript implementation (libs/models/src/hdbscan/fixtures).

A small synthetic dataset, deterministic for a seed, shaped to reach every branch of
approximate_predict: dense and sparse segments, scattered noise, a segment whose selected
cluster has child clusters, a cluster the library's prediction data only half covers, a clump
of identical customers (core distance 0, so +inf lambdas), and held-out points inside and
between segments, far outside all of them, on a training point and on the clump. The fixture
holds the artifact, in the serving format, and the held-out points with the library's labels
and probabilities, which the TypeScript test must reproduce.

Regenerate from ml/ (the files are Prettier-formatted as written; no formatter run needed):

    .venv/bin/python -m amato_ml.segmentation fixture --out ../libs/models/src/hdbscan/fixtures/
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from amato_ml.jsonfile import dumps as dumps_prettier

from .features import SUMMARY_FEATURES
from .model import Hyperparameters, approximate_predict, build_artifact
from .train import HOLDOUT_FORMAT, fit_rows

FIXTURE_SEED = 20260102
ARTIFACT_FILE = "hdbscan.json"
HOLDOUT_FILE = "holdout.json"
FEATURES: tuple[str, ...] = (*SUMMARY_FEATURES, "bounce_rate", "session_intensity")
HYPERPARAMETERS = Hyperparameters(min_cluster_size=15, min_samples=8)

# Segment centres and spreads in FEATURES order, and how many training / held-out customers.
SEGMENTS = (
    ((2400.0, 12.0, 10.0, 70.0, 0.05, 9.0), (300.0, 2.0, 4.0, 6.0, 0.02, 1.0), 110, 25),
    ((120.0, 1.0, 30.0, 40.0, 0.3, 4.0), (40.0, 0.4, 8.0, 6.0, 0.05, 0.8), 100, 25),
    ((500.0, 3.0, 300.0, 25.0, 0.5, 3.0), (150.0, 1.0, 40.0, 8.0, 0.1, 1.0), 80, 25),
    ((60.0, 0.5, 90.0, 55.0, 0.1, 14.0), (50.0, 0.3, 30.0, 10.0, 0.05, 3.0), 60, 25),
)
# Two tight groups inside the second segment, apart along recency_days: the tree splits them
# off as child clusters, yet the segment as a whole is the more stable and is selected, so
# labels must reach the clusters below a selected one (the cluster map's descendants).
CORE_SIZE = 20
CORE_SPREAD = 0.1  # of the segment's spread
CORE_OFFSET = (0.0, 0.0, 1.0, 0.0, 0.0, 0.0)  # ± this many segment spreads from its centre
# A cluster made only of two runs of customers along monetary_value (other features fixed):
# the runs stay together until they split, so the cluster has no point rows of its own, yet
# it is more stable than the runs and is selected. hdbscan's prediction data rebuilds the
# selection as the lowest node holding points of the label, i.e. one run: new customers near
# the other run are not assigned the cluster, which the fixture must reproduce too.
PAIR_RUN = 16  # customers per run (≥ min_cluster_size)
PAIR_STEP = 20.0  # monetary_value between neighbours in a run
PAIR_GAP = 8.5  # steps between the runs: wider than a run's core distances, not by much
PAIR_START = 6000.0
PAIR_REST = (20.0, 5.0, 90.0, 0.02, 25.0)  # the other features, in FEATURES order
HELD_PAIR_SHIFT = (0, 0, 0, PAIR_RUN - 1 + PAIR_GAP, PAIR_RUN - 1 + PAIR_GAP)  # 3 + 2 per run
CLUMP = (0.0, 0.0, 200.0, 0.0, 0.0, 0.0)  # never bought, never visited, registered 200 days ago
CLUMP_SIZE = 20  # identical rows, more than min_cluster_size: a cluster born at distance 0
SCATTERED = 40


def _segment(rng, centre, spread, count) -> np.ndarray:
    return np.abs(rng.normal(centre, spread, size=(count, len(centre))))


def _box(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return values.min(axis=0), values.max(axis=0)


def _cores(rng, count: int) -> list[np.ndarray]:
    centre, spread, _, _ = (np.array(v) for v in SEGMENTS[1])
    offset = spread * np.array(CORE_OFFSET)
    return [_segment(rng, centre + sign * offset, spread * CORE_SPREAD, count) for sign in (-1, 1)]


def _pair(rng, offsets: np.ndarray) -> np.ndarray:
    """Customers at these positions (in steps) along the two runs, jittered off the lattice:
    on it, many distances would tie exactly, and the KDTree orders ties by accident."""
    monetary = PAIR_START + PAIR_STEP * offsets + rng.uniform(-2.0, 2.0, offsets.size)
    return np.column_stack([monetary, np.tile(PAIR_REST, (offsets.size, 1))])


def synthetic_dataset(seed: int = FIXTURE_SEED) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, held-out rows) in original units, rounded to cents as real data is."""
    rng = np.random.default_rng(seed)
    blobs = [_segment(rng, c, s, n) for c, s, n, _ in SEGMENTS]
    low, high = _box(np.vstack(blobs))
    scattered = rng.uniform(low, high, size=(SCATTERED, len(FEATURES)))
    runs = np.concatenate([np.arange(PAIR_RUN), PAIR_RUN - 1 + PAIR_GAP + np.arange(PAIR_RUN)])
    training = np.vstack(
        [*blobs, *_cores(rng, CORE_SIZE), scattered, [CLUMP] * CLUMP_SIZE, _pair(rng, runs)]
    ).round(2)
    centres = np.array([c for c, _, _, _ in SEGMENTS])
    spreads = np.array([s for _, s, _, _ in SEGMENTS])
    far = centres[rng.integers(0, len(SEGMENTS), 15)] + spreads.max(axis=0) * rng.choice(
        [-1.0, 1.0], size=(15, len(FEATURES))
    ) * rng.uniform(10, 50, size=(15, len(FEATURES)))
    held = np.vstack(
        [
            *(_segment(rng, c, s, h) for c, s, _, h in SEGMENTS),
            *_cores(rng, 5),
            _pair(rng, np.array([3.5, 7.5, 11.5, 2.5, 8.5]) + HELD_PAIR_SHIFT),
            rng.uniform(low, high, size=(20, len(FEATURES))),
            far,
            [CLUMP] * 5,
            training[rng.choice(training.shape[0], 5, replace=False)],
            (centres[[0, 1, 2, 3, 0]] + centres[[1, 2, 3, 0, 2]]) / 2,
        ]
    ).round(2)
    return training, held


def write_fixture(out: Path, seed: int = FIXTURE_SEED) -> list[Path]:
    """Writes the artifact and the held-out answers, Prettier-formatted, byte-identical on
    every run with the pinned libraries."""
    training, held = synthetic_dataset(seed)
    fit = fit_rows(training, np.arange(training.shape[0]), HYPERPARAMETERS)
    artifact = build_artifact(
        fit.clusterer,
        fit.standardizer,
        training,
        FEATURES,
        hyperparameters=HYPERPARAMETERS,
        training={"dataset": "synthetic", "customers": int(training.shape[0]), "seed": seed},
    )
    labels, probabilities = approximate_predict(fit.clusterer, fit.standardizer.transform(held))
    holdout = {
        "format": HOLDOUT_FORMAT,
        "features": list(FEATURES),
        "customer_ids": [f"HOLDOUT_{k:03d}" for k in range(1, held.shape[0] + 1)],
        "points": [[float(v) for v in row] for row in held],
        "labels": [int(v) for v in labels],
        "probabilities": [float(v) for v in probabilities],
    }
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / ARTIFACT_FILE, out / HOLDOUT_FILE]
    for path, document in zip(paths, (artifact, holdout), strict=True):
        path.write_text(dumps_prettier(document))
    return paths
