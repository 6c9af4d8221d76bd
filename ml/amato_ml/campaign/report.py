"""The report for people: campaign-report.json's numbers as a page a marketer can read."""

from __future__ import annotations

from typing import Any

NAMES = {
    "outcome_model": "Outcome model (gradient-boosted trees)",
    "response_curves": "Response curves",
    "baseline": "Baseline: the channel's ROAS × planned spend",
}


def _money(value: float) -> str:
    return f"{value:,.0f}"


def _vs(value: float) -> str:
    return f"{value:.1%} lower" if value >= 0 else f"{-value:.1%} higher"


def render_markdown(report: dict[str, Any]) -> str:
    t = report["backtest"]
    on = report["trained_on"]
    lines = [
        "# Campaign models: backtest",
        "",
        f"Trained on {on['days']:,} campaign days of {on['campaigns']} campaigns "
        f"({on['first_day']} to {on['last_day']}). The latest campaigns by start date were held "
        f"out: {t['test_campaigns']} campaigns ({t['test_days']} days) from {t['holdout_start']}; "
        f"every model was fitted on the {t['train_days']:,} days of the {t['train_campaigns']} "
        "campaigns before them and predicts each held-out campaign from its parameters alone "
        "(channel, audience, campaign type, duration, daily budget).",
        "",
        "## Held-out campaigns: predicted against actual",
        "",
        "| model | revenue MAE | ROAS MAE | ROAS MAPE | ROAS sMAPE | ROAS MAE vs baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, name in NAMES.items():
        m = t["metrics"][key]
        r = m["roas"]
        lines.append(
            f"| {name} | {_money(m['revenue']['mae'])} | {r['mae']:.3f} | {r['mape']:.1%} | "
            f"{r['smape']:.1%} | {_vs(r['mae_vs_baseline']) if key != 'baseline' else '—'} |"
        )
    cov = t["coverage"]
    lines += [
        "",
        f"The response curves' prediction intervals of a campaign's revenue (bootstrap curves, "
        f"campaign quality and day-to-day noise) held the actual revenue of {cov['80']:.0%} of "
        f"the held-out campaigns at 80% and {cov['95']:.0%} at 95%.",
        "",
        "## The optimiser against the historical split",
        "",
    ]
    a = t["allocation"]
    lines += [
        f"The held-out days spent {_money(a['budget'])} over "
        f"{sum(a['slots'].values())} campaign days. The optimiser split the same total over "
        "the same channels (each channel's spend shared by its campaign days) on the training "
        "curves:",
        "",
        "| channel | campaign days | historical spend | optimised spend |",
        "| --- | ---: | ---: | ---: |",
    ]
    for channel, slots in a["slots"].items():
        lines.append(
            f"| {channel} | {slots} | {_money(a['historical_spend'][channel])} | "
            f"{_money(a['optimised_spend'][channel])} |"
        )
    lines += [
        "",
        "| scored under | historical | optimised | change |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key, s in a["scores"].items():
        lines.append(
            f"| {NAMES[key]} | {_money(s['historical'])} | {_money(s['optimised'])} | "
            f"{s['uplift']:+.1%} |"
        )
    lines += [
        "",
        f"The historical split actually returned {_money(a['actual_revenue'])}. The outcome "
        "model is fitted independently of the curves the optimiser uses, so a gain under it is "
        "not the optimiser grading its own work.",
        "",
        "## Served curves (all days)",
        "",
        "| channel | ceiling per day | scale (daily spend) | campaigns |",
        "| --- | ---: | ---: | ---: |",
    ]
    served = report["served_curves"]
    for channel, c in served["channels"].items():
        lines.append(
            f"| {channel} | {_money(c['ceiling'])} | {_money(c['scale'])} | "
            f"{served['campaigns_per_channel'].get(channel, 0)} |"
        )
    for channel, why in served["skipped_channels"].items():
        lines.append(f"| {channel} | not fitted: {why} | | |")
    lines.append("")
    return "\n".join(lines)
