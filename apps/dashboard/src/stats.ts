/** The pure arithmetic of the dashboard's views, kept apart from the DOM so it can be tested. */

/** Messages per second of each topic between two looks at its end offsets (null on the first). */
export function messageRates(
  previous: { readonly at: number; readonly ends: ReadonlyMap<string, number> } | undefined,
  now: { readonly at: number; readonly ends: ReadonlyMap<string, number> },
): Map<string, number | null> {
  const rates = new Map<string, number | null>();
  const seconds = previous ? (now.at - previous.at) / 1000 : 0;
  for (const [topic, end] of now.ends) {
    const before = previous?.ends.get(topic);
    // A topic deleted and created again starts from 0: no rate across that.
    rates.set(
      topic,
      before === undefined || seconds <= 0 || end < before ? null : (end - before) / seconds,
    );
  }
  return rates;
}

/** Counts of values in `bins` equal bins over [0, 1]; 1 falls in the last. */
export function histogram(values: readonly number[], bins: number): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be ≥ 1, got ${bins}`);
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v) || v < 0 || v > 1) continue;
    const i = Math.min(bins - 1, Math.floor(v * bins));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

/** The labels of those bins, as percentages: "0–10%", …, "90–100%". */
export function histogramLabels(bins: number): string[] {
  return Array.from({ length: bins }, (_, i) => {
    const lo = Math.round((100 * i) / bins);
    const hi = Math.round((100 * (i + 1)) / bins);
    return `${lo}–${hi}%`;
  });
}

/**
 * Each customer's current segment from segment predictions as they arrive, in any order: the
 * one with the later `features_updated_at` wins, as the stream's contract says.
 */
export class SegmentTally {
  private readonly current = new Map<string, { segment: string; version: string }>();

  add(p: {
    readonly customer_id: string;
    readonly segment_type: string;
    readonly features_updated_at: string;
  }): void {
    const before = this.current.get(p.customer_id);
    if (before && before.version > p.features_updated_at) return;
    this.current.set(p.customer_id, { segment: p.segment_type, version: p.features_updated_at });
  }

  /** Customers per segment, largest first. */
  counts(): [string, number][] {
    const counts = new Map<string, number>();
    for (const { segment } of this.current.values()) {
      counts.set(segment, (counts.get(segment) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  }

  get customers(): number {
    return this.current.size;
  }
}

/** A series that keeps its last `max` points: a chart's window over time. */
export class Window<T> {
  private readonly points: T[] = [];

  constructor(private readonly max: number) {}

  push(point: T): void {
    this.points.push(point);
    if (this.points.length > this.max) this.points.shift();
  }

  get values(): readonly T[] {
    return this.points;
  }
}

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const money = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A number for a table cell: thousands separated, at most two decimals, "—" for none. */
export function formatNumber(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : number.format(v);
}

export function formatMoney(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : money.format(v);
}

export function formatPercent(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v)
    ? '—'
    : `${(v * 100).toFixed(digits)}%`;
}
