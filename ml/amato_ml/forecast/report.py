"""The report for people: revenue-forecast-report.json's numbers as a page a marketer can read."""

from __future__ import annotations

from typing import Any

METRICS = (
    ("mae", "Mean absolute error (money per day)"),
    ("mape", "Mean absolute percentage error"),
    ("smape", "Symmetric mean absolute percentage error"),
)


def money(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.2%}"


def _metric(name: str, value: float | None) -> str:
    return money(value) if name == "mae" else percent(value)


def _improvement(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.1f}% better" if value >= 0 else f"{-value:.1f}% worse"


def verdict(evaluation: dict[str, Any]) -> str:
    """One sentence: does the model beat the seasonal-naive baseline, and by how much."""
    better = evaluation["improvement_pct"]
    if evaluation["beats_baseline"]:
        return (
            "The model beats the seasonal-naive baseline: its average daily error (MAE) is "
            f"{_change(better['mae'])}, its MAPE {_change(better['mape'])} and its sMAPE "
            f"{_change(better['smape'])}."
        )
    return (
        "The model does NOT beat the seasonal-naive baseline: its average daily error (MAE) is "
        f"{_change(better['mae'])} than the baseline's. Treat this forecast with caution."
    )


def _change(value: float | None) -> str:
    if value is None:
        return "not comparable"
    return f"{value:.1f}% lower" if value >= 0 else f"{-value:.1f}% higher"


def render_markdown(report: dict[str, Any]) -> str:
    history, fc, model = report["history"], report["forecast"], report["model"]
    evaluation, spend = report["backtest"], report["planned_spend"]
    lines = [
        "# Daily revenue forecast",
        "",
        f"Dataset `{report['dataset']}`: {history['days']} days of sales, {history['from']} to "
        f"{history['to']} (the cutoff). The last 28 days sold "
        f"{money(history['last_28_days_revenue'])}.",
        "",
        f"Forecast for {fc['days']} days, {fc['from']} to {fc['to']}: "
        + (
            ""
            if fc["revenue_next_28_days"] is None
            else f"{money(fc['revenue_next_28_days'])} expected over the first 28 days, "
        )
        + f"{money(fc['revenue_total'])} over the whole period (sum of the daily medians). "
        "Each day comes with an 80% and a 95% range: the revenue should fall inside the 80% "
        "range on about 4 days out of 5.",
    ]
    if fc["planned_spend_from"] != "dataset":
        lines += ["", "No future days were given, so no campaign spend is assumed."]
    lines += [
        "",
        "## How accurate is it?",
        "",
        f"Backtest: the model was retrained as of {evaluation['origins']} past dates "
        f"({evaluation['from']} onwards, every {evaluation['horizon']} days) and each time "
        f"forecast the next {evaluation['horizon']} days, which were then compared with actual "
        "revenue. The baseline repeats the last observed week (seasonal naive).",
        "",
        verdict(evaluation),
        "",
        "| measure | model | seasonal naive | improvement |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, title in METRICS:
        lines.append(
            f"| {title} | {_metric(name, evaluation['model'][name])} | "
            f"{_metric(name, evaluation['seasonal_naive'][name])} | "
            f"{_improvement(evaluation['improvement_pct'][name])} |"
        )
    lines += [
        "",
        "### Error by how far ahead",
        "",
        "| days ahead | model MAE | seasonal naive MAE |",
        "| --- | ---: | ---: |",
        *(
            f"| {row['days']} | {money(row['model_mae'])} | {money(row['seasonal_naive_mae'])} |"
            for row in evaluation["by_horizon"]
        ),
        "",
        "### Are the ranges honest?",
        "",
        "Share of backtest days whose actual revenue fell inside the range, against the share "
        "promised.",
        "",
        "| range | promised | observed | within 10 points |",
        "| --- | ---: | ---: | --- |",
        *(
            f"| {c['level']}% | {percent(c['nominal'])} | {percent(c['empirical'])} | "
            f"{'yes' if c['within_10_points'] else 'no'} |"
            for c in evaluation["coverage"]
        ),
        "",
        "## Campaign spend",
        "",
        _spend_sentence(spend),
        "",
        "## Model",
        "",
        *_model_lines(model),
        "",
        "### Candidates",
        "",
        f"Chosen: {report['selection']['chosen']}, by the {report['selection']['rule']}.",
        "",
        "| candidate | backtest MAE | MAPE | improvement | 80% coverage | 95% coverage |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
        *(_candidate_line(row) for row in report["selection"]["candidates"]),
        *_sanity_lines(report["sanity"]),
    ]
    if report["warnings"]:
        lines += ["", "## Optimizer warnings", "", *(f"- {text}" for text in report["warnings"])]
    lines.append("")
    return "\n".join(lines)


def _spend_sentence(spend: dict[str, Any]) -> str:
    without, with_ = money(spend["backtest_mae_without"]), money(spend["backtest_mae_with"])
    if spend["included"]:
        return (
            f"Planned campaign spend is used: with it the backtest error (MAE) is {with_}, "
            f"without it {without}."
        )
    if spend["backtest_mae_with"] is None:
        return f"Planned campaign spend is not used ({spend['decision'][len('not included: ') :]})."
    return (
        f"Planned campaign spend is not used: it did not make the backtest more accurate "
        f"(MAE {with_} with it, {without} without)."
    )


def _model_lines(model: dict[str, Any]) -> list[str]:
    regressors = ", ".join(model["regressors"])
    target = f"Target {model['target']}: one order's revenue is added so that a day without sales"
    target += " is not a cliff on the log scale."
    if model["kind"] == "sarimax":
        orders = ", ".join(str(tuple(row["order"])) for row in model["order_selection"])
        lines = [
            f"Regression with ARMA errors (statsmodels SARIMAX), ARMA order "
            f"{tuple(model['order'])} chosen by AIC among {orders}. Regressors: {regressors} "
            f"({model['fourier_terms']} yearly sine/cosine pairs). AIC {model['aic']:.2f}"
            + ("." if model["converged"] else "; the optimizer stopped before converging."),
            "",
            target,
            "",
            "| order | AIC | converged |",
            "| --- | ---: | --- |",
            *(
                f"| {tuple(row['order'])} | {row['aic']:.2f} | "
                f"{'yes' if row['converged'] else 'no'} |"
                for row in model["order_selection"]
            ),
        ]
        return lines
    lines = [
        f"{model['description'].capitalize()} (a state-space model fitted with statsmodels; "
        "the day's noise is that of counting orders, so the young shop's noisy first months "
        f"weigh less than the recent ones). Regressors: {regressors}"
        + ("." if model["converged"] else "; the optimizer stopped before converging."),
        "",
        target,
    ]
    if "growth_pct_per_year" in model:
        lines += ["", f"Drift: {model['growth_pct_per_year']:+.1f}% a year."]
    if "month_effects_pct" in model:
        effects = ", ".join(f"{m} {v:+.0f}%" for m, v in model["month_effects_pct"].items())
        lines += ["", f"Month effects against January: {effects}."]
    effects = ", ".join(f"{d} {v:+.0f}%" for d, v in model["weekday_effects_pct"].items())
    lines += ["", f"Weekday effects against Monday: {effects}."]
    return lines


def _candidate_line(row: dict[str, Any]) -> str:
    name = row["kind"] + (" + planned_spend" if row["planned_spend"] else "")
    name = f"**{name}** (chosen)" if row["chosen"] else name
    if row["backtest_mae"] is None:
        return f"| {name} | unavailable: {row['unavailable']} | | | | |"
    coverage = row["coverage"]
    return (
        f"| {name} | {money(row['backtest_mae'])} | {percent(row['backtest_mape'])} | "
        f"{_improvement(row['improvement_pct'])} | {percent(coverage['80'])} | "
        f"{percent(coverage['95'])} |"
    )


def _sanity_lines(sanity: dict[str, Any] | None) -> list[str]:
    if sanity is None:
        return []
    lines = [
        "",
        "## Sanity check",
        "",
        f"The first 28 days are forecast at {money(sanity['forecast_first_28_days'])}; the last "
        f"28 days sold {money(sanity['history_last_28_days'])}, and the same 28 days a year ago "
        f"{money(sanity['year_ago_same_28_days'])}.",
    ]
    if sanity["year_ago_times_growth"] is not None:
        lines[-1] += (
            f" Grown by the last 28 days' growth over a year ({sanity['year_on_year_growth']:.2f}"
            f"×), a year ago suggests {money(sanity['year_ago_times_growth'])}: the forecast is "
            f"{sanity['forecast_to_reference']:.2f} times that."
        )
    return lines
