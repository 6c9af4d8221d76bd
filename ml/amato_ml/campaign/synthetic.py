"""Campaign days with a known response, for the tests and the TypeScript fixture: each channel's
revenue follows `TRUTH` (the form the curves fit), with a hidden campaign quality and
Poisson-distributed orders of a lognormal value."""

from __future__ import annotations

import numpy as np
import pandas as pd

TRUTH = {
    "channels": {
        "email": (1_500.0, 300.0),
        "search": (6_000.0, 2_000.0),
        "social": (3_500.0, 1_500.0),
    },
    "audiences": {"everyone": 1.0, "Champions": 1.5, "Hibernating": 0.5},
    "campaign_types": {"acquisition": 1.0, "seasonal": 1.3},
}
ORDER_MEDIAN = 70.0
ORDER_SIGMA = 0.4
QUALITY_SIGMA = 0.15


def campaign_days(campaigns: int = 60, seed: int = 0, start: str = "2025-01-01") -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    first = np.datetime64(start, "D")
    channels = list(TRUTH["channels"])
    audiences = list(TRUTH["audiences"])
    types = list(TRUTH["campaign_types"])
    mean_order = ORDER_MEDIAN * np.exp(ORDER_SIGMA**2 / 2)
    rows = []
    for k in range(campaigns):
        channel = channels[k % len(channels)]
        audience = audiences[rng.integers(len(audiences))]
        kind = types[rng.integers(len(types))]
        duration = int(rng.integers(3, 15))
        budget = float(round(np.exp(rng.normal(np.log(8_000), 0.7)), 2))
        begin = first + int(k * 7 + rng.integers(0, 5))
        ceiling, scale = TRUTH["channels"][channel]
        factor = TRUTH["audiences"][audience] * TRUTH["campaign_types"][kind]
        quality = np.exp(rng.normal(0, QUALITY_SIGMA))
        for d in range(duration):
            spend = round(budget / duration * rng.uniform(0.7, 1.3), 2)
            expected = ceiling * factor * -np.expm1(-spend / scale) * quality
            orders = int(rng.poisson(expected / mean_order))
            revenue = float(np.sum(np.exp(rng.normal(np.log(ORDER_MEDIAN), ORDER_SIGMA, orders))))
            rows.append(
                {
                    "campaign_id": f"CAMP_{k + 1:04d}",
                    "channel": channel,
                    "campaign_type": kind,
                    "audience": audience,
                    "start_date": str(begin),
                    "duration_days": duration,
                    "budget": budget,
                    "daily_budget": budget / duration,
                    "day": str(begin + d),
                    "day_index": d,
                    "impressions": int(spend * 100),
                    "clicks": int(spend * 3),
                    "conversions": orders,
                    "spend": spend,
                    "revenue": round(revenue, 2),
                }
            )
    return pd.DataFrame(rows)
