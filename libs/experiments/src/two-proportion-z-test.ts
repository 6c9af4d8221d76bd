import { twoSidedNormalPValue, zCritical } from './distributions';
import { around, type Interval } from './interval';
import { standardize } from './standardize';

/** Users and converters of one variant. */
export interface ConversionCounts {
  readonly users: number;
  readonly converters: number;
}

export interface TwoProportionZTest {
  readonly control: number;
  readonly treatment: number;
  /** treatment − control. */
  readonly absoluteLift: number;
  /** Wald interval with the unpooled variance. */
  readonly absoluteInterval: Interval;
  readonly statistic: number;
  readonly pValue: number;
}

/**
 * Two-proportion z-test of treatment against control. The test uses the pooled rate, its
 * variance under the null hypothesis of equal rates; the interval uses each variant's own rate,
 * since it must hold where the rates differ.
 */
export function twoProportionZTest(
  control: ConversionCounts,
  treatment: ConversionCounts,
  alpha: number,
): TwoProportionZTest {
  const pc = control.converters / control.users;
  const pt = treatment.converters / treatment.users;
  const lift = pt - pc;
  const pooled = (control.converters + treatment.converters) / (control.users + treatment.users);
  const nullSe = Math.sqrt(pooled * (1 - pooled) * (1 / control.users + 1 / treatment.users));
  const se = Math.sqrt((pc * (1 - pc)) / control.users + (pt * (1 - pt)) / treatment.users);
  const statistic = standardize(lift, nullSe);
  return {
    control: pc,
    treatment: pt,
    absoluteLift: lift,
    absoluteInterval: around(lift, zCritical(alpha) * se),
    statistic,
    pValue: twoSidedNormalPValue(statistic),
  };
}
