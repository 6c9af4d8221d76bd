"""Synthetic training datasets of the batch layer's shape, for tests and trying the CLI.

Customers register over a period, buy as BG/NBD assumes (a Poisson process of their own rate
that stops, after any purchase, with their own probability), spend around a mean of their own,
and browse in sessions, more often while they still buy. From that one history, datasets are cut
at any cutoffs: the features as `deriveFeatures` (libs/features/src/derive.ts) derives them from
the aggregates up to the cutoff (ported here for this purpose only: real datasets come from the
batch), `days_since_first_order`, and the revenue of the 90 days after the cutoff as label.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from amato_ml.customer_revenue.dataset import (
    AGE,
    HORIZON_DAYS,
    ID,
    LABEL,
    CustomerDataset,
    file_name,
    from_table,
)
from amato_ml.customer_revenue.features import DEVICES, ONLINE_FEATURES, WINDOW_DAYS

DAY_MS = 86_400_000
START = datetime(2025, 1, 1, tzinfo=UTC)
FIRST_CUTOFF = datetime(2026, 6, 4, tzinfo=UTC)

# libs/features/src/spec.ts
RECENCY_CUTOFFS_DAYS = (14, 30, 60, 180)
FREQUENCY_CUTOFFS = (2, 3, 4, 7)
MONETARY_CUTOFFS = (100, 350, 750, 1500)
CHURN_HORIZON_DAYS = 365
CLV_HORIZON_MONTHS = 12
ENGAGED_SCORE = 50
MOBILE_SHARE = 0.5

SCHEMA = pa.schema(
    [
        pa.field(ID, pa.string(), nullable=False),
        *(pa.field(name, pa.float64()) for name in ONLINE_FEATURES),
        pa.field(AGE, pa.float64()),
        pa.field(LABEL, pa.float64()),
        pa.field("label_churned_next_90d", pa.bool_()),
    ]
)


@dataclass(frozen=True)
class Customer:
    customer_id: str
    registered_ms: int
    orders: list[tuple[int, float]]  # (time, amount), ascending
    # (end time, pages, seconds, device, cart adds, purchased, searches, products)
    sessions: list[tuple[int, int, int, str, int, bool, int, int]]


def simulate(customers: int, seed: int, until: datetime) -> list[Customer]:
    """Histories of `customers` customers from START to `until`, the same for the same seed."""
    rng = np.random.default_rng(seed)
    start_ms, end_ms = _ms(START), _ms(until)
    out = []
    for index in range(customers):
        registered = int(rng.integers(start_ms, end_ms - 30 * DAY_MS))
        rate = rng.gamma(0.8, 0.02)  # purchases per day while active
        dropout = rng.beta(1.0, 3.0)
        mean_spend = rng.gamma(4.0, 50.0)
        orders: list[tuple[int, float]] = []
        t = float(registered)
        while True:
            t += rng.exponential(1 / rate) * DAY_MS
            if t > end_ms:
                break
            orders.append((int(t), round(float(rng.gamma(6.0, mean_spend / 6.0)), 2)))
            if rng.random() < dropout:
                break
        active_until = orders[-1][0] + rng.exponential(30) * DAY_MS if orders else end_ms
        devices = rng.dirichlet(np.ones(len(DEVICES)))
        session_rate = 0.02 + 2 * rate
        times = [float(time) for time, _ in orders]
        t = float(registered)
        while True:
            t += rng.exponential(1 / session_rate) * DAY_MS
            if t > min(end_ms, active_until):
                break
            times.append(t)
        purchase_times = {time for time, _ in orders}
        sessions = []
        for time in sorted(times):
            pages = 1 + int(rng.poisson(4))
            purchased = int(time) in purchase_times
            sessions.append(
                (
                    int(time),
                    pages,
                    int(rng.lognormal(5.0, 0.8)),
                    str(rng.choice(DEVICES, p=devices)),
                    int(purchased) + int(rng.poisson(0.3)),
                    purchased,
                    int(rng.poisson(0.5)),
                    int(rng.integers(0, pages + 1)),
                )
            )
        out.append(Customer(f"C{index + 1:07d}", registered, orders, sessions))
    return out


def rows_at(history: list[Customer], cutoff: datetime) -> pd.DataFrame:
    """The dataset of the customers registered by `cutoff`, in customer order."""
    as_of = _ms(cutoff)
    horizon = as_of + HORIZON_DAYS * DAY_MS
    rows = []
    for customer in history:
        if customer.registered_ms > as_of:
            continue
        past = [(t, amount) for t, amount in customer.orders if t <= as_of]
        future = sum(amount for t, amount in customer.orders if as_of < t <= horizon)
        sessions = [s for s in customer.sessions if s[0] <= as_of]
        features = derive(customer.registered_ms, past, sessions, as_of)
        first = past[0][0] if past else None
        rows.append(
            {
                ID: customer.customer_id,
                **features,
                AGE: None if first is None else (as_of - first) / DAY_MS,
                LABEL: round(future, 2),
                "label_churned_next_90d": future == 0,
            }
        )
    return pd.DataFrame(rows, columns=SCHEMA.names)


def derive(
    registered_ms: int,
    orders: list[tuple[int, float]],
    sessions: list[tuple[int, int, int, str, int, bool, int, int]],
    as_of: int,
) -> dict[str, float]:
    """The online features as deriveFeatures gives them from these aggregates."""
    count = len(orders)
    monetary = round(sum(amount for _, amount in orders) * 100) / 100
    last = orders[-1][0] if orders else registered_ms
    recency = max(0, math.floor((as_of - last) / DAY_MS))
    r = 5 - sum(recency > c for c in RECENCY_CUTOFFS_DAYS)
    f = 1 + sum(count >= c for c in FREQUENCY_CUTOFFS)
    m = 1 + sum(monetary >= c for c in MONETARY_CUTOFFS)
    aov = monetary / count if count else 0.0
    started = min(registered_ms, orders[0][0]) if orders else registered_ms
    velocity = count / max(1, max(0, (as_of - started) / DAY_MS) / 30) if count else 0.0
    churn = min(1, recency / CHURN_HORIZON_DAYS)
    clv = monetary + aov * velocity * CLV_HORIZON_MONTHS * (1 - churn)
    n = len(sessions)
    pages = sum(s[1] for s in sessions)
    seconds = sum(s[2] for s in sessions)
    bounces = sum(s[1] == 1 for s in sessions)
    hundredths = sum(
        min(s[1], 10) * 350
        + math.floor(min(s[2], 900) * 3500 / 900)
        + (0 if s[1] == 1 else 1000)
        + (2000 if s[5] else 0)
        for s in sessions
    )
    cart_adds = sum(s[4] for s in sessions)
    cart_sessions = sum(s[4] > 0 for s in sessions)
    converted_carts = sum(s[4] > 0 and s[5] for s in sessions)
    searches = sum(s[6] for s in sessions)
    products = sum(s[7] for s in sessions)
    unique = min(products, 3 * n)
    devices = {device: sum(s[3] == device for s in sessions) for device in DEVICES}
    engagement = _ratio(hundredths, n) / 100
    normalized = engagement / 100
    features = {
        "recency_days": recency,
        "frequency": count,
        "monetary_value": monetary,
        "recency_score": r,
        "frequency_score": f,
        "monetary_score": m,
        "rfm_score": r * 100 + f * 10 + m,
        "customer_lifetime_value": clv,
        "total_sessions": n,
        "avg_session_duration": _ratio(seconds, n),
        "total_page_views": pages,
        "conversion_events": count,
        "add_to_cart_events": cart_adds,
        "search_queries": searches,
        "product_interactions": products,
        "unique_products_viewed": unique,
        "avg_engagement_score": engagement,
        "cart_abandonment_rate": 1 - converted_carts / cart_sessions if cart_sessions else 0,
        "bounce_rate": _ratio(bounces, n),
        "return_visitor_rate": _ratio(max(0, n - 1), n),
        "purchase_velocity": velocity,
        "engagement_score_normalized": normalized,
        "session_intensity": _ratio(pages, n),
        "conversion_efficiency": _ratio(count, n),
        "search_intensity": _ratio(searches, n),
        "product_exploration": _ratio(unique, n),
        "cart_behavior": _ratio(cart_adds, n),
        "rfm_composite": (r + f + m) / 3,
        "value_engagement_ratio": monetary / max(1, engagement),
        "churn_risk": churn,
        "upsell_potential": aov * (5 - f) * normalized,
        "lifetime_value_potential": clv * normalized,
        "is_high_value": int(m >= 4),
        "is_engaged": int(engagement >= ENGAGED_SCORE),
        "is_mobile_user": int(n > 0 and devices["mobile"] / n >= MOBILE_SHARE),
        "is_return_visitor": int(n > 1),
        "avg_order_value": aov,
    }
    today = math.floor(as_of / DAY_MS)
    for days in WINDOW_DAYS:
        inside = [t for t, _ in orders if today - days < math.floor(t / DAY_MS) <= today]
        features[f"windows.orders_{days}d"] = len(inside)
        cents = sum(
            round(amount * 100)
            for t, amount in orders
            if today - days < math.floor(t / DAY_MS) <= today
        )
        features[f"windows.revenue_{days}d"] = cents / 100
        recent = [s for s in sessions if today - days < math.floor(s[0] / DAY_MS) <= today]
        features[f"windows.sessions_{days}d"] = len(recent)
        features[f"windows.page_views_{days}d"] = sum(s[1] for s in recent)
    for device in DEVICES:
        features[f"device_mix.{device}"] = _ratio(devices[device], n)
    return {name: float(features[name]) for name in ONLINE_FEATURES}


def generate(
    customers: int, seed: int, cutoffs: tuple[datetime, ...] = (FIRST_CUTOFF,)
) -> list[CustomerDataset]:
    """One dataset per cutoff, cut from one simulated history (each checked as a file is)."""
    until = max(cutoffs) + timedelta(days=HORIZON_DAYS)
    history = simulate(customers, seed, until)
    datasets = []
    for cutoff in cutoffs:
        source = f"synthetic {file_name(cutoff)}"
        table = pa.Table.from_pandas(rows_at(history, cutoff), schema=SCHEMA, preserve_index=False)
        datasets.append(CustomerDataset(source, cutoff, from_table(table, source)))
    return datasets


def write(customers: int, seed: int, cutoffs: tuple[datetime, ...], out: Path) -> list[Path]:
    """The datasets as out/training_dataset_<cutoff>.parquet, the way the batch names them."""
    out.mkdir(parents=True, exist_ok=True)
    until = max(cutoffs) + timedelta(days=HORIZON_DAYS)
    history = simulate(customers, seed, until)
    paths = []
    for cutoff in cutoffs:
        path = out / file_name(cutoff)
        table = pa.Table.from_pandas(rows_at(history, cutoff), schema=SCHEMA, preserve_index=False)
        pq.write_table(table, path)
        paths.append(path)
    return paths


def _ratio(part: float, whole: float) -> float:
    return part / whole if whole > 0 else 0.0


def _ms(moment: datetime) -> int:
    return round(moment.timestamp() * 1000)
