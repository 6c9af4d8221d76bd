"""The train command: dataset in, forecast and report out.

Every candidate (candidates.py: three kinds of model, each without and with planned spend as
a regressor) is fitted on the whole history and backtested from the same rolling origins; the
one of lowest backtest MAE makes the forecast, and the report lists every candidate's backtest
beside the choice. Planned spend is therefore kept only where it lowers the backtest MAE: a
spend effect that looks significant in the fit but does not forecast better would only add the
noise of its estimate to every forecast. The chosen candidate's figures are those it was chosen
on, so with six candidates they flatter it slightly; the report says so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from amato_ml import jsonfile

from . import backtest
from .backtest import Folds
from .candidates import (
    DESCRIPTIONS,
    KINDS,
    Fitted,
    Spec,
    fit_spec,
    forecast_spec,
    inputs,
    offset_of,
)
from .dataset import DailyRevenue, load_dataset
from .features import MONTHS, WEEKDAYS, expected_orders
from .model import LEVELS, Fit, Forecast, TrainingError, select_order
from .report import render_markdown

ARTIFACT_FORMAT = "amato.revenue-forecast.v1"
REPORT_FORMAT = "amato.revenue-forecast-report.v1"
ARTIFACT_FILE = "revenue-forecast.json"
REPORT_JSON = "revenue-forecast-report.json"
REPORT_MD = "revenue-forecast-report.md"
MAX_HORIZON = 90
RECENT_DAYS = 28
YEAR_DAYS = 364  # a year ago on the same weekday


@dataclass(frozen=True)
class Candidate:
    """One candidate: its fit on the whole history (with the order selection of a sarimax)
    and its backtest."""

    spec: Spec
    best: Fitted | None  # None: the candidate cannot be fitted on this history
    fits: list[Fitted]
    folds: Folds | None
    unavailable: str | None = None  # why, when best or folds is None

    @property
    def backtest_mae(self) -> float | None:
        return None if self.folds is None else backtest.mae(self.folds)


@dataclass(frozen=True)
class ForecastResult:
    """The artifact, the report and how long it took; `write` puts them in a directory."""

    artifact: dict[str, Any]
    report: dict[str, Any]
    fit_seconds: float  # the final model's fit
    seconds: float  # everything: fits, order selection, backtests, forecast
    fits: int

    def write(self, out: Path) -> list[Path]:
        out.mkdir(parents=True, exist_ok=True)
        paths = [out / name for name in (ARTIFACT_FILE, REPORT_JSON, REPORT_MD)]
        jsonfile.write(paths[0], self.artifact)
        jsonfile.write(paths[1], self.report)
        paths[2].write_text(render_markdown(self.report), encoding="utf-8")
        return paths


def future_days(data: DailyRevenue) -> tuple[np.ndarray, np.ndarray, str]:
    """The days to forecast with their planned spend, and where they came from.

    The dataset's future rows, at most MAX_HORIZON of them; without any, the MAX_HORIZON days
    after the cutoff with no campaign planned.
    """
    history = data.history_days
    if data.future_days:
        rows = slice(history, history + min(data.future_days, MAX_HORIZON))
        return data.days[rows], data.planned_spend[rows], "dataset"
    cutoff = data.days[history - 1]
    days = cutoff + np.arange(1, MAX_HORIZON + 1)
    return days, np.zeros(MAX_HORIZON), "none: no future rows, planned_spend taken as 0"


def specs(fourier: int) -> list[Spec]:
    """Every candidate, in the order ties are resolved: the first listed wins a tie."""
    return [Spec(kind, spend, fourier) for kind in KINDS for spend in (False, True)]


def candidate(data: DailyRevenue, spec: Spec, at: list[int], horizon: int) -> Candidate:
    """Fits the candidate on the whole history and backtests it, or says why it cannot."""
    reason = spec.unavailable(data, at)
    if reason is not None:
        return Candidate(spec, None, [], None, reason)
    history = data.history_days
    order = (1, 0, 0)
    if spec.kind == "sarimax":
        made = inputs(spec, data, history)
        assert made is not None  # unavailable() has ruled out what would make it None
        best, sarimax_fits = select_order(data.revenue, made.exog, made.design, made.offset)
        fits: list[Fitted] = list(sarimax_fits)
        order = best.order
    else:
        fitted = fit_spec(spec, data, history)
        assert fitted is not None
        best, fits = fitted, [fitted]
    folds = backtest.run(data, spec, at, horizon, order)
    if folds is None:
        return Candidate(spec, best, fits, None, "its design cannot be made at a backtest origin")
    return Candidate(spec, best, fits, folds)


def choose(candidates: list[Candidate]) -> Candidate:
    """The candidate of lowest backtest MAE; the first listed among equals."""
    scored = [c for c in candidates if c.backtest_mae is not None]
    if not scored:
        raise TrainingError("no candidate model could be backtested on this history")
    return min(scored, key=lambda c: c.backtest_mae)  # type: ignore[arg-type, return-value]


def spend_decision(chosen: Candidate, candidates: list[Candidate]) -> tuple[Candidate, str]:
    """The chosen kind's other variant (with or without spend) and why spend is in or out."""
    other = next(
        c
        for c in candidates
        if c.spec.kind == chosen.spec.kind and c.spec.spend != chosen.spec.spend
    )
    if chosen.spec.spend:
        return other, "included: it lowers the backtest MAE"
    if other.backtest_mae is None:
        return other, f"not included: {other.unavailable}"
    return other, "not included: it does not lower the backtest MAE"


def build(
    data: DailyRevenue,
    *,
    fourier: int = 4,
    backtest_origins: int = 6,
    backtest_horizon: int = 28,
    source: str = "dataset",
) -> ForecastResult:
    """Fits, backtests and chooses the model, and forecasts; writes nothing.

    BLAS runs on one thread: the Kalman filter's matrices are a few rows wide, where more
    threads only add overhead and take cores from whatever else the machine runs.
    """
    with threadpool_limits(limits=1):
        return _build(data, fourier, backtest_origins, backtest_horizon, source)


def _build(
    data: DailyRevenue, fourier: int, backtest_origins: int, backtest_horizon: int, source: str
) -> ForecastResult:
    began = time.perf_counter()
    if fourier < 1 or backtest_origins < 1 or backtest_horizon < 1:
        raise TrainingError("fourier, backtest origins and backtest horizon must be at least 1")
    at = backtest.origins(data.history_days, backtest_origins, backtest_horizon)
    if not at:
        raise TrainingError(
            f"{source}: {data.history_days} history days leave no backtest origin with at "
            f"least {backtest.MIN_FIT_DAYS} days to fit before a {backtest_horizon}-day window"
        )
    candidates = [candidate(data, spec, at, backtest_horizon) for spec in specs(fourier)]
    chosen = choose(candidates)
    other, decision = spend_decision(chosen, candidates)
    final = chosen.best
    assert final is not None and chosen.folds is not None
    days, planned, spend_source = future_days(data)
    predicted = forecast_spec(chosen.spec, final, data, data.history_days, days=days, spend=planned)
    artifact = artifact_document(data, chosen, days, planned, predicted)
    with_spend, without = (chosen, other) if chosen.spec.spend else (other, chosen)
    report = report_document(
        data,
        source=source,
        artifact=artifact,
        candidates=candidates,
        chosen=chosen,
        spend=(without, with_spend, decision),
        evaluation=backtest.summary(data, chosen.folds, backtest_horizon, backtest_origins),
        spend_source=spend_source,
    )
    fits = sum(len(c.fits) + (0 if c.folds is None else len(c.folds.origins)) for c in candidates)
    return ForecastResult(artifact, report, final.seconds, time.perf_counter() - began, fits)


def train(
    dataset_path: Path,
    out: Path,
    *,
    fourier: int = 4,
    backtest_origins: int = 6,
    backtest_horizon: int = 28,
) -> ForecastResult:
    """Reads the dataset, builds the forecast and writes the artifact and the report."""
    data = load_dataset(dataset_path)
    result = build(
        data,
        fourier=fourier,
        backtest_origins=backtest_origins,
        backtest_horizon=backtest_horizon,
        source=Path(dataset_path).name,
    )
    result.write(out)
    return result


def money(value: float) -> float:
    """Two decimals; + 0.0 turns a -0.0 from rounding a tiny negative into 0.0."""
    return round(float(value), 2) + 0.0


def _money_or_none(value: float | None) -> float | None:
    return None if value is None else money(value)


def _percent_effect(log_effect: float) -> float:
    """A coefficient on the log scale as the % it changes revenue by."""
    return round(100 * float(np.expm1(log_effect)), 2) + 0.0


def history_document(data: DailyRevenue) -> dict[str, Any]:
    return {
        "from": str(data.days[0]),
        "to": str(data.days[data.history_days - 1]),
        "days": data.history_days,
        "last_28_days_revenue": money(data.revenue[-RECENT_DAYS:].sum()),
    }


def model_document(spec: Spec, final: Fitted) -> dict[str, Any]:
    """What the artifact says of the model: its kind, regressors and its few key numbers."""
    document: dict[str, Any] = {
        "kind": spec.kind,
        "regressors": spec.regressors(final.design),
        "target": f"log(revenue + {money(final.offset)})",
    }
    if isinstance(final, Fit):
        document |= {
            "order": list(final.order),
            "fourier_terms": final.design.fourier,
            "aic": round(final.aic, 4),
        }
    elif final.design.trend:
        document["drift_per_year"] = round(final.state("trend"), 4) + 0.0
    return document


def artifact_document(
    data: DailyRevenue,
    chosen: Candidate,
    days: np.ndarray,
    spend: np.ndarray,
    predicted: Forecast,
) -> dict[str, Any]:
    """The serving artifact: the forecast itself, with just enough to say what made it."""
    assert chosen.best is not None
    points = []
    for k, day in enumerate(days):
        point: dict[str, Any] = {"day": str(day), "revenue": money(predicted.revenue[k])}
        for level in LEVELS:
            point[f"lower_{level}"] = money(predicted.lower[level][k])
            point[f"upper_{level}"] = money(predicted.upper[level][k])
        point["planned_spend"] = money(spend[k])
        points.append(point)
    return {
        "format": ARTIFACT_FORMAT,
        "cutoff": str(data.days[data.history_days - 1]),
        "history": history_document(data),
        "model": model_document(chosen.spec, chosen.best),
        "levels": list(LEVELS),
        "points": points,
    }


def _candidate_document(item: Candidate, chosen: Candidate, data: DailyRevenue) -> dict[str, Any]:
    row: dict[str, Any] = {
        "kind": item.spec.kind,
        "planned_spend": item.spec.spend,
        "chosen": item is chosen,
        "regressors": None if item.best is None else item.spec.regressors(item.best.design),
        "backtest_mae": _money_or_none(item.backtest_mae),
        "unavailable": item.unavailable,
    }
    if item.folds is not None:
        horizon = item.folds.actual.shape[1]
        summary = backtest.summary(data, item.folds, horizon, len(item.folds.origins))
        row |= {
            "backtest_mape": summary["model"]["mape"],
            "backtest_smape": summary["model"]["smape"],
            "improvement_pct": summary["improvement_pct"]["mae"],
            "coverage": {str(c["level"]): c["empirical"] for c in summary["coverage"]},
            "converged": None if item.best is None else item.best.converged,
        }
    return row


def _details(spec: Spec, final: Fitted) -> dict[str, Any]:
    """The chosen model's fitted numbers, beyond what the artifact holds."""
    if isinstance(final, Fit):
        return {}
    names = ("day", "count", "level")
    details: dict[str, Any] = {
        "variances": {
            name: float(f"{value:.6g}") for name, value in zip(names, final.params, strict=True)
        },
        "weekday_effects_pct": {
            day: _percent_effect(final.state(f"weekday_{day}")) for day in WEEKDAYS
        },
    }
    if final.design.months:
        details["month_effects_pct"] = {
            month: _percent_effect(final.state(f"month_{month}")) for month in MONTHS
        }
    if final.design.trend:
        details["growth_pct_per_year"] = _percent_effect(final.state("trend"))
    if final.design.spend_scale is not None:
        details["planned_spend_effect"] = round(final.state("planned_spend"), 4) + 0.0
    return details


def _warnings(candidates: list[Candidate]) -> list[str]:
    """Every optimizer warning, once, with the fit it came from."""
    messages: dict[str, None] = {}
    for item in candidates:
        label = item.spec.label
        for fitted in item.fits:
            what = (
                f"order selection ({','.join(map(str, fitted.order))})"
                if isinstance(fitted, Fit)
                else "final fit"
            )
            for text in fitted.warnings:
                messages[f"{label}, {what}: {text}"] = None
        if item.folds is not None:
            for day, text in item.folds.warnings:
                messages[f"{label}, backtest origin {day}: {text}"] = None
    return list(messages)


def sanity_document(data: DailyRevenue, revenue: list[float]) -> dict[str, Any] | None:
    """The first 28 days forecast beside what a year ago suggests: the same 28 days a year
    earlier (364 days, so the same weekdays) times the growth of the last 28 days over the same
    days a year before them. None when the history or the forecast is too short for it."""
    history = data.history_days
    if history < YEAR_DAYS + RECENT_DAYS or len(revenue) < RECENT_DAYS:
        return None
    year_ago = float(data.revenue[history - YEAR_DAYS : history - YEAR_DAYS + RECENT_DAYS].sum())
    recent = float(data.revenue[-RECENT_DAYS:].sum())
    before = float(data.revenue[history - YEAR_DAYS - RECENT_DAYS : history - YEAR_DAYS].sum())
    growth = recent / before if before > 0 else None
    reference = None if growth is None else year_ago * growth
    forecast = float(sum(revenue[:RECENT_DAYS]))
    return {
        "forecast_first_28_days": money(forecast),
        "history_last_28_days": money(recent),
        "year_ago_same_28_days": money(year_ago),
        "year_on_year_growth": None if growth is None else round(growth, 4),
        "year_ago_times_growth": _money_or_none(reference),
        "forecast_to_reference": None
        if reference is None or reference == 0
        else round(forecast / reference, 4),
    }


def report_document(
    data: DailyRevenue,
    *,
    source: str,
    artifact: dict[str, Any],
    candidates: list[Candidate],
    chosen: Candidate,
    spend: tuple[Candidate, Candidate, str],
    evaluation: dict[str, Any],
    spend_source: str,
) -> dict[str, Any]:
    final = chosen.best
    assert final is not None
    without, with_spend, decision = spend
    points = artifact["points"]
    revenue = [point["revenue"] for point in points]
    offset = offset_of(data, data.history_days)
    orders = expected_orders(data.revenue, offset)
    model: dict[str, Any] = {
        **artifact["model"],
        "description": DESCRIPTIONS[chosen.spec.kind],
        "offset": money(offset),
        "expected_orders_at_cutoff": round(float(orders[-1]), 2),
        "weekday_base": "mon",
        "weekdays": list(WEEKDAYS),
        "planned_spend_transform": None
        if final.design.spend_scale is None
        else {"kind": "log1p(spend / scale)", "scale": money(final.design.spend_scale)},
        "converged": final.converged,
        **_details(chosen.spec, final),
    }
    if isinstance(final, Fit):
        model["order_selection"] = [
            {"order": list(f.order), "aic": round(f.aic, 4), "converged": f.converged}
            for f in chosen.fits
            if isinstance(f, Fit)
        ]
    return {
        "format": REPORT_FORMAT,
        "dataset": source,
        "cutoff": artifact["cutoff"],
        "history": artifact["history"],
        "forecast": {
            "from": points[0]["day"],
            "to": points[-1]["day"],
            "days": len(points),
            "future_rows_in_dataset": data.future_days,
            "planned_spend_from": spend_source,
            "revenue_next_28_days": money(sum(revenue[:RECENT_DAYS]))
            if len(revenue) >= RECENT_DAYS
            else None,
            "revenue_total": money(sum(revenue)),
        },
        "model": model,
        "selection": {
            "rule": "lowest pooled backtest MAE over every candidate that could be backtested; "
            "the chosen one's figures are those it was chosen on, so slightly optimistic",
            "chosen": chosen.spec.label,
            "candidates": [_candidate_document(c, chosen, data) for c in candidates],
        },
        "planned_spend": {
            "included": chosen.spec.spend,
            "decision": decision,
            "backtest_mae_without": _money_or_none(without.backtest_mae),
            "backtest_mae_with": _money_or_none(with_spend.backtest_mae),
        },
        "backtest": evaluation,
        "sanity": sanity_document(data, revenue),
        "warnings": _warnings(candidates),
    }


def summary_lines(result: ForecastResult, out: Path) -> list[str]:
    """What the command prints: enough to judge the run without opening the report."""
    report = result.report
    model, evaluation, spend = report["model"], report["backtest"], report["planned_spend"]
    fc, sanity = report["forecast"], report["sanity"]
    ours, naive, better = (evaluation[k] for k in ("model", "seasonal_naive", "improvement_pct"))
    coverage = ", ".join(
        f"{c['level']}% interval {c['empirical']:.1%} ("
        + ("within" if c["within_10_points"] else "more than")
        + " 10 points of nominal)"
        for c in evaluation["coverage"]
    )
    maes = f"MAE {_amount(spend['backtest_mae_with'])} with it, " + (
        f"{_amount(spend['backtest_mae_without'])} without"
    )
    tried = ", ".join(
        f"{row['kind']}{' + spend' if row['planned_spend'] else ''} "
        + ("n/a" if row["backtest_mae"] is None else f"{row['backtest_mae']:,.2f}")
        for row in report["selection"]["candidates"]
    )
    lines = [
        f"revenue forecast: {report['history']['days']} history days "
        f"{report['history']['from']} to {report['cutoff']}, {fc['days']} days forecast "
        f"{fc['from']} to {fc['to']}",
        f"model: {report['selection']['chosen']} ({model['description']}), regressors "
        f"{', '.join(model['regressors'])}",
        f"candidates (backtest MAE): {tried}",
        f"backtest ({_origins(evaluation['origins'])} × {evaluation['horizon']} days): MAE "
        f"{ours['mae']:,.2f} vs seasonal naive {naive['mae']:,.2f} "
        f"({_change(better['mae'])}), MAPE {_percent(ours['mape'])} vs {_percent(naive['mape'])}"
        f", sMAPE {_percent(ours['smape'])} vs {_percent(naive['smape'])}",
        f"coverage: {coverage}",
        f"planned_spend {spend['decision']} ({maes})",
        f"forecast revenue: {fc['revenue_total']:,.2f} over the {fc['days']} days",
    ]
    if sanity is not None:
        lines.append(
            f"first 28 days: {sanity['forecast_first_28_days']:,.2f} forecast; last 28 days sold "
            f"{sanity['history_last_28_days']:,.2f}; the same 28 days a year ago "
            f"{sanity['year_ago_same_28_days']:,.2f}, times growth "
            + (
                "n/a"
                if sanity["year_on_year_growth"] is None
                else f"{sanity['year_on_year_growth']:.2f} = {sanity['year_ago_times_growth']:,.2f}"
            )
        )
    lines += [
        f"final fit {result.fit_seconds:.2f} s; {result.fits} fits in {result.seconds:.1f} s",
        f"wrote {out / ARTIFACT_FILE}, {REPORT_JSON}, {REPORT_MD}",
    ]
    if report["warnings"]:
        lines.append(f"note: {len(report['warnings'])} optimizer warning(s), listed in {REPORT_MD}")
    return lines


def _amount(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def _origins(count: int) -> str:
    return f"{count} origin" + ("" if count == 1 else "s")


def _percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.2%}"


def _change(improvement: float | None) -> str:
    if improvement is None:
        return "n/a"
    return f"{improvement:.1f}% lower" if improvement >= 0 else f"{-improvement:.1f}% higher"
