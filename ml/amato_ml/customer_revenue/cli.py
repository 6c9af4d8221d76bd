"""Command line: `train` the customer revenue model on two training datasets, write the
TypeScript `fixture`, or write `synthetic` datasets. Run from ml/ with the project's virtual
environment:

    .venv/bin/python -m amato_ml.customer_revenue train --train F1 --eval F2 --out DIR
    .venv/bin/python -m amato_ml.customer_revenue fixture \
        --out ../libs/models/src/customer-revenue/fixtures/
    .venv/bin/python -m amato_ml.customer_revenue synthetic --out DIR
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from amato_ml.cli_args import positive_int
from amato_ml.customer_revenue import fixture, synthetic
from amato_ml.customer_revenue.dataset import (
    HORIZON_DAYS,
    DatasetError,
    HoldoutError,
    load_dataset,
)
from amato_ml.customer_revenue.model import ExportMismatchError
from amato_ml.customer_revenue.train import summary, train


def _directory(text: str) -> Path:
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} exists and is not a directory")
    return path


def _time(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m amato_ml.customer_revenue",
        description="AMATO's per-customer expected revenue over the next 90 days: backtest, "
        "export to ONNX, report.",
    )
    commands = root.add_subparsers(dest="command", required=True)
    training = commands.add_parser(
        "train",
        help="backtest on two training datasets, refit on the later one, write the model",
        description="Fits gradient-boosted trees on the online features and BG/NBD × "
        "Gamma-Gamma on the --train dataset (cutoff A), grades them and two baselines (last 90 "
        "days repeat, zero) on the labels of the --eval dataset (cutoff B, at least 90 days "
        "after A), refits the trees on --eval and writes DIR/customer-revenue.onnx, "
        "DIR/customer-revenue.json and DIR/customer-revenue-report.{json,md}. The cutoffs are "
        "read from the file names ./amato batch gives the datasets "
        "(training_dataset_<cutoff>.parquet).",
    )
    training.add_argument(
        "--train", type=Path, required=True, help="training dataset at cutoff A (Parquet)"
    )
    training.add_argument(
        "--eval",
        type=Path,
        required=True,
        help=f"training dataset at cutoff B ≥ A + {HORIZON_DAYS} days (Parquet)",
    )
    training.add_argument("--out", type=_directory, required=True, help="directory to write into")
    training.add_argument("--seed", type=int, default=42, help="LightGBM's seed (default 42)")

    fixtures = commands.add_parser(
        "fixture", help="write the small deterministic model and rows the TypeScript tests use"
    )
    fixtures.add_argument("--out", type=_directory, required=True, help="directory to write into")

    synthetic_data = commands.add_parser(
        "synthetic",
        help="write two synthetic training datasets 90 days apart, named as the batch names them",
    )
    synthetic_data.add_argument("--out", type=_directory, required=True, help="directory")
    synthetic_data.add_argument("--customers", type=positive_int, default=5_000)
    synthetic_data.add_argument("--seed", type=int, default=7)
    synthetic_data.add_argument(
        "--cutoff",
        type=_time,
        default=synthetic.FIRST_CUTOFF,
        help=f"the first cutoff, ISO 8601 (default {synthetic.FIRST_CUTOFF.date()}); the "
        f"second is {HORIZON_DAYS} days later",
    )
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        if args.command == "train":
            result = train(load_dataset(args.train), load_dataset(args.eval), seed=args.seed)
            print(summary(result, result.write(args.out)))
        elif args.command == "fixture":
            for path in fixture.write(args.out):
                print(f"wrote {path} ({path.stat().st_size:,} bytes)")
        else:
            cutoffs = (args.cutoff, args.cutoff + timedelta(days=HORIZON_DAYS))
            for path in synthetic.write(args.customers, args.seed, cutoffs, args.out):
                print(f"wrote {path}")
    except (DatasetError, HoldoutError, ExportMismatchError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0
