import { tCritical, twoSidedTPValue } from './distributions';
import { around, type Interval } from './interval';
import { type SampleSummary, varianceOfMean } from './sample-summary';
import { standardize } from './standardize';

export interface WelchTTest {
  readonly control: number;
  readonly treatment: number;
  /** treatment − control. */
  readonly absoluteLift: number;
  readonly absoluteInterval: Interval;
  readonly statistic: number;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly df: number;
  readonly pValue: number;
}

/**
 * Welch's t-test of the difference of means: each variant keeps its own variance, since a
 * treatment that changes revenue usually changes its spread too.
 */
export function welchTTest(
  control: SampleSummary,
  treatment: SampleSummary,
  alpha: number,
): WelchTTest {
  const vc = varianceOfMean(control);
  const vt = varianceOfMean(treatment);
  const lift = treatment.mean - control.mean;
  const se = Math.sqrt(vc + vt);
  const df =
    vc + vt > 0
      ? (vc + vt) ** 2 / (vc ** 2 / (control.n - 1) + vt ** 2 / (treatment.n - 1))
      : control.n + treatment.n - 2;
  const statistic = standardize(lift, se);
  return {
    control: control.mean,
    treatment: treatment.mean,
    absoluteLift: lift,
    absoluteInterval: around(lift, tCritical(alpha, df) * se),
    statistic,
    df,
    pValue: twoSidedTPValue(statistic, df),
  };
}
