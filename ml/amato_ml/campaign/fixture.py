"""The fixture the TypeScript campaign models are tested against.

- campaign-response.json: curves fitted on synthetic campaign days with a few bootstrap
  resamples, exactly as `train` writes them;
- campaign-outcome.onnx and campaign-outcome.json: a small outcome model, exported as `train`
  exports it, with campaign-outcome-holdout.json: campaigns and LightGBM's answers for them;
- allocations.json: budget splits solved by scipy's SLSQP (optimise.py), the reference for the
  TypeScript allocator, which solves the same problem another way.

Every output is deterministic: regenerating gives the committed bytes (a test checks it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from amato_ml import jsonfile

from . import outcome, response, synthetic
from .dataset import from_frame
from .optimise import allocate
from .train import OUTCOME_FILE, OUTCOME_FORMAT, OUTCOME_ONNX, RESPONSE_FILE, response_artifact

HOLDOUT_FILE = "campaign-outcome-holdout.json"
ALLOCATIONS_FILE = "allocations.json"
SEED = 21
CAMPAIGNS = 45
BOOTSTRAP = 12
PARAMS = {"n_estimators": 25, "num_leaves": 5}
ALLOCATIONS = 12


def _rounded(value: float, digits: int = 6) -> float:
    return float(f"{value:.{digits}g}")


def build() -> dict[str, Any]:
    data = from_frame(synthetic.campaign_days(campaigns=CAMPAIGNS, seed=SEED))
    trained_on = {
        "days": int(len(data.days)),
        "campaigns": int(len(data.campaigns)),
        "first_day": f"{data.days['day'].min():%Y-%m-%d}",
        "last_day": f"{data.days['day'].max():%Y-%m-%d}",
    }
    fit = response.fit_response(data.days, bootstrap=BOOTSTRAP, seed=SEED)
    artifact = response_artifact(fit, trained_on)
    # Fewer digits than a fit gives, so another machine's last bits do not change the bytes.
    artifact = _round_floats(artifact)

    model = outcome.fit(data.days, seed=SEED, params=PARAMS)
    onnx_model = outcome.to_onnx(model)
    rng = np.random.default_rng(SEED)
    picked = data.campaigns.reset_index().iloc[:: max(1, len(data.campaigns) // 15)]
    cases = picked.assign(daily_budget=np.round(rng.uniform(50, 6000, len(picked)), 2))
    answers = model.rates(cases)
    metadata = {
        "format": OUTCOME_FORMAT,
        "input": outcome.INPUT_NAME,
        "outputs": list(outcome.OUTPUTS),
        "unit": "per unit of daily budget: a campaign's revenue (ROAS) and conversions",
        **model.encoding.as_json(),
        "params": {**outcome.PARAMS, **PARAMS},
        "trained_on": trained_on,
    }
    holdout = {
        "description": "Campaigns and LightGBM's ROAS and conversions per unit of budget for "
        "them. Written by python -m amato_ml.campaign fixture; do not edit.",
        "rows": [
            {
                "parameters": {
                    "channel": str(r["channel"]),
                    "daily_budget": float(r["daily_budget"]),
                    "duration_days": int(r["duration_days"]),
                    "audience": str(r["audience"]),
                    "campaign_type": str(r["campaign_type"]),
                },
                "roas": _rounded(float(answers["roas"][i]), 8),
                "conversions_per_unit": _rounded(float(answers["conversions_per_unit"][i]), 8),
            }
            for i, (_, r) in enumerate(cases.iterrows())
        ],
    }
    return {
        "response": artifact,
        "onnx": onnx_model,
        "metadata": metadata,
        "holdout": holdout,
        "allocations": _allocations(),
    }


def _allocations() -> dict[str, Any]:
    rng = np.random.default_rng(SEED)
    problems = []
    for k in range(ALLOCATIONS):
        n = int(rng.integers(2, 6))
        ceiling = np.round(rng.uniform(500, 8000, n), 2)
        scale = np.round(rng.uniform(100, 3000, n), 2)
        budget = float(np.round(rng.uniform(500, 15000), 2))
        lower = np.zeros(n)
        upper = np.full(n, budget)
        if k % 3 == 1:
            lower[0] = round(budget * 0.3, 2)
        if k % 3 == 2:
            upper[-1] = round(budget * 0.1, 2)
        spend = allocate(ceiling, scale, budget, lower, upper)
        problems.append(
            {
                "budget": budget,
                "channels": [
                    {
                        "channel": f"c{i}",
                        "ceiling": float(ceiling[i]),
                        "scale": float(scale[i]),
                        "min": float(lower[i]),
                        "max": float(upper[i]),
                        "spend": _rounded(float(spend[i]), 7),
                    }
                    for i in range(n)
                ],
            }
        )
    return {
        "description": "Budget splits maximising the total response, solved by scipy's SLSQP. "
        "Written by python -m amato_ml.campaign fixture; do not edit.",
        "problems": problems,
    }


def _round_floats(value: Any) -> Any:
    if isinstance(value, float):
        return _rounded(value)
    if isinstance(value, dict):
        return {k: _round_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round_floats(v) for v in value]
    return value


def write(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    built = build()
    paths = [
        out / n for n in (RESPONSE_FILE, OUTCOME_ONNX, OUTCOME_FILE, HOLDOUT_FILE, ALLOCATIONS_FILE)
    ]
    jsonfile.write(paths[0], built["response"])
    paths[1].write_bytes(built["onnx"])
    jsonfile.write(paths[2], built["metadata"])
    jsonfile.write(paths[3], built["holdout"])
    jsonfile.write(paths[4], built["allocations"])
    return paths
