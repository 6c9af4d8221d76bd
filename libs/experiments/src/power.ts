import { standardNormalCdf, standardNormalQuantile, zCritical } from './distributions';

/**
 * Power and sample size of a two-sided two-sample test of means in the normal approximation,
 * for a standardized effect d = Δ/σ. With n = 1/(1/n_c + 1/n_t) and λ = d·√n,
 *
 *   power = Φ(λ − z) + Φ(−λ − z),   z = Φ⁻¹(1 − α/2),
 *
 * counting the (tiny) chance of rejecting in the wrong direction as statsmodels does.
 */
export function statisticalPower(
  effectSize: number,
  usersControl: number,
  usersTreatment: number,
  alpha: number,
): number {
  return powerAt(
    Math.abs(effectSize) * Math.sqrt(effectiveUsers(usersControl, usersTreatment)),
    alpha,
  );
}

/** The smallest standardized effect d detected with the given power at these sample sizes. */
export function minimumDetectableEffect(
  usersControl: number,
  usersTreatment: number,
  alpha: number,
  targetPower: number,
): number {
  return (
    noncentralityFor(alpha, targetPower) / Math.sqrt(effectiveUsers(usersControl, usersTreatment))
  );
}

/**
 * Users the control needs to detect a standardized effect d with the given power, the
 * treatment having `ratio` times as many. Fractional, as computed; round up to plan.
 */
export function requiredUsers(
  effectSize: number,
  alpha: number,
  targetPower: number,
  ratio = 1,
): number {
  const lambda = noncentralityFor(alpha, targetPower);
  // n = n_c·r/(1 + r) must equal (λ/d)².
  return ((lambda / effectSize) ** 2 * (1 + ratio)) / ratio;
}

function effectiveUsers(usersControl: number, usersTreatment: number): number {
  return 1 / (1 / usersControl + 1 / usersTreatment);
}

function powerAt(lambda: number, alpha: number): number {
  const z = zCritical(alpha);
  return standardNormalCdf(lambda - z) + standardNormalCdf(-lambda - z);
}

/**
 * The λ at which the power reaches the target. z + Φ⁻¹(power) ignores the wrong-direction tail
 * and so is an upper bound; bisection below it gives the exact root.
 */
function noncentralityFor(alpha: number, targetPower: number): number {
  let hi = zCritical(alpha) + standardNormalQuantile(targetPower);
  let lo = 0;
  if (powerAt(lo, alpha) >= targetPower) return 0;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (powerAt(mid, alpha) < targetPower) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
