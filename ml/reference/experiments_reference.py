"""Reference values for the experiment-analysis engine in libs/experiments.

Computes, with scipy and statsmodels, what the engine must output for a fixed set of cases and
writes them to libs/experiments/src/reference-values.json, which the unit tests compare the
TypeScript outputs to. The per-user data of each case is drawn from a seeded generator here and
reduced to the sufficient statistics the engine takes (the sums a Trino query produces); the
expected values are computed from the per-user arrays wherever a library can, so the two sides
share no code path. CUPED and the mixture SPRT have no library implementation: they are written
here from their definitions (CUPED on the adjusted per-user values, the always-valid interval by
root-finding on the mixture likelihood ratio instead of its closed form).

Regenerate, from the repository root:

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install -r ml/reference/requirements.txt
    /tmp/refvenv/bin/python ml/reference/experiments_reference.py
    npx prettier --write libs/experiments/src/reference-values.json

The output is deterministic for the pinned versions; commit the JSON with any change here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import scipy
import statsmodels
from scipy import integrate, optimize, special, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower, zt_ind_solve_power
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_effectsize,
    proportions_ztest,
)

OUTPUT = Path(__file__).resolve().parents[2] / "libs/experiments/src/reference-values.json"

# The engine's defaults; the cases below are computed at these.
ALPHA = 0.05
POWER = 0.8
SRM_ALPHA = 0.001
MSPRT_TAU = 0.05

# quad's default absolute tolerance (1.5e-8) is coarser than the losses being checked.
QUAD_TOLERANCE = {"epsabs": 1e-15, "epsrel": 1e-12, "limit": 500}


@dataclass
class Users:
    """One variant's per-user data, day by day: exposure day, conversion, revenue, pre-spend."""

    day: np.ndarray
    converted: np.ndarray
    revenue: np.ndarray
    pre_spend: np.ndarray


def draw_users(
    rng: np.random.Generator, n: int, rate: float, revenue_lift: float, days: int = 1
) -> Users:
    # Each customer has a propensity to buy and a typical basket; both shaped the pre-exposure
    # spend as they shape the revenue during the test, so CUPED has a correlated covariate, as
    # it has with real customers. Many customers bought nothing before.
    concentration = 0.5
    propensity = rng.beta(concentration * rate / (1 - rate), concentration, n)
    basket = rng.lognormal(3.5, 0.6, n)
    pre_spend = rng.poisson(4 * propensity) * basket * rng.gamma(8.0, 1 / 8.0, n)
    converted = (rng.random(n) < propensity).astype(float)
    revenue = converted * basket * rng.gamma(4.0, 1 / 4.0, n) * (1 + revenue_lift)
    day = np.sort(rng.integers(0, days, n))
    return Users(day, converted, revenue, pre_spend)


def fsum(values: np.ndarray) -> float:
    return math.fsum(values.tolist())


def totals(u: Users) -> dict:
    return {
        "users": int(u.revenue.size),
        "converters": int(u.converted.sum()),
        "revenueSum": fsum(u.revenue),
        "revenueSumOfSquares": fsum(u.revenue**2),
    }


def variant_input(name: str, u: Users, covariate: bool, daily: bool) -> dict:
    out = {"variant": name, **totals(u)}
    if covariate:
        out["covariate"] = {
            "sum": fsum(u.pre_spend),
            "sumOfSquares": fsum(u.pre_spend**2),
            "revenueCrossSum": fsum(u.pre_spend * u.revenue),
            "converterCrossSum": fsum(u.pre_spend * u.converted),
        }
    if daily:
        out["daily"] = [
            {"day": f"2026-03-{d + 1:02d}", **totals(slice_users(u, u.day <= d))}
            for d in range(int(u.day.max()) + 1)
        ]
    return out


def slice_users(u: Users, mask: np.ndarray) -> Users:
    return Users(u.day[mask], u.converted[mask], u.revenue[mask], u.pre_spend[mask])


# --- fixed-horizon tests -------------------------------------------------------------------


def relative_interval(mean_c: float, var_c: float, mean_t: float, var_t: float, alpha: float):
    """Delta method for t/c - 1, var_* being the variances of the two means."""
    lift = mean_t / mean_c - 1
    se = math.sqrt(var_t / mean_c**2 + mean_t**2 * var_c / mean_c**4)
    z = stats.norm.ppf(1 - alpha / 2)
    return lift, [lift - z * se, lift + z * se]


def conversion_fixed(c: Users, t: Users, alpha: float) -> dict:
    nc, nt = c.converted.size, t.converted.size
    kc, kt = int(c.converted.sum()), int(t.converted.sum())
    pc, pt = kc / nc, kt / nt
    z, p = proportions_ztest([kt, kc], [nt, nc])
    low, high = confint_proportions_2indep(
        kt, nt, kc, nc, method="wald", compare="diff", alpha=alpha
    )
    rel, rel_ci = relative_interval(pc, pc * (1 - pc) / nc, pt, pt * (1 - pt) / nt, alpha)
    return {
        "control": pc,
        "treatment": pt,
        "absoluteLift": pt - pc,
        "absoluteInterval": [float(low), float(high)],
        "relativeLift": rel,
        "relativeInterval": rel_ci,
        "statistic": float(z),
        "pValue": float(p),
    }


def revenue_fixed(c: Users, t: Users, alpha: float) -> dict:
    res = stats.ttest_ind(t.revenue, c.revenue, equal_var=False)
    ci = res.confidence_interval(1 - alpha)
    mc, mt = c.revenue.mean(), t.revenue.mean()
    vc, vt = c.revenue.var(ddof=1) / c.revenue.size, t.revenue.var(ddof=1) / t.revenue.size
    rel, rel_ci = relative_interval(mc, vc, mt, vt, alpha)
    return {
        "control": float(mc),
        "treatment": float(mt),
        "absoluteLift": float(mt - mc),
        "absoluteInterval": [float(ci.low), float(ci.high)],
        "relativeLift": float(rel),
        "relativeInterval": [float(x) for x in rel_ci],
        "statistic": float(res.statistic),
        "pValue": float(res.pvalue),
        "df": float(res.df),
    }


# --- Bayesian ------------------------------------------------------------------------------


def prob_beta_greater(a1: float, b1: float, a2: float, b2: float) -> float:
    """P(X2 > X1) for X1 ~ Beta(a1, b1), X2 ~ Beta(a2, b2), a2 an integer: the sum over a2."""
    i = np.arange(int(a2), dtype=float)
    log_terms = (
        special.betaln(a1 + i, b1 + b2)
        - np.log(b2 + i)
        - special.betaln(1 + i, b2)
        - special.betaln(a1, b1)
    )
    return float(np.exp(special.logsumexp(log_terms)))


def quad_beta_greater(a1: float, b1: float, a2: float, b2: float) -> float:
    """The same probability by numerical integration, to check the closed form."""
    lo, hi = beta_support(a1, b1)
    value, _ = integrate.quad(
        lambda x: stats.beta.pdf(x, a1, b1) * stats.beta.sf(x, a2, b2),
        lo,
        hi,
        limit=500,
        epsabs=1e-13,
        epsrel=1e-11,
    )
    return value


def beta_support(a: float, b: float) -> tuple[float, float]:
    mean = a / (a + b)
    sd = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    return max(0.0, mean - 40 * sd), min(1.0, mean + 40 * sd)


def beta_binomial(nc: int, kc: int, nt: int, kt: int) -> dict:
    ac, bc = kc + 1.0, nc - kc + 1.0
    at, bt = kt + 1.0, nt - kt + 1.0
    chance = prob_beta_greater(ac, bc, at, bt)
    # E[max(pc - pt, 0)] = E[pc 1{pc > pt}] - E[pt 1{pc > pt}], and E[X 1{X > Y}] is the mean of
    # X times P(X' > Y) for X' ~ Beta(a + 1, b).
    mean_c, mean_t = ac / (ac + bc), at / (at + bt)
    loss_ship = mean_c * prob_beta_greater(at, bt, ac + 1, bc) - mean_t * prob_beta_greater(
        at + 1, bt, ac, bc
    )
    loss_keep = mean_t * prob_beta_greater(ac, bc, at + 1, bt) - mean_c * prob_beta_greater(
        ac + 1, bc, at, bt
    )
    check = quad_beta_greater(ac, bc, at, bt)
    assert abs(check - chance) < 1e-9, (chance, check)
    lo, hi = beta_support(ac, bc)
    quad_loss, _ = integrate.quad(
        lambda x: (
            stats.beta.pdf(x, ac, bc)
            * (x * stats.beta.cdf(x, at, bt) - mean_t * stats.beta.cdf(x, at + 1, bt))
        ),
        lo,
        hi,
        limit=500,
        epsabs=1e-14,
        epsrel=1e-11,
    )
    assert abs(quad_loss - loss_ship) < 1e-10, (loss_ship, quad_loss)
    return {
        "chanceToBeatControl": chance,
        "expectedLossIfShipped": loss_ship,
        "expectedLossIfKept": loss_keep,
    }


def normal_posterior(c: Users, t: Users) -> dict:
    diff = t.revenue.mean() - c.revenue.mean()
    sd = math.sqrt(c.revenue.var(ddof=1) / c.revenue.size + t.revenue.var(ddof=1) / t.revenue.size)
    posterior = stats.norm(loc=diff, scale=sd)
    return {
        "chanceToBeatControl": float(posterior.sf(0)),
        "expectedLossIfShipped": float(posterior.expect(lambda d: -d, ub=0, **QUAD_TOLERANCE)),
        "expectedLossIfKept": float(posterior.expect(lambda d: d, lb=0, **QUAD_TOLERANCE)),
    }


# --- CUPED ---------------------------------------------------------------------------------


def cuped(groups: list[Users], c: Users, t: Users, metric: str, alpha: float) -> dict:
    def y(u: Users) -> np.ndarray:
        return u.revenue if metric == "revenue" else u.converted

    # Within-variant (pooled) covariance, so a treatment effect on y cannot move theta.
    cov = sum(((u.pre_spend - u.pre_spend.mean()) * (y(u) - y(u).mean())).sum() for u in groups)
    var = sum(((u.pre_spend - u.pre_spend.mean()) ** 2).sum() for u in groups)
    theta = cov / var
    grand = np.concatenate([u.pre_spend for u in groups]).mean()
    adj_c = y(c) - theta * (c.pre_spend - grand)
    adj_t = y(t) - theta * (t.pre_spend - grand)
    res = stats.ttest_ind(adj_t, adj_c, equal_var=False)
    ci = res.confidence_interval(1 - alpha)
    vc, vt = adj_c.var(ddof=1) / adj_c.size, adj_t.var(ddof=1) / adj_t.size
    raw = y(c).var(ddof=1) / y(c).size + y(t).var(ddof=1) / y(t).size
    rel, rel_ci = relative_interval(adj_c.mean(), vc, adj_t.mean(), vt, alpha)
    return {
        "theta": float(theta),
        "absoluteLift": float(adj_t.mean() - adj_c.mean()),
        "absoluteInterval": [float(ci.low), float(ci.high)],
        "relativeLift": float(rel),
        "relativeInterval": [float(x) for x in rel_ci],
        "pValue": float(res.pvalue),
        "df": float(res.df),
        "varianceReduction": float(1 - (vc + vt) / raw),
    }


# --- mSPRT ---------------------------------------------------------------------------------


def log_mixture_likelihood_ratio(diff: float, v: float, tau2: float, theta0: float) -> float:
    """Log of the normal likelihood of the observed difference mixed over theta ~ N(theta0, tau2),
    over its likelihood at theta0."""
    return 0.5 * math.log(v / (v + tau2)) + tau2 * (diff - theta0) ** 2 / (2 * v * (v + tau2))


def look_moments(c: Users, t: Users, metric: str) -> tuple[float, float, float] | None:
    if c.revenue.size < 2 or t.revenue.size < 2:
        return None
    if metric == "conversion":
        pc, pt = c.converted.mean(), t.converted.mean()
        vc, vt = pc * (1 - pc), pt * (1 - pt)
        diff = pt - pc
    else:
        vc, vt = c.revenue.var(ddof=1), t.revenue.var(ddof=1)
        diff = t.revenue.mean() - c.revenue.mean()
    v = vc / c.revenue.size + vt / t.revenue.size
    tau2 = MSPRT_TAU**2 * (vc + vt) / 2
    if v == 0 or tau2 == 0:
        return None
    return float(diff), float(v), float(tau2)


def always_valid_bounds(diff: float, v: float, tau2: float, alpha: float) -> tuple[float, float]:
    """The ends of {theta0 : LR(theta0) < 1/alpha}, by root-finding on each side of diff."""

    def excess(theta0: float) -> float:
        return log_mixture_likelihood_ratio(diff, v, tau2, theta0) - math.log(1 / alpha)

    span = math.sqrt(v)
    while excess(diff + span) < 0:
        span *= 2
    lo = optimize.brentq(excess, diff - span, diff, xtol=1e-15, rtol=1e-14)
    hi = optimize.brentq(excess, diff, diff + span, xtol=1e-15, rtol=1e-14)
    return lo, hi


def sequential(c: Users, t: Users, metric: str, alpha: float) -> dict:
    days = int(max(c.day.max(), t.day.max()))
    lower, upper, p_value, first, looks = -math.inf, math.inf, 1.0, None, 0
    last = [-math.inf, math.inf]
    for d in range(days + 1):
        moments = look_moments(slice_users(c, c.day <= d), slice_users(t, t.day <= d), metric)
        looks += 1
        if moments is None:
            continue
        diff, v, tau2 = moments
        lo, hi = always_valid_bounds(diff, v, tau2, alpha)
        last = [lo, hi]
        lower, upper = max(lower, lo), min(upper, hi)
        p_value = min(p_value, math.exp(-log_mixture_likelihood_ratio(diff, v, tau2, 0.0)))
        if first is None and (lower > 0 or upper < 0):
            first = f"2026-03-{d + 1:02d}" if days > 0 else "total"
    if lower > upper:
        lower, upper = last
    return {
        "interval": [lower, upper],
        "lastInterval": last,
        "alwaysValidPValue": min(1.0, p_value),
        "looks": looks,
        "firstSignificantLook": first,
    }


# --- power ---------------------------------------------------------------------------------


def solve_power(effect_size, nobs1, ratio: float, alpha: float, power: float) -> float:
    """zt_ind_solve_power, with its root refined by brentq on NormalIndPower.power.

    zt_ind_solve_power stops where the power is within about 3e-5 of the target, so its effect
    sizes are off by a few 1e-5 relative; the engine solves to machine precision. Refining the
    same statsmodels power function's root lets the comparison be made to 1e-6.
    """
    rough = zt_ind_solve_power(
        effect_size=effect_size, nobs1=nobs1, alpha=alpha, power=power, ratio=ratio
    )
    analysis = NormalIndPower()
    if effect_size is None:

        def gap(x: float) -> float:
            return analysis.power(effect_size=x, nobs1=nobs1, alpha=alpha, ratio=ratio) - power
    else:

        def gap(x: float) -> float:
            return (
                analysis.power(effect_size=effect_size, nobs1=x, alpha=alpha, ratio=ratio) - power
            )

    exact = optimize.brentq(gap, float(rough) * 0.9, float(rough) * 1.1, xtol=1e-14, rtol=1e-14)
    assert abs(exact - rough) < 1e-3 * rough, (exact, rough)
    return float(exact)


def mde(n_control: int, n_treatment: int, alpha: float, power: float) -> float:
    return solve_power(None, n_treatment, n_control / n_treatment, alpha, power)


# --- cases ---------------------------------------------------------------------------------


@dataclass
class Case:
    test_id: str
    seed: int
    variants: list[tuple[str, int, float, float]]  # name, users, conversion rate, revenue lift
    days: int = 1
    covariate: bool = True
    planned_split: dict[str, float] | None = None
    primary: str | None = None


CASES = [
    Case("T-two-variants", 11, [("control", 6000, 0.10, 0.0), ("treatment", 6050, 0.115, 0.03)]),
    Case(
        "T-three-variants",
        12,
        [("A", 8000, 0.08, 0.0), ("B", 4000, 0.07, 0.0), ("C", 4050, 0.083, 0.05)],
        planned_split={"A": 0.5, "B": 0.25, "C": 0.25},
        primary="revenue",
    ),
    Case("T-srm", 13, [("control", 5000, 0.05, 0.0), ("treatment", 5400, 0.05, 0.0)]),
    Case(
        "T-small",
        14,
        [("control", 155, 0.3, 0.0), ("treatment", 85, 0.35, 0.2)],
        planned_split={"control": 5, "treatment": 3},
    ),
    Case(
        "T-harm",
        15,
        [("control", 20000, 0.06, 0.0), ("treatment", 19850, 0.05, -0.05)],
        covariate=False,
    ),
    Case("T-daily", 16, [("control", 9000, 0.10, 0.0), ("treatment", 9100, 0.125, 0.0)], days=14),
    Case(
        "T-daily-flat",
        17,
        [("control", 3000, 0.12, 0.0), ("treatment", 3040, 0.12, 0.0)],
        days=10,
        covariate=False,
    ),
]


def expected_case(case: Case) -> tuple[dict, dict, list[tuple[str, float, float]]]:
    rng = np.random.default_rng(case.seed)
    groups = {
        name: draw_users(rng, n, rate, lift, case.days) for name, n, rate, lift in case.variants
    }
    names = [name for name, *_ in case.variants]
    control = names[0]
    daily = case.days > 1
    experiment = {
        "testId": case.test_id,
        "control": control,
        "variants": [variant_input(n, groups[n], case.covariate, daily) for n in names],
    }
    if case.planned_split:
        experiment["plannedSplit"] = case.planned_split
    if case.primary:
        experiment["primaryMetric"] = case.primary

    weights = np.array([(case.planned_split or {}).get(n, 1.0) for n in names], dtype=float)
    observed = np.array([groups[n].revenue.size for n in names], dtype=float)
    chi = stats.chisquare(observed, f_exp=observed.sum() * weights / weights.sum())

    treatments = names[1:]
    level = ALPHA / len(treatments)
    c = groups[control]
    comparisons = []
    p_values = []
    for name in treatments:
        t = groups[name]
        conversion = conversion_fixed(c, t, ALPHA)
        conversion["bayesian"] = beta_binomial(
            c.revenue.size, int(c.converted.sum()), t.revenue.size, int(t.converted.sum())
        )
        conversion["sequential"] = sequential(c, t, "conversion", level)
        revenue = revenue_fixed(c, t, ALPHA)
        revenue["bayesian"] = normal_posterior(c, t)
        revenue["sequential"] = sequential(c, t, "revenue", level)
        d = mde(c.revenue.size, t.revenue.size, ALPHA, POWER)
        # Conversion's effect size is Cohen's h: invert proportion_effectsize from the control.
        rate_c = conversion["control"]
        rate_t = math.sin(math.asin(math.sqrt(rate_c)) + d / 2) ** 2
        assert abs(proportion_effectsize(rate_t, rate_c) - d) < 1e-12
        conversion["mde"] = {"absolute": rate_t - rate_c, "relative": (rate_t - rate_c) / rate_c}
        sd = float(c.revenue.std(ddof=1))
        revenue["mde"] = {"absolute": d * sd, "relative": d * sd / revenue["control"]}
        for metric, out in (("conversion", conversion), ("revenue", revenue)):
            if case.covariate:
                out["cuped"] = cuped(list(groups.values()), c, t, metric, ALPHA)
        comparisons.append({"treatment": name, "conversion": conversion, "revenue": revenue})
        p_values.append((name, conversion["pValue"], revenue["pValue"]))

    primary = case.primary or "conversion"
    guard = "revenue" if primary == "conversion" else "conversion"
    expected = {
        "srm": {
            "statistic": float(chi.statistic),
            "pValue": float(chi.pvalue),
            "df": len(names) - 1,
        },
        "variants": [
            {
                "variant": n,
                "users": int(groups[n].revenue.size),
                "conversionRate": float(groups[n].converted.mean()),
                "revenueMean": float(groups[n].revenue.mean()),
                "revenueSd": float(groups[n].revenue.std(ddof=1)),
            }
            for n in names
        ],
        "comparisons": comparisons,
        "verdict": verdict(float(chi.pvalue), comparisons, primary, guard),
    }
    return experiment, expected, p_values


def verdict(srm_p: float, comparisons: list[dict], primary: str, guard: str) -> dict:
    if srm_p < SRM_ALPHA:
        return {"decision": "broken_srm", "winner": None}

    def interval(c: dict, metric: str) -> list[float]:
        return c[metric]["sequential"]["interval"]

    blocked = [interval(c, primary)[1] < 0 or interval(c, guard)[1] < 0 for c in comparisons]
    winners = [
        c
        for c, b in zip(comparisons, blocked, strict=True)
        if interval(c, primary)[0] > 0 and not b
    ]
    if winners:
        best = max(winners, key=lambda c: c[primary]["absoluteLift"])
        return {"decision": "ship", "winner": best["treatment"]}
    if all(blocked):
        return {"decision": "dont_ship", "winner": None}
    return {"decision": "keep_running", "winner": None}


def main() -> None:
    experiments = []
    family: list[tuple[int, str, float, float]] = []
    for case in CASES:
        experiment, expected, p_values = expected_case(case)
        for name, p_conv, p_rev in p_values:
            family.append((len(experiments), name, p_conv, p_rev))
        experiments.append({"input": experiment, "expected": expected})

    # Adjust across every comparison of every test analysed together, one family per metric.
    for metric, column in (("conversion", 2), ("revenue", 3)):
        p = np.array([row[column] for row in family])
        holm = multipletests(p, alpha=ALPHA, method="holm")[1]
        bh = multipletests(p, alpha=ALPHA, method="fdr_bh")[1]
        for row, h, b in zip(family, holm, bh, strict=True):
            comparisons = experiments[row[0]]["expected"]["comparisons"]
            target = next(c for c in comparisons if c["treatment"] == row[1])
            target[metric]["adjustedPValue"] = {"holm": float(h), "bh": float(b)}

    fixed_p = [0.001, 0.01, 0.02, 0.02, 0.04, 0.045, 0.3, 0.5, 0.9, 1e-8]
    multiple_testing = [
        {
            "pValues": fixed_p,
            "holm": [float(x) for x in multipletests(fixed_p, method="holm")[1]],
            "bh": [float(x) for x in multipletests(fixed_p, method="fdr_bh")[1]],
        }
    ]

    power = [
        {
            "effectSize": d,
            "usersControl": nc,
            "usersTreatment": nt,
            "alpha": a,
            "power": float(NormalIndPower().power(effect_size=d, nobs1=nt, alpha=a, ratio=nc / nt)),
        }
        for d, nc, nt, a in [
            (0.05, 5000, 5000, 0.05),
            (0.02, 20000, 10000, 0.05),
            (0.1, 300, 300, 0.01),
            (0.005, 1000, 1000, 0.05),
        ]
    ]
    mdes = [
        {
            "usersControl": nc,
            "usersTreatment": nt,
            "alpha": a,
            "power": pw,
            "effectSize": mde(nc, nt, a, pw),
        }
        for nc, nt, a, pw in [
            (5000, 5000, 0.05, 0.8),
            (20000, 10000, 0.05, 0.9),
            (300, 300, 0.01, 0.8),
        ]
    ]
    sample_sizes = [
        {
            "effectSize": d,
            "alpha": a,
            "power": pw,
            "usersPerVariant": solve_power(d, None, 1.0, a, pw),
        }
        for d, a, pw in [(0.05, 0.05, 0.8), (0.01, 0.05, 0.9), (0.3, 0.1, 0.8)]
    ]

    beta_cases = [
        # Low and high rates (the engine sums over converters in some, non-converters in
        # others), small and large counts, a variant without a converter.
        (1000, 30, 1000, 45),
        (200000, 6000, 200000, 6150),
        (50000, 46000, 50000, 45800),
        (400, 200, 300, 140),
        (20, 0, 25, 1),
    ]
    beta = [
        {
            "control": {"users": nc, "converters": kc},
            "treatment": {"users": nt, "converters": kt},
            **beta_binomial(nc, kc, nt, kt),
        }
        for nc, kc, nt, kt in beta_cases
    ]

    document = {
        "generatedBy": "ml/reference/experiments_reference.py",
        "versions": {
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__,
        },
        "options": {"alpha": ALPHA, "power": POWER, "srmAlpha": SRM_ALPHA, "msprtTau": MSPRT_TAU},
        "experiments": experiments,
        "multipleTesting": multiple_testing,
        "power": power,
        "minimumDetectableEffect": mdes,
        "sampleSize": sample_sizes,
        "betaBinomial": beta,
    }
    OUTPUT.write_text(json.dumps(document, indent=2, allow_nan=False) + "\n")
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
