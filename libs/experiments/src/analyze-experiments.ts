import { type AnalysisOptions, type ResolvedOptions, resolveOptions } from './analysis-options';
import { type SequentialLook, sequentialAnalysis } from './always-valid-interval';
import { betaBinomialComparison } from './beta-binomial';
import { cupedComparison } from './cuped';
import type { Metric, ExperimentInput, VariantStatistics } from './experiment-input';
import type {
  Comparison,
  ExperimentAnalysis,
  FixedHorizonTest,
  MetricComparison,
  MinimumDetectableEffect,
  VariantSummary,
} from './experiment-analysis';
import { adjustPValues } from './multiple-testing';
import { normalPosteriorComparison } from './normal-posterior';
import { minimumDetectableEffect } from './power';
import { relativeLift } from './relative-lift';
import { sampleRatioMismatch } from './sample-ratio-mismatch';
import { summarize, varianceOfMean } from './sample-summary';
import { twoProportionZTest } from './two-proportion-z-test';
import { validateExperiment } from './validate-experiment';
import { decide } from './verdict';
import { welchTTest } from './welch-t-test';

/**
 * Analyses tests together: each on its own, then the fixed-horizon p-values adjusted (Holm and
 * Benjamini–Hochberg) across every treatment-versus-control comparison of every test given,
 * one family per metric. Throws an ExperimentInputError before any work if an input is invalid.
 */
export function analyzeExperiments(
  inputs: readonly ExperimentInput[],
  options?: AnalysisOptions,
): ExperimentAnalysis[] {
  const resolved = resolveOptions(options);
  inputs.forEach(validateExperiment);
  const drafts = inputs.map((input) => analyze(input, resolved));
  const adjusted = (metric: Metric) => {
    const pValues = drafts.flatMap((d) => d.comparisons.map((c) => c[metric].test.pValue));
    return { holm: adjustPValues(pValues, 'holm'), bh: adjustPValues(pValues, 'bh') };
  };
  const family = { conversion: adjusted('conversion'), revenue: adjusted('revenue') };
  let next = 0;
  return drafts.map((draft) => ({
    ...draft,
    comparisons: draft.comparisons.map((comparison): Comparison => {
      const index = next++;
      const withAdjusted = (metric: Metric): MetricComparison => ({
        ...comparison[metric],
        test: {
          ...comparison[metric].test,
          adjustedPValue: {
            holm: family[metric].holm[index] ?? 1,
            bh: family[metric].bh[index] ?? 1,
          },
        },
      });
      return {
        treatment: comparison.treatment,
        conversion: withAdjusted('conversion'),
        revenue: withAdjusted('revenue'),
      };
    }),
  }));
}

/** One test on its own; its p-values are adjusted across its own comparisons only. */
export function analyzeExperiment(
  input: ExperimentInput,
  options?: AnalysisOptions,
): ExperimentAnalysis {
  return analyzeExperiments([input], options)[0] as ExperimentAnalysis;
}

type DraftMetric = Omit<MetricComparison, 'test'> & {
  readonly test: Omit<FixedHorizonTest, 'adjustedPValue'>;
};
interface DraftComparison {
  readonly treatment: string;
  readonly conversion: DraftMetric;
  readonly revenue: DraftMetric;
}
type Draft = Omit<ExperimentAnalysis, 'comparisons'> & {
  readonly comparisons: readonly DraftComparison[];
};

function analyze(input: ExperimentInput, options: ResolvedOptions): Draft {
  const primaryMetric = input.primaryMetric ?? 'conversion';
  const guardrail: Metric = primaryMetric === 'conversion' ? 'revenue' : 'conversion';
  const control = input.variants.find((v) => v.variant === input.control) as VariantStatistics;
  const treatments = input.variants.filter((v) => v.variant !== input.control);
  const weights = input.variants.map((v) => input.plannedSplit?.[v.variant] ?? 1);
  const srm = sampleRatioMismatch(
    input.variants.map((v) => v.users),
    weights,
  );
  // Each treatment's interval is one of several read together: Bonferroni keeps the chance
  // that any of them misleads the verdict at alpha.
  const sequentialAlpha = options.alpha / treatments.length;
  const comparisons = treatments.map((treatment): DraftComparison => {
    const looks = looksOf(control, treatment);
    const context = { input, control, treatment, looks, options, sequentialAlpha };
    return {
      treatment: treatment.variant,
      conversion: compareConversion(context),
      revenue: compareRevenue(context),
    };
  });
  const verdict = decide({
    srmPValue: srm.pValue,
    srmAlpha: options.srmAlpha,
    primaryMetric,
    evidence: comparisons.map((c) => ({
      treatment: c.treatment,
      primaryLift: c[primaryMetric].absoluteLift,
      primaryInterval: c[primaryMetric].sequential.interval,
      guardrailInterval: c[guardrail].sequential.interval,
    })),
  });
  return {
    testId: input.testId,
    control: input.control,
    primaryMetric,
    alpha: options.alpha,
    variants: summarizeVariants(input.variants, weights),
    srm,
    comparisons,
    verdict,
  };
}

interface ComparisonContext {
  readonly input: ExperimentInput;
  readonly control: VariantStatistics;
  readonly treatment: VariantStatistics;
  readonly looks: readonly SequentialLook[];
  readonly options: ResolvedOptions;
  readonly sequentialAlpha: number;
}

function compareConversion(context: ComparisonContext): DraftMetric {
  const { input, control, treatment, looks, options, sequentialAlpha } = context;
  const z = twoProportionZTest(control, treatment, options.alpha);
  const rateVariance = (p: number, n: number) => (p * (1 - p)) / n;
  const relative = relativeLift(
    { mean: z.control, variance: rateVariance(z.control, control.users) },
    { mean: z.treatment, variance: rateVariance(z.treatment, treatment.users) },
    options.alpha,
  );
  return {
    metric: 'conversion',
    control: z.control,
    treatment: z.treatment,
    absoluteLift: z.absoluteLift,
    absoluteInterval: z.absoluteInterval,
    relativeLift: relative.lift,
    relativeInterval: relative.interval,
    test: { name: 'two_proportion_z', statistic: z.statistic, df: null, pValue: z.pValue },
    bayesian: { method: 'beta_binomial', ...betaBinomialComparison(control, treatment) },
    cuped: cupedComparison(input.variants, control, treatment, 'conversion', options.alpha),
    sequential: sequentialAnalysis(looks, 'conversion', sequentialAlpha, options.msprtTau),
    mde: conversionMde(context, z.control),
  };
}

function compareRevenue(context: ComparisonContext): DraftMetric {
  const { input, control, treatment, looks, options, sequentialAlpha } = context;
  const c = summarize(control, 'revenue');
  const t = summarize(treatment, 'revenue');
  const welch = welchTTest(c, t, options.alpha);
  const relative = relativeLift(
    { mean: c.mean, variance: varianceOfMean(c) },
    { mean: t.mean, variance: varianceOfMean(t) },
    options.alpha,
  );
  return {
    metric: 'revenue',
    control: c.mean,
    treatment: t.mean,
    absoluteLift: welch.absoluteLift,
    absoluteInterval: welch.absoluteInterval,
    relativeLift: relative.lift,
    relativeInterval: relative.interval,
    test: { name: 'welch_t', statistic: welch.statistic, df: welch.df, pValue: welch.pValue },
    bayesian: { method: 'normal_approximation', ...normalPosteriorComparison(c, t) },
    cuped: cupedComparison(input.variants, control, treatment, 'revenue', options.alpha),
    sequential: sequentialAnalysis(looks, 'revenue', sequentialAlpha, options.msprtTau),
    mde: revenueMde(context, c.mean, Math.sqrt(c.variance)),
  };
}

function standardizedMde({ control, treatment, options }: ComparisonContext): number {
  return minimumDetectableEffect(control.users, treatment.users, options.alpha, options.power);
}

/**
 * The conversion MDE through Cohen's h = 2·asin(√p_t) − 2·asin(√p_c): the arcsine makes the
 * variance of a rate independent of the rate, so the power calculation stays right when the
 * treatment's rate (and with it its variance) differs from the control's.
 */
function conversionMde(context: ComparisonContext, rate: number): MinimumDetectableEffect {
  const effectSize = standardizedMde(context);
  const angle = Math.min(Math.PI / 2, Math.asin(Math.sqrt(rate)) + effectSize / 2);
  const absolute = Math.sin(angle) ** 2 - rate;
  return { effectSize, absolute, relative: rate > 0 ? absolute / rate : null };
}

/** The revenue MDE in currency: the standardized effect times control's per-user sd. */
function revenueMde(context: ComparisonContext, mean: number, sd: number): MinimumDetectableEffect {
  const effectSize = standardizedMde(context);
  const absolute = effectSize * sd;
  return { effectSize, absolute, relative: mean !== 0 ? absolute / mean : null };
}

/** The daily series as looks, or the totals as the only one. */
function looksOf(control: VariantStatistics, treatment: VariantStatistics): SequentialLook[] {
  if (control.daily === undefined || treatment.daily === undefined) {
    return [{ label: 'total', control, treatment }];
  }
  const treatmentDaily = treatment.daily;
  return control.daily.map((point, i) => ({
    label: point.day,
    control: point,
    // Validation guarantees the same days in every variant.
    treatment: treatmentDaily[i] ?? point,
  }));
}

function summarizeVariants(
  variants: readonly VariantStatistics[],
  weights: readonly number[],
): VariantSummary[] {
  const users = variants.reduce((a, v) => a + v.users, 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  return variants.map((v, i) => {
    const revenue = summarize(v, 'revenue');
    return {
      variant: v.variant,
      users: v.users,
      observedShare: v.users / users,
      plannedShare: (weights[i] ?? 0) / weightSum,
      conversionRate: v.converters / v.users,
      revenueMean: revenue.mean,
      revenueSd: Math.sqrt(revenue.variance),
    };
  });
}
