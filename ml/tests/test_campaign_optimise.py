import numpy as np
import pytest

from amato_ml.campaign.optimise import allocate


def closed_form(ceiling, scale, budget):
    """Without bounds the marginal returns are equal where spent: bisection on the level."""
    lo, hi = 1e-12, float(np.max(ceiling / scale))
    for _ in range(200):
        level = np.sqrt(lo * hi)
        spend = np.maximum(0, scale * np.log(ceiling / (scale * level)))
        lo, hi = (level, hi) if spend.sum() > budget else (lo, level)
    return spend


@pytest.mark.parametrize("seed", range(8))
def test_matches_the_equal_marginal_return_solution(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 7))
    ceiling = rng.uniform(500, 8000, n)
    scale = rng.uniform(100, 3000, n)
    budget = float(rng.uniform(200, 20000))
    spend = allocate(ceiling, scale, budget)
    assert spend.sum() == pytest.approx(budget, rel=1e-8)
    assert spend == pytest.approx(closed_form(ceiling, scale, budget), rel=1e-4, abs=budget * 1e-6)


def test_keeps_every_bound():
    ceiling = np.array([5000.0, 1000.0, 3000.0])
    scale = np.array([1000.0, 200.0, 800.0])
    lower = np.array([0.0, 900.0, 0.0])
    upper = np.array([1500.0, 5000.0, 5000.0])
    spend = allocate(ceiling, scale, 4000.0, lower, upper)
    assert np.all(spend >= lower - 1e-6) and np.all(spend <= upper + 1e-6)
    assert spend[0] == pytest.approx(1500, rel=1e-6)
    assert spend.sum() == pytest.approx(4000)


def test_refuses_bounds_the_budget_cannot_meet():
    with pytest.raises(ValueError, match="bounds cannot be met"):
        allocate(np.ones(2), np.ones(2), 10.0, lower=np.array([6.0, 6.0]))
