"""Reference values of libs/models' clustering metrics, from scikit-learn.

    .venv/bin/python -m amato_ml.reference_metrics --out ../libs/models/src/segmentation/fixtures

writes cluster-metrics.json: a small deterministic data set, labelings of it, and what
scikit-learn's StandardScaler, silhouette_score, davies_bouldin_score and adjusted_rand_score
give for them. The TypeScript tests compare their own numbers with these to 1e-9.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score, davies_bouldin_score, silhouette_score
from sklearn.preprocessing import StandardScaler

from amato_ml import jsonfile


def reference() -> dict:
    rng = np.random.default_rng(20261201)
    centres = np.array([[0.0, 0.0, 0.0], [4.0, 1.0, -2.0], [-3.0, 5.0, 2.0]])
    points = np.vstack(
        [
            c + rng.normal(scale=s, size=(20, 3))
            for c, s in zip(centres, [0.6, 1.1, 0.8], strict=True)
        ]
    )
    points = np.vstack([points, [[10.0, 10.0, 10.0]]])
    labels = np.repeat([0, 1, 2], 20).tolist() + [-1]
    keep = np.array(labels) >= 0
    scaler = StandardScaler().fit(points)
    relabelled = [{0: 2, 1: 0, 2: 1}.get(label, label) for label in labels]
    shuffled = rng.permutation(labels).tolist()
    merged = [min(label, 1) for label in labels]
    return {
        "points": points.tolist(),
        "labels": labels,
        "scaler": {"mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist()},
        "silhouette": float(silhouette_score(points[keep], np.array(labels)[keep])),
        "davies_bouldin": float(davies_bouldin_score(points[keep], np.array(labels)[keep])),
        "ari": [
            {"a": labels, "b": relabelled, "value": float(adjusted_rand_score(labels, relabelled))},
            {"a": labels, "b": shuffled, "value": float(adjusted_rand_score(labels, shuffled))},
            {"a": labels, "b": merged, "value": float(adjusted_rand_score(labels, merged))},
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for cluster-metrics.json")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    jsonfile.write(args.out / "cluster-metrics.json", reference())
    print(f"wrote {args.out / 'cluster-metrics.json'}")


if __name__ == "__main__":
    main()
