import type { ExperimentSummary } from './analytics-reader';

/** A treatment's lift on one metric, as AnalyticsReader.experiments lists it. */
export interface LiftSummary {
  readonly treatment: string;
  readonly metric: string;
  readonly control: number;
  readonly value: number;
  readonly relativeLift: number | null;
  readonly intervalLower: number | null;
  readonly intervalUpper: number | null;
  readonly pValue: number;
  readonly chanceToBeatControl: number;
  /** The relative lift this test can detect at its size (80% power by default). */
  readonly mdeRelative: number | null;
}

export type ExperimentListing = ExperimentSummary & {
  readonly lifts: readonly LiftSummary[] | null;
};

const pct = (x: number | null) =>
  x === null ? '—' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const num = (x: number | null) => (x === null ? '−∞/+∞' : x.toFixed(4));

/**
 * The experiments of a batch run for a person: per test its primary metric's lift with the
 * always-valid interval the verdict reads, the verdict, and the lift that the data set planted
 * (generated data only), then how the verdicts compare with what was planted.
 */
export function formatExperimentReport(tests: readonly ExperimentListing[]): string {
  const header = [
    'test',
    'primary',
    'users',
    'lift',
    'always-valid interval',
    'p',
    'detectable',
    'verdict',
    'planted',
  ];
  const rows = tests.map((t) => {
    const lift = t.lifts?.find((l) => l.metric === t.primary_metric) ?? null;
    return [
      t.test_id,
      t.primary_metric,
      t.users.toLocaleString('en'),
      pct(lift?.relativeLift ?? null),
      lift ? `[${num(lift.intervalLower)}, ${num(lift.intervalUpper)}]` : '—',
      lift ? lift.pValue.toFixed(3) : '—',
      pct(lift?.mdeRelative ?? null),
      t.decision ?? 'not analysed',
      t.true_lift === null ? '—' : pct(t.true_lift),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const planted = tests.filter((t) => t.true_lift !== null && t.true_lift !== 0);
  const flat = tests.filter((t) => t.true_lift === 0);
  const shipped = (list: readonly ExperimentListing[]) =>
    list.filter((t) => t.decision === 'ship').length;
  const out = [line(header), ...rows.map(line)];
  const unanalysed = tests.filter((t) => t.decision === null);
  for (const t of unanalysed) out.push(`  ${t.test_id}: ${t.reason}`);
  if (planted.length + flat.length > 0) {
    out.push(
      `planted lift: ${planted.map((t) => t.test_id).join(', ') || 'none'}; shipped ${shipped(planted)} of ${planted.length}` +
        ` · no lift planted: shipped ${shipped(flat)} of ${flat.length}`,
    );
  }
  return out.join('\n');
}
