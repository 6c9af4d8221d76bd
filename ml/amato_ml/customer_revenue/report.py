"""The report for people: customer-revenue-report.json's numbers as a page one can read."""

from __future__ import annotations

from typing import Any

GROUPS = {
    "no_sale_yet": "No sale before the cutoff",
    "one_sale": "One sale",
    "repeat": "Two sales or more",
}


def money(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.2f}"


def percent(share: float | None) -> str:
    return "n/a" if share is None else f"{share:.1%}"


def change(pct: float | None) -> str:
    if pct is None:
        return "n/a"
    return f"{pct:.1f}% lower" if pct >= 0 else f"{-pct:.1f}% higher"


def verdict(report: dict[str, Any]) -> str:
    """One sentence: does the GBT beat the last-90-days baseline on MAE, and by how much."""
    gain = report["mae_improvement_over_last_90_days_pct"]["gbt"]
    if report["gbt_beats_last_90_days"]:
        return (
            "The gradient-boosted trees beat the last-90-days baseline: their mean absolute "
            f"error per customer is {change(gain)} on the holdout."
        )
    return (
        "The gradient-boosted trees do NOT beat the last-90-days baseline: their mean absolute "
        f"error per customer is {change(gain)} than the baseline's on the holdout."
    )


def render_markdown(report: dict[str, Any]) -> str:
    train, evaluation = report["datasets"]["train"], report["datasets"]["eval"]
    names = report["predictors"]
    lines = [
        "# Customer revenue over the next 90 days: holdout report",
        "",
        f"Fitted on `{train['file']}` (cutoff {train['cutoff']}, {train['customers']:,} "
        f"customers), graded on the labels of `{evaluation['file']}` (cutoff "
        f"{evaluation['cutoff']}, {evaluation['customers']:,} customers), "
        f"{report['gap_days']:g} days later. The training labels (sales of the 90 days after "
        "the first cutoff) end before the graded ones start; every predictor scores each "
        "customer from its features as of the second cutoff.",
        "",
        "| | cutoff | customers | with a sale | spent in the next 90 days | revenue next 90 days |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, side in (("fit", train), ("holdout", evaluation)):
        lines.append(
            f"| {name} | {side['cutoff']} | {side['customers']:,} | "
            f"{side['customers_with_a_sale']:,} | {side['customers_with_revenue_next_90d']:,} | "
            f"{money(side['revenue_next_90d'])} |"
        )
    lines += [
        "",
        f"**{report['verdict']}**",
        "",
        "## Holdout, per customer",
        "",
        "| predictor | MAE | RMSE | sMAPE | MAPE (spenders) | predicted total | actual total "
        "| MAE vs last 90 days |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, value in report["holdout"].items():
        if value is None:
            lines.append(f"| {names[name]} | unavailable | | | | | | |")
            continue
        gain = report["mae_improvement_over_last_90_days_pct"][name]
        lines.append(
            f"| {names[name]} | {money(value['mae'])} | {money(value['rmse'])} "
            f"| {percent(value['smape'])} | {percent(value['mape_nonzero'])} "
            f"| {money(value['total_predicted'])} | {money(value['total_actual'])} "
            f"| {'' if name == report['baseline'] else change(gain)} |"
        )
    lines += [
        "",
        "sMAPE averages |actual − predicted| / ((|actual| + |predicted|) / 2) over every "
        "customer, 0/0 counting 0; MAPE averages |actual − predicted| / actual over the "
        "customers who spent. Most customers spend nothing in 90 days, so predicting 0 is the "
        "lowest absolute error for them: MAE rewards predicting too little, RMSE and the totals "
        "show what that costs.",
        "",
        "## By customer",
        "",
        "| customers | count | actual total | "
        + " | ".join(f"MAE {name}" for name in report["holdout"])
        + " |",
        "|---|---:|---:|" + "---:|" * len(report["holdout"]),
    ]
    for group, value in report["groups"].items():
        lines.append(
            f"| {GROUPS[group]} | {value['customers']:,} | {money(value['actual_total'])} | "
            + " | ".join(money(value["mae"][name]) for name in report["holdout"])
            + " |"
        )
    reference = report["bgnbd_gamma_gamma"]
    lines += ["", "## BG/NBD × Gamma-Gamma", ""]
    if "unavailable" in reference:
        lines.append(f"Not fitted: {reference['unavailable']}.")
    else:
        bg, gg = reference["bgnbd"], reference["gamma_gamma"]
        correlation = reference["frequency_monetary_correlation"]
        lines += [
            f"Fitted with {reference['library']} in days on {reference['fitted_buyers']:,} "
            f"customers with a sale (Gamma-Gamma on {reference['fitted_repeat_buyers']:,} repeat "
            f"customers): r = {bg['r']:.4g}, α = {bg['alpha']:.4g}, a = {bg['a']:.4g}, "
            f"b = {bg['b']:.4g}; p = {gg['p']:.4g}, q = {gg['q']:.4g}, v = {gg['v']:.4g}. "
            "Customers without a sale are predicted 0 (BG/NBD has no clock for them); "
            "Gamma-Gamma assumes order value independent of frequency, here r = "
            + ("n/a" if correlation is None else f"{correlation:.3f}")
            + ".",
        ]
    gbt, served, onnx = report["gbt"], report["served"], report["onnx"]
    lines += [
        "",
        "## Gradient-boosted trees",
        "",
        f"{gbt['trees']} trees, objective {gbt['params']['objective']}, learning rate "
        f"{gbt['params']['learning_rate']}, {gbt['params']['num_leaves']} leaves, seed "
        f"{gbt['seed']}. Largest shares of the split gain:",
        "",
        "| feature | share of gain |",
        "|---|---:|",
        *(
            f"| `{row['feature']}` | {row['gain_share']:.1%} |"
            for row in gbt["top_features_by_gain"]
        ),
        "",
        "## Served model",
        "",
        f"Refitted with the same settings on the {served['customers']:,} customers as of "
        f"{served['cutoff']} ({served['trees']} trees): the holdout figures above are those of "
        "the same recipe one period earlier. onnxruntime reproduces its LightGBM predictions to "
        f"{onnx['max_abs_difference']:.2e} at most ({onnx['max_rel_difference']:.2e} relative; "
        f"tolerance {onnx['atol']:g} + {onnx['rtol']:g} × |prediction|).",
        "",
        "The evaluation labels count the sales of the 90 days after its cutoff: if the data "
        "ends before then, they are short and every predictor looks too high.",
        "",
    ]
    return "\n".join(lines)
