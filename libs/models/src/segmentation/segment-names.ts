/** What a segment's customers are like on average, in the features' own units. */
export interface SegmentProfile {
  readonly label: number;
  readonly size: number;
  readonly meanMonetary: number;
  readonly meanFrequency: number;
  readonly meanRecencyDays: number;
  readonly meanEngagement: number;
}

/**
 * Names segments from their profiles against the whole population's: a marketer reads
 * "High-Value Recent" where the model has cluster 2. Value and recency lead, as in RFM; a
 * segment that has hardly bought is named by how engaged it is. Segments that earn the same name
 * are told apart by what differs most between them ("High-Value Recent, Frequent" and
 * "High-Value Recent, Occasional").
 */
export function nameSegments(segments: readonly SegmentProfile[]): Map<number, string> {
  const total = segments.reduce((n, s) => n + s.size, 0) || 1;
  const mean = (pick: (s: SegmentProfile) => number) =>
    segments.reduce((sum, s) => sum + pick(s) * s.size, 0) / total;
  const overall = {
    monetary: mean((s) => s.meanMonetary) || 1,
    frequency: mean((s) => s.meanFrequency) || 1,
    recency: mean((s) => s.meanRecencyDays) || 1,
    engagement: mean((s) => s.meanEngagement) || 1,
  };
  const base = new Map<number, string>();
  for (const s of segments) {
    const value = s.meanMonetary / overall.monetary;
    const recency = s.meanRecencyDays / overall.recency;
    const frequency = s.meanFrequency / overall.frequency;
    const engagement = s.meanEngagement / overall.engagement;
    let name: string;
    if (s.meanFrequency < 0.5) name = engagement >= 1 ? 'Engaged Browsers' : 'Inactive Browsers';
    else if (value >= 1.5) name = recency <= 0.75 ? 'High-Value Recent' : 'High-Value At Risk';
    else if (frequency >= 1.2 && recency <= 1) name = 'Loyal Regulars';
    else if (recency >= 1.5) name = value >= 0.75 ? 'At Risk' : 'Hibernating';
    else if (recency <= 0.75) name = 'Promising Recent';
    else name = 'Needs Attention';
    base.set(s.label, name);
  }
  // Same name twice: told apart by what differs most between them, against the population.
  const names = new Map<number, string>();
  const byName = new Map<string, SegmentProfile[]>();
  for (const s of segments) {
    const name = base.get(s.label) ?? 'Segment';
    byName.set(name, [...(byName.get(name) ?? []), s]);
  }
  for (const [name, group] of byName) {
    if (group.length === 1) {
      names.set(group[0]?.label ?? 0, name);
      continue;
    }
    const spread = (pick: (s: SegmentProfile) => number, scale: number) => {
      const values = group.map(pick);
      return (Math.max(...values) - Math.min(...values)) / scale;
    };
    const q = QUALIFIERS.reduce((best, next) =>
      spread(next.pick, overall[next.key]) > spread(best.pick, overall[best.key]) ? next : best,
    );
    // Most first, least last; any between are ranked by number ("Frequent 2").
    [...group]
      .sort((x, y) => q.pick(y) - q.pick(x) || x.label - y.label)
      .forEach((s, i, all) => {
        const word = i === 0 ? q.most : i === all.length - 1 ? q.least : `${q.most} ${i + 1}`;
        names.set(s.label, `${name}, ${word}`);
      });
  }
  return names;
}

interface Qualifier {
  readonly key: 'monetary' | 'frequency' | 'recency' | 'engagement';
  readonly pick: (s: SegmentProfile) => number;
  /** Said of the segment with the most of it, and of the one with the least. */
  readonly most: string;
  readonly least: string;
}

const QUALIFIERS: readonly Qualifier[] = [
  { key: 'monetary', pick: (s) => s.meanMonetary, most: 'Top Spend', least: 'Lower Spend' },
  { key: 'frequency', pick: (s) => s.meanFrequency, most: 'Frequent', least: 'Occasional' },
  // More days since the last order is less recent.
  { key: 'recency', pick: (s) => -s.meanRecencyDays, most: 'Latest', least: 'Earlier' },
  { key: 'engagement', pick: (s) => s.meanEngagement, most: 'Engaged', least: 'Less Engaged' },
];
