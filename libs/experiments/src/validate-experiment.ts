import type {
  CovariateStatistics,
  DailyStatistics,
  ExperimentInput,
  SufficientStatistics,
  VariantStatistics,
} from './experiment-input';
import { ExperimentInputError } from './experiment-input-error';

// Sums of squares computed by a database in floating point may fall a few ulps short of what
// Cauchy–Schwarz demands of exact sums; more than this is a wrong query, not rounding.
const ROUNDING = 1e-9;

/**
 * Checks that an input can describe an experiment and throws an ExperimentInputError naming the
 * test, the variant and the field of the first problem found. The input may come from JSON, so
 * nothing is assumed of its types.
 */
export function validateExperiment(input: ExperimentInput): void {
  if (typeof input !== 'object' || (input as unknown) === null) {
    throw new ExperimentInputError(
      { testId: null, variant: null, field: '(test)' },
      `must be an object, got ${show(input)}`,
    );
  }
  const raw = input as unknown as Record<string, unknown>;
  if (typeof raw.testId !== 'string' || raw.testId.length === 0) {
    throw new ExperimentInputError(
      { testId: null, variant: null, field: 'testId' },
      `must be a non-empty string, got ${show(raw.testId)}`,
    );
  }
  const testId = input.testId;
  const fail = (variant: string | null, field: string, problem: string) =>
    new ExperimentInputError({ testId, variant, field }, problem);

  if (!Array.isArray(raw.variants) || input.variants.length < 2) {
    const count = Array.isArray(raw.variants) ? input.variants.length : show(raw.variants);
    throw fail(
      null,
      'variants',
      `needs at least 2 variants (a control and a treatment), got ${count}`,
    );
  }
  const names = new Set<string>();
  for (const [index, variant] of input.variants.entries()) {
    if (typeof variant !== 'object' || (variant as unknown) === null) {
      throw fail(null, `variants[${index}]`, `must be an object of sums, got ${show(variant)}`);
    }
    const name = (variant as { variant?: unknown }).variant;
    if (typeof name !== 'string' || name.length === 0) {
      throw fail(
        null,
        `variants[${index}].variant`,
        `must be a non-empty string, got ${show(name)}`,
      );
    }
    if (names.has(name)) throw fail(name, 'variant', 'appears more than once');
    names.add(name);
  }
  if (typeof raw.control !== 'string' || !names.has(input.control)) {
    throw fail(
      null,
      'control',
      `must name one of the variants (${[...names].join(', ')}), got ${show(raw.control)}`,
    );
  }
  if (
    raw.primaryMetric !== undefined &&
    !['conversion', 'revenue'].includes(raw.primaryMetric as string)
  ) {
    throw fail(
      null,
      'primaryMetric',
      `must be "conversion" or "revenue", got ${show(raw.primaryMetric)}`,
    );
  }
  validateSplit(input, names, fail);

  for (const variant of input.variants) {
    validateTotals(variant, '', 2, (field, problem) => fail(variant.variant, field, problem));
  }
  validateCovariates(input.variants, fail);
  validateDaily(input.variants, fail);
}

type Fail = (variant: string | null, field: string, problem: string) => ExperimentInputError;
type FailField = (field: string, problem: string) => ExperimentInputError;

function validateSplit(input: ExperimentInput, names: Set<string>, fail: Fail): void {
  const split = input.plannedSplit as unknown;
  if (split === undefined) return;
  if (typeof split !== 'object' || split === null || Array.isArray(split)) {
    throw fail(null, 'plannedSplit', `must be an object of weights by variant, got ${show(split)}`);
  }
  const weights = split as Record<string, unknown>;
  for (const key of Object.keys(weights)) {
    if (!names.has(key)) throw fail(key, 'plannedSplit', 'is not a variant of the test');
  }
  for (const name of names) {
    const weight = weights[name];
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
      throw fail(name, `plannedSplit.${name}`, `must be a positive weight, got ${show(weight)}`);
    }
  }
}

function validateTotals(
  stats: SufficientStatistics,
  prefix: string,
  minUsers: number,
  fail: FailField,
): void {
  const { users, converters, revenueSum, revenueSumOfSquares } = stats;
  count(users, `${prefix}users`, fail);
  if (users < minUsers) {
    throw fail(
      `${prefix}users`,
      `must be at least ${minUsers} to estimate a variance, got ${users}`,
    );
  }
  count(converters, `${prefix}converters`, fail);
  if (converters > users) {
    throw fail(`${prefix}converters`, `(${converters}) must not exceed users (${users})`);
  }
  finite(revenueSum, `${prefix}revenueSum`, fail);
  sumOfSquares(revenueSumOfSquares, revenueSum, users, `${prefix}revenueSumOfSquares`, fail);
}

function validateCovariates(variants: readonly VariantStatistics[], fail: Fail): void {
  const withCovariate = variants.filter((v) => v.covariate !== undefined);
  if (withCovariate.length === 0) return;
  const missing = variants.find((v) => v.covariate === undefined);
  if (missing) {
    throw fail(
      missing.variant,
      'covariate',
      'is missing while other variants have one; give it to all or none',
    );
  }
  const withConverter = variants.filter((v) => v.covariate?.converterCrossSum !== undefined);
  for (const variant of variants) {
    const covariate = variant.covariate as unknown as CovariateStatistics | null;
    const failField: FailField = (field, problem) => fail(variant.variant, field, problem);
    if (typeof covariate !== 'object' || covariate === null) {
      throw failField('covariate', `must be an object of sums, got ${show(covariate)}`);
    }
    finite(covariate.sum, 'covariate.sum', failField);
    sumOfSquares(
      covariate.sumOfSquares,
      covariate.sum,
      variant.users,
      'covariate.sumOfSquares',
      failField,
    );
    finite(covariate.revenueCrossSum, 'covariate.revenueCrossSum', failField);
    if (withConverter.length > 0) {
      if (covariate.converterCrossSum === undefined) {
        throw failField(
          'covariate.converterCrossSum',
          'is missing while other variants have it; give it to all or none',
        );
      }
      finite(covariate.converterCrossSum, 'covariate.converterCrossSum', failField);
    }
  }
}

function validateDaily(variants: readonly VariantStatistics[], fail: Fail): void {
  const withDaily = variants.filter((v) => v.daily !== undefined);
  if (withDaily.length === 0) return;
  const first = variants[0] as VariantStatistics;
  for (const variant of variants) {
    const failField: FailField = (field, problem) => fail(variant.variant, field, problem);
    const series = variant.daily as unknown;
    if (!Array.isArray(series) || series.length === 0) {
      throw failField(
        'daily',
        `must be a non-empty series when another variant has one, got ${show(series)}`,
      );
    }
    const days = series as readonly DailyStatistics[];
    const reference = first.daily ?? [];
    if (days.length !== reference.length) {
      throw failField(
        'daily',
        `has ${days.length} days, variant "${first.variant}" has ${reference.length}`,
      );
    }
    let previous: DailyStatistics | null = null;
    for (const [index, point] of days.entries()) {
      const prefix = `daily[${index}].`;
      if (typeof point !== 'object' || (point as unknown) === null) {
        throw failField(`daily[${index}]`, `must be an object of sums, got ${show(point)}`);
      }
      if (typeof point.day !== 'string' || point.day.length === 0) {
        throw failField(`${prefix}day`, `must be a non-empty string, got ${show(point.day)}`);
      }
      if (point.day !== reference[index]?.day) {
        throw failField(
          `${prefix}day`,
          `is ${point.day}, variant "${first.variant}" has ${String(reference[index]?.day)}`,
        );
      }
      validateTotals(point, prefix, 0, failField);
      if (previous !== null) {
        if (point.day <= previous.day) {
          throw failField(`${prefix}day`, `(${point.day}) must come after ${previous.day}`);
        }
        for (const field of ['users', 'converters'] as const) {
          if (point[field] < previous[field]) {
            throw failField(
              `${prefix}${field}`,
              `(${point[field]}) is below the day before (${previous[field]}); the series must be cumulative`,
            );
          }
        }
      }
      previous = point;
    }
    const last = days[days.length - 1] as DailyStatistics;
    for (const field of ['users', 'converters'] as const) {
      if (last[field] !== variant[field]) {
        throw failField(
          `daily[${days.length - 1}].${field}`,
          `(${last[field]}) must equal the totals' ${field} (${variant[field]}); the series ends with the totals`,
        );
      }
    }
  }
}

function finite(value: unknown, field: string, fail: FailField): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw fail(field, `must be a finite number, got ${show(value)}`);
  }
}

function count(value: unknown, field: string, fail: FailField): void {
  finite(value, field, fail);
  const n = value as number;
  if (n < 0 || !Number.isInteger(n)) throw fail(field, `must be a whole number ≥ 0, got ${n}`);
}

function sumOfSquares(
  value: unknown,
  sum: number,
  n: number,
  field: string,
  fail: FailField,
): void {
  finite(value, field, fail);
  const squares = value as number;
  if (squares < 0) throw fail(field, `must not be negative, got ${squares}`);
  // Σy² ≥ (Σy)²/n for any real values; otherwise the sums do not come from the same users.
  if (squares * n < sum * sum * (1 - ROUNDING)) {
    throw fail(
      field,
      `(${squares}) is below (sum)²/users = ${(sum * sum) / n}: the sums cannot come from the same users`,
    );
  }
}

function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (value === undefined) return 'nothing';
  // JSON.stringify returns undefined for functions and symbols, whatever its declared type says.
  const json = JSON.stringify(value) as string | undefined;
  return json ?? typeof value;
}
