"""Command line: `train` a segmentation from a training dataset, or write the TypeScript
agreement `fixture`. Run from ml/ with the project's virtual environment:

    .venv/bin/python -m amato_ml.segmentation train --dataset FILE.parquet --out DIR
    .venv/bin/python -m amato_ml.segmentation fixture --out ../libs/models/src/hdbscan/fixtures/
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from amato_ml.cli_args import non_negative_int, positive_int, share_from_zero

from .features import DatasetError
from .fixture import write_fixture
from .model import TrainingError
from .train import summary_lines, train


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m amato_ml.segmentation",
        description="HDBSCAN customer segmentation: train it, or write the TypeScript fixture.",
    )
    commands = root.add_subparsers(dest="command", required=True)
    train = commands.add_parser(
        "train",
        help="fit on a training dataset and write hdbscan.json and its report",
        description="Standardizes the 36 segmentation features, holds out a seeded share of the "
        "customers, fits HDBSCAN on the rest and writes DIR/hdbscan.json (the serving "
        "artifact), DIR/hdbscan-report.{json,md} and DIR/hdbscan-holdout.json (the held-out "
        "customers with approximate_predict's answers).",
    )
    train.add_argument("--dataset", type=Path, required=True, help="training dataset (Parquet)")
    train.add_argument("--out", type=Path, required=True, help="output directory")
    train.add_argument(
        "--min-cluster-size",
        type=positive_int,
        help="smallest segment (default: 1%% of the fitted customers, at least 15)",
    )
    train.add_argument(
        "--min-samples", type=positive_int, help="density neighbours (default: min-cluster-size)"
    )
    train.add_argument(
        "--holdout", type=share_from_zero, default=0.2, help="share held out (default: 0.2)"
    )
    train.add_argument("--seed", type=int, default=42, help="holdout split seed (default: 42)")
    train.add_argument(
        "--bootstraps",
        type=non_negative_int,
        default=5,
        help="bootstrap refits for stability (default: 5)",
    )
    train.add_argument(
        "--splits",
        type=non_negative_int,
        default=3,
        help="refits on other holdout splits (default: 3)",
    )
    fixture = commands.add_parser(
        "fixture",
        help="write the synthetic agreement fixture of the TypeScript implementation",
        description="Writes hdbscan.json and holdout.json of a small deterministic synthetic "
        "dataset, Prettier-formatted; regenerating gives identical files.",
    )
    fixture.add_argument("--out", type=Path, required=True, help="output directory")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "fixture":
        for path in write_fixture(args.out):
            print(f"wrote {path} ({path.stat().st_size:,} bytes)")
        return 0
    try:
        report = train(
            args.dataset,
            args.out,
            min_cluster_size=args.min_cluster_size,
            min_samples=args.min_samples,
            holdout=args.holdout,
            seed=args.seed,
            bootstraps=args.bootstraps,
            splits=args.splits,
        )
    except (DatasetError, TrainingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(summary_lines(report, args.out)))
    return 0
