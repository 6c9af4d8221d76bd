"""The train command: campaign days in; response curves, outcome model and report out.

The backtest (backtest.py) fits every model on the days before the held-out campaigns and
judges it on them; the served models are then refitted on every day of the dataset with the
same settings, so the figures reported are those of models trained on less data than the
served ones (a slightly pessimistic report, never an optimistic one).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from amato_ml import jsonfile

from . import backtest, outcome, response
from .dataset import CampaignDays, load_dataset
from .report import render_markdown

RESPONSE_FORMAT = "amato.campaign-response.v1"
OUTCOME_FORMAT = "amato.campaign-outcome.v1"
REPORT_FORMAT = "amato.campaign-report.v1"
RESPONSE_FILE = "campaign-response.json"
OUTCOME_ONNX = "campaign-outcome.onnx"
OUTCOME_FILE = "campaign-outcome.json"
REPORT_JSON = "campaign-report.json"
REPORT_MD = "campaign-report.md"


@dataclass(frozen=True)
class TrainingResult:
    response: dict[str, Any]
    outcome_metadata: dict[str, Any]
    outcome_onnx: bytes
    report: dict[str, Any]

    def write(self, out: Path) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        paths = [
            out / n for n in (RESPONSE_FILE, OUTCOME_FILE, OUTCOME_ONNX, REPORT_JSON, REPORT_MD)
        ]
        jsonfile.write(paths[0], self.response)
        jsonfile.write(paths[1], self.outcome_metadata)
        paths[2].write_bytes(self.outcome_onnx)
        jsonfile.write(paths[3], self.report)
        paths[4].write_text(render_markdown(self.report), encoding="utf-8")
        return paths


def _trained_on(data: CampaignDays) -> dict[str, Any]:
    days = data.days
    return {
        "days": int(len(days)),
        "campaigns": int(len(data.campaigns)),
        "first_day": f"{days['day'].min():%Y-%m-%d}",
        "last_day": f"{days['day'].max():%Y-%m-%d}",
        "channels": {
            str(c): int(n) for c, n in data.campaigns["channel"].value_counts().sort_index().items()
        },
    }


def response_artifact(fit: response.ResponseFit, trained_on: dict[str, Any]) -> dict[str, Any]:
    lv = fit.curves.levels
    return {
        "format": RESPONSE_FORMAT,
        "form": "revenue per campaign day = ceiling × audience factor × campaign type factor × "
        "(1 − exp(−daily spend / scale))",
        "trained_on": trained_on,
        **fit.curves.as_json(),
        "base": {"audience": lv.audiences[0], "campaign_type": lv.types[0]},
        "quality_sigma": fit.quality_sigma,
        "dispersion": fit.dispersion,
        "skipped_channels": fit.skipped,
        "campaigns_per_channel": fit.channel_campaigns,
        # Bootstrap resamples, as arrays in the order of the point estimate's keys.
        "samples": [
            {
                "ceiling": s.ceiling.round(6).tolist(),
                "scale": s.scale.round(6).tolist(),
                "audience": s.audience.round(6).tolist(),
                "campaign_type": s.type.round(6).tolist(),
            }
            for s in fit.samples
        ],
    }


def build(
    data: CampaignDays, *, holdout_share: float = 0.25, bootstrap: int = 200, seed: int = 0
) -> TrainingResult:
    with threadpool_limits(1):
        started = time.perf_counter()
        tested = backtest.run(
            data.days, data.campaigns, holdout_share=holdout_share, bootstrap=bootstrap, seed=seed
        )
        fit = response.fit_response(data.days, bootstrap=bootstrap, seed=seed)
        served = outcome.fit(data.days, seed=seed)
        onnx_model = outcome.to_onnx(served)
        rows = served.encoding.rows(data.days)
        agreement = max(
            float(np.max(np.abs(a - b) / np.maximum(1e-3, np.abs(a))))
            for a, b in zip(
                served.rates(data.days).values(),
                outcome.onnx_predict(onnx_model, rows).values(),
                strict=True,
            )
        )
        seconds = time.perf_counter() - started
    trained_on = _trained_on(data)
    metrics = tested["metrics"]
    outcome_metadata = {
        "format": OUTCOME_FORMAT,
        "input": outcome.INPUT_NAME,
        "outputs": list(outcome.OUTPUTS),
        "unit": "per unit of daily budget: a campaign's revenue (ROAS) and conversions",
        **served.encoding.as_json(),
        "params": outcome.PARAMS,
        "trained_on": trained_on,
        "backtest": metrics["outcome_model"],
        "onnx_max_relative_difference": agreement,
    }
    report = {
        "format": REPORT_FORMAT,
        "trained_on": trained_on,
        "settings": {"holdout_share": holdout_share, "bootstrap": bootstrap, "seed": seed},
        "backtest": tested,
        "served_curves": response_artifact(fit, trained_on) | {"samples": len(fit.samples)},
        "onnx_max_relative_difference": agreement,
        "seconds": round(seconds, 2),
    }
    return TrainingResult(response_artifact(fit, trained_on), outcome_metadata, onnx_model, report)


def train(dataset: Path, out: Path, **settings: Any) -> tuple[TrainingResult, list[Path]]:
    result = build(load_dataset(dataset), **settings)
    return result, result.write(out)


def summary_lines(result: TrainingResult) -> list[str]:
    tested = result.report["backtest"]
    m = tested["metrics"]
    lines = [
        f"backtest: {tested['test_campaigns']} held-out campaigns from {tested['holdout_start']}, "
        f"trained on {tested['train_campaigns']} earlier ones",
    ]
    for name in ("outcome_model", "response_curves", "baseline"):
        r = m[name]["roas"]
        v = m[name]["revenue"]
        if name == "baseline":
            lines.append(f"  {name:16} ROAS MAE {r['mae']:.3f}, revenue MAE {v['mae']:,.0f}")
            continue
        lines.append(
            f"  {name:16} ROAS MAE {r['mae']:.3f} ({_versus(r['mae_vs_baseline'])}), "
            f"revenue MAE {v['mae']:,.0f} ({_versus(v['mae_vs_baseline'])})"
        )
    cov = tested["coverage"]
    lines.append(f"  intervals: 80% held {cov['80']:.0%}, 95% held {cov['95']:.0%}")
    for name, s in tested["allocation"]["scores"].items():
        lines.append(f"  optimiser vs historical split under {name}: {s['uplift']:+.1%} revenue")
    return lines


def _versus(improvement: float) -> str:
    """An MAE against the baseline's, as words."""
    if improvement >= 0:
        return f"{improvement:.1%} lower than the baseline"
    return f"{-improvement:.1%} higher than the baseline"
