"""python -m amato_ml.journey {train,fixture,synthetic}: run from ml/ with .venv/bin/python."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from amato_ml.cli_args import share
from amato_ml.journey import fixture, synthetic
from amato_ml.journey.dataset import DatasetError, load_dataset
from amato_ml.journey.train import ExportMismatchError, summary, train


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        prog="python -m amato_ml.journey",
        description="AMATO's live-session conversion model: train, export to ONNX, report.",
    )
    commands = cli.add_subparsers(dest="command", required=True)

    training = commands.add_parser(
        "train",
        help="train on a prefix dataset and write the model, its metadata and a report",
        description=(
            "Trains on the earliest sessions of a Parquet prefix dataset, evaluates on the latest "
            "against two baselines, and writes journey.onnx, journey.json, journey-report.json "
            "and journey-report.md."
        ),
    )
    training.add_argument("--dataset", type=Path, required=True, help="the Parquet prefix file")
    training.add_argument("--out", type=Path, required=True, help="directory to write into")
    training.add_argument(
        "--holdout-share",
        type=share,
        default=0.2,
        help="share of sessions, the latest by start, held out (default 0.2)",
    )
    training.add_argument("--seed", type=int, default=42, help="LightGBM's seed (default 42)")

    fixtures = commands.add_parser(
        "fixture",
        help="write the small deterministic model and holdout the TypeScript tests use",
    )
    fixtures.add_argument("--out", type=Path, required=True, help="directory to write into")

    synthetic_data = commands.add_parser(
        "synthetic", help="write a synthetic prefix dataset of the batch layer's shape"
    )
    synthetic_data.add_argument("--out", type=Path, required=True, help="the Parquet file")
    synthetic_data.add_argument("--sessions", type=int, default=20_000)
    synthetic_data.add_argument("--seed", type=int, default=7)
    return cli


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "train":
            frame = load_dataset(args.dataset)
            result = train(frame, args.holdout_share, args.seed, source=str(args.dataset))
            print(summary(result, result.write(args.out)))
        elif args.command == "fixture":
            for path in fixture.write(args.out):
                print(f"wrote {path} ({path.stat().st_size} bytes)")
        else:
            frame = synthetic.generate(args.sessions, seed=args.seed)
            synthetic.write(frame, args.out)
            print(f"wrote {args.out}: {frame['session_id'].nunique()} sessions, {len(frame)} rows")
    except (DatasetError, ExportMismatchError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
