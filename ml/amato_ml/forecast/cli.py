"""Command line: `train` the daily revenue forecast from a dataset. Run from ml/ with the
project's virtual environment:

    .venv/bin/python -m amato_ml.forecast train --dataset FILE.parquet --out DIR
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from amato_ml.cli_args import positive_int

from .dataset import DatasetError
from .model import TrainingError
from .train import summary_lines, train


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m amato_ml.forecast",
        description="AMATO's daily revenue forecast: train it on the daily sales history.",
    )
    commands = root.add_subparsers(dest="command", required=True)
    train = commands.add_parser(
        "train",
        help="fit, backtest and forecast, and write revenue-forecast.json and its report",
        description="Fits every candidate model of log(revenue + one order's revenue): a local "
        "level with drift and month-of-year effects, a local level on last year's monthly "
        "profile, and a regression with ARMA errors (trend, weekday, yearly Fourier terms), "
        "each without and with planned spend; backtests them from rolling origins against the "
        "seasonal-naive baseline, forecasts the dataset's future rows (90 days when it has "
        "none) by the one of lowest backtest MAE and writes DIR/revenue-forecast.json (the "
        "serving artifact) and DIR/revenue-forecast-report.{json,md}.",
    )
    train.add_argument("--dataset", type=Path, required=True, help="daily dataset (Parquet)")
    train.add_argument("--out", type=Path, required=True, help="output directory")
    train.add_argument(
        "--fourier",
        type=positive_int,
        default=4,
        help="yearly sine/cosine pairs of the regression candidate (default: 4)",
    )
    train.add_argument(
        "--backtest-origins",
        type=positive_int,
        default=6,
        help="backtest origins, one every horizon days up to the cutoff (default: 6)",
    )
    train.add_argument(
        "--backtest-horizon",
        type=positive_int,
        default=28,
        help="days forecast from each backtest origin (default: 28)",
    )
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        result = train(
            args.dataset,
            args.out,
            fourier=args.fourier,
            backtest_origins=args.backtest_origins,
            backtest_horizon=args.backtest_horizon,
        )
    except (DatasetError, TrainingError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("\n".join(summary_lines(result, args.out)))
    return 0
