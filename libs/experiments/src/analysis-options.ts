import { ExperimentInputError } from './experiment-input-error';

/** The knobs of an analysis; each has a default. */
export interface AnalysisOptions {
  /** Two-sided significance level of every interval and test. Default 0.05. */
  readonly alpha?: number;
  /** Power at which the minimum detectable effect is reported. Default 0.8. */
  readonly power?: number;
  /**
   * Level of the sample-ratio-mismatch check. Default 0.001: a mismatch invalidates every other
   * number, so it must be clear, and the check runs on every test at every look.
   */
  readonly srmAlpha?: number;
  /**
   * The mixing standard deviation of the sequential test, in per-user standard deviations of the
   * metric (a standardized effect size). Default 0.05; see the README on choosing it.
   */
  readonly msprtTau?: number;
}

export type ResolvedOptions = Required<AnalysisOptions>;

export const DEFAULT_OPTIONS: ResolvedOptions = {
  alpha: 0.05,
  power: 0.8,
  srmAlpha: 0.001,
  msprtTau: 0.05,
};

/** The options with their defaults, each checked to be usable. */
export function resolveOptions(options: AnalysisOptions = {}): ResolvedOptions {
  const resolved = { ...DEFAULT_OPTIONS, ...options };
  for (const key of ['alpha', 'power', 'srmAlpha'] as const) {
    const value = resolved[key];
    if (!(Number.isFinite(value) && value > 0 && value < 1)) {
      throw optionError(key, `must be a number strictly between 0 and 1, got ${String(value)}`);
    }
  }
  if (!(Number.isFinite(resolved.msprtTau) && resolved.msprtTau > 0)) {
    throw optionError('msprtTau', `must be a positive number, got ${String(resolved.msprtTau)}`);
  }
  return resolved;
}

function optionError(key: keyof AnalysisOptions, problem: string): ExperimentInputError {
  return new ExperimentInputError(
    { testId: null, variant: null, field: `options.${key}` },
    problem,
  );
}
