import type { Metric } from './experiment-input';
import { type Interval, signOf } from './interval';

export type Decision = 'ship' | 'dont_ship' | 'keep_running' | 'broken_srm';

export interface Verdict {
  readonly decision: Decision;
  /** The treatment to ship when the decision is 'ship', else null. */
  readonly winner: string | null;
  /** Why, in one sentence. */
  readonly reason: string;
}

/** What the verdict reads of one treatment: its always-valid intervals and primary lift. */
export interface VerdictEvidence {
  readonly treatment: string;
  readonly primaryLift: number;
  readonly primaryInterval: Interval;
  readonly guardrailInterval: Interval;
}

export interface VerdictInput {
  readonly srmPValue: number;
  readonly srmAlpha: number;
  readonly primaryMetric: Metric;
  readonly evidence: readonly VerdictEvidence[];
}

/**
 * The decision, from evidence that stays valid however often the test is read:
 *
 * 1. broken_srm: the users per variant contradict the planned split (SRM p < srmAlpha); no
 *    other number of the test can be trusted.
 * 2. ship: some treatment's always-valid interval on the primary metric lies above 0 and its
 *    interval on the guardrail metric does not lie below 0; the winner is the one with the
 *    largest primary lift among them.
 * 3. dont_ship: every treatment is ruled out: significantly worse on the primary metric, or
 *    significantly worse on the guardrail (a significant negative result never ships).
 * 4. keep_running: otherwise; the evidence does not yet allow a decision.
 */
export function decide({ srmPValue, srmAlpha, primaryMetric, evidence }: VerdictInput): Verdict {
  const guardrail: Metric = primaryMetric === 'conversion' ? 'revenue' : 'conversion';
  if (srmPValue < srmAlpha) {
    return {
      decision: 'broken_srm',
      winner: null,
      reason: `users per variant contradict the planned split (SRM p = ${srmPValue.toPrecision(3)} < ${srmAlpha}); fix assignment or logging before reading any result`,
    };
  }
  const harmsGuardrail = (e: VerdictEvidence) => signOf(e.guardrailInterval) < 0;
  const ruledOut = (e: VerdictEvidence) => signOf(e.primaryInterval) < 0 || harmsGuardrail(e);
  const winners = evidence
    .filter((e) => signOf(e.primaryInterval) > 0 && !harmsGuardrail(e))
    .sort((a, b) => b.primaryLift - a.primaryLift);
  const best = winners[0];
  if (best !== undefined) {
    return {
      decision: 'ship',
      winner: best.treatment,
      reason: `${best.treatment} raises ${primaryMetric} (always-valid interval above 0) and does not lower ${guardrail}`,
    };
  }
  if (evidence.length > 0 && evidence.every(ruledOut)) {
    const why = evidence.map((e) =>
      signOf(e.primaryInterval) < 0
        ? `${e.treatment} lowers ${primaryMetric}`
        : `${e.treatment} lowers ${guardrail} (the guardrail)`,
    );
    return {
      decision: 'dont_ship',
      winner: null,
      reason: `no treatment can ship: ${why.join('; ')}`,
    };
  }
  return {
    decision: 'keep_running',
    winner: null,
    reason: `no treatment is yet significantly better or ruled out on ${primaryMetric}`,
  };
}
