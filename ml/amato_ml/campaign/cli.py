"""Command line: `train` the campaign models from a campaign-days dataset. Run from ml/ with the
project's virtual environment:

    .venv/bin/python -m amato_ml.campaign train --dataset FILE.parquet --out DIR
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from amato_ml.cli_args import non_negative_int, positive_int, share

from . import fixture
from .dataset import DatasetError, TooFewCampaigns
from .response import FitError
from .train import summary_lines, train

# The exit status of a valid dataset too small to train on: ./amato train skips the models then.
TOO_FEW_CAMPAIGNS = 3


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(
        prog="python -m amato_ml.campaign",
        description="AMATO's campaign models: response curves, outcome model, backtest.",
    )
    commands = root.add_subparsers(dest="command", required=True)
    command = commands.add_parser(
        "train",
        help="fit, backtest and write the campaign response curves and outcome model",
        description="Backtests the response curves, the outcome model (LightGBM, ONNX) and "
        "the channel-ROAS baseline on the latest campaigns held out, then fits the served "
        "models on every day and writes DIR/campaign-response.json, DIR/campaign-outcome.onnx "
        "with DIR/campaign-outcome.json, and DIR/campaign-report.{json,md}.",
    )
    command.add_argument("--dataset", type=Path, required=True, help="campaign days (Parquet)")
    command.add_argument("--out", type=Path, required=True, help="output directory")
    command.add_argument(
        "--holdout-share",
        type=share,
        default=0.25,
        help="share of the campaigns, latest by start date, held out (default: 0.25)",
    )
    command.add_argument(
        "--bootstrap",
        type=positive_int,
        default=200,
        help="bootstrap resamples of the campaigns for the curves' uncertainty (default: 200)",
    )
    command.add_argument(
        "--seed", type=non_negative_int, default=0, help="random seed (default: 0)"
    )
    fixtures = commands.add_parser(
        "fixture",
        help="write the TypeScript tests' fixture (libs/models/src/campaign/fixtures)",
        description="Writes a small deterministic response artifact, outcome model with its "
        "answers, and SLSQP-solved budget splits into DIR.",
    )
    fixtures.add_argument("--out", type=Path, required=True, help="directory to write into")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "fixture":
        for path in fixture.write(args.out):
            print(f"wrote {path}")
        return 0
    try:
        result, paths = train(
            args.dataset,
            args.out,
            holdout_share=args.holdout_share,
            bootstrap=args.bootstrap,
            seed=args.seed,
        )
    except TooFewCampaigns as error:
        print(f"error: {error}", file=sys.stderr)
        return TOO_FEW_CAMPAIGNS
    except (DatasetError, FitError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for line in summary_lines(result):
        print(line)
    for path in paths:
        print(f"wrote {path}")
    return 0
