import type { PosteriorComparison } from './beta-binomial';
import { standardNormalCdf, standardNormalPdf } from './distributions';
import { type SampleSummary, varianceOfMean } from './sample-summary';

/**
 * The Bayesian comparison of means in the normal approximation: with a flat prior each mean's
 * posterior is N(ȳ, s²/n), so D = treatment − control is N(Δ, V) with V = s_c²/n_c + s_t²/n_t.
 * Then P(D > 0) = Φ(Δ/√V), and with z = Δ/√V the losses are
 *
 *   E[max(−D, 0)] = √V·φ(z) − Δ·Φ(−z),   E[max(D, 0)] = √V·φ(z) + Δ·Φ(z).
 *
 * Revenue per user has no conjugate prior worth the name (a point mass at 0 and a long tail), and
 * at the sample sizes of a test the central limit theorem makes the approximation good.
 */
export function normalPosteriorComparison(
  control: SampleSummary,
  treatment: SampleSummary,
): PosteriorComparison {
  const diff = treatment.mean - control.mean;
  const sd = Math.sqrt(varianceOfMean(control) + varianceOfMean(treatment));
  if (sd === 0) {
    return {
      chanceToBeatControl: diff > 0 ? 1 : diff < 0 ? 0 : 0.5,
      expectedLossIfShipped: Math.max(-diff, 0),
      expectedLossIfKept: Math.max(diff, 0),
    };
  }
  const z = diff / sd;
  return {
    chanceToBeatControl: standardNormalCdf(z),
    expectedLossIfShipped: Math.max(0, sd * standardNormalPdf(z) - diff * standardNormalCdf(-z)),
    expectedLossIfKept: Math.max(0, sd * standardNormalPdf(z) + diff * standardNormalCdf(z)),
  };
}
