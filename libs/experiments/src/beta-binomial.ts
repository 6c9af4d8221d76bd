import betaln from '@stdlib/math-base-special-betaln';
import type { ConversionCounts } from './two-proportion-z-test';

/** A Beta(a, b) distribution. */
export interface Beta {
  readonly a: number;
  readonly b: number;
}

export interface PosteriorComparison {
  /** P(treatment's true value > control's), under the posterior. */
  readonly chanceToBeatControl: number;
  /** E[max(control − treatment, 0)]: what shipping the treatment costs if it is worse. */
  readonly expectedLossIfShipped: number;
  /** E[max(treatment − control, 0)]: what keeping the control costs if the treatment is better. */
  readonly expectedLossIfKept: number;
}

// Bound once for the loop below: inside a vm context (jest's sandbox among them) each lookup of
// the global Math costs some 100 ns, which over 10⁵ terms is felt.
const { exp, log, min } = Math;

// Re-anchor the running log term on an exact betaln this often, so rounding in the recurrence
// cannot accumulate over the hundreds of thousands of terms a large test needs.
const RESYNC_EVERY = 512;

/**
 * P(Y > X) for X ~ Beta(x.a, x.b), Y ~ Beta(y.a, y.b), whole-number parameters, in closed form:
 *
 *   P(Y > X) = Σ_{i=0}^{y.a−1} B(x.a + i, x.b + y.b) / ((y.b + i) · B(1 + i, y.b) · B(x.a, x.b))
 *
 * The same holds with every variable replaced by 1 − itself (Beta(a, b) becomes Beta(b, a)),
 * which sums over x.b instead; the shorter of the two sums is taken. Both are sums of positive
 * terms, so a probability near 0 keeps its relative precision (the expected loss subtracts two
 * of them); 1 − (the other way round) would not.
 */
export function probabilityGreater(x: Beta, y: Beta): number {
  return y.a <= x.b ? sumOverYa(x, y) : sumOverYa({ a: y.b, b: y.a }, { a: x.b, b: x.a });
}

function sumOverYa(x: Beta, y: Beta): number {
  const exactLogTerm = (i: number) =>
    betaln(x.a + i, x.b + y.b) - log(y.b + i) - betaln(1 + i, y.b) - betaln(x.a, x.b);
  // Terms rise to one peak and fall; sum them as exp(term − max) with the max updated as it goes.
  let max = -Infinity;
  let scaled = 0;
  let term = 0;
  for (let i = 0; i < y.a; i++) {
    if (i % RESYNC_EVERY === 0) {
      term = exactLogTerm(i);
    } else {
      // term(i) / term(i − 1), from B(p + 1, q) = B(p, q) · p / (p + q).
      const j = i - 1;
      term += log(((x.a + j) * (y.b + j)) / ((x.a + x.b + y.b + j) * (1 + j)));
    }
    if (term > max) {
      scaled = scaled * exp(max - term) + 1;
      max = term;
    } else {
      scaled += exp(term - max);
    }
  }
  return min(1, scaled * exp(max));
}

/**
 * The Beta-Binomial comparison of conversion rates: a uniform Beta(1, 1) prior on each rate,
 * so each posterior is Beta(1 + converters, 1 + users − converters). The expected losses use
 * E[X·1{X > Y}] = E[X] · P(X' > Y) with X' ~ Beta(a + 1, b).
 */
export function betaBinomialComparison(
  control: ConversionCounts,
  treatment: ConversionCounts,
): PosteriorComparison {
  const c = posterior(control);
  const t = posterior(treatment);
  const meanC = c.a / (c.a + c.b);
  const meanT = t.a / (t.a + t.b);
  const up = (beta: Beta): Beta => ({ a: beta.a + 1, b: beta.b });
  return {
    chanceToBeatControl: probabilityGreater(c, t),
    expectedLossIfShipped: nonNegative(
      meanC * probabilityGreater(t, up(c)) - meanT * probabilityGreater(up(t), c),
    ),
    expectedLossIfKept: nonNegative(
      meanT * probabilityGreater(c, up(t)) - meanC * probabilityGreater(up(c), t),
    ),
  };
}

function posterior({ users, converters }: ConversionCounts): Beta {
  return { a: 1 + converters, b: 1 + users - converters };
}

// A loss is an expectation of a non-negative quantity; a difference of two sums can round below.
function nonNegative(x: number): number {
  return Math.max(0, x);
}
