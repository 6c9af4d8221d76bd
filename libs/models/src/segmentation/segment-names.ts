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
 * segment that has hardly bought is named by how engaged it is. Two segments that earn the
 * same name are told apart by a rank in order of value ("Loyal Regulars", "Loyal Regulars 2").
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
  // Same name twice: rank them by value, the most valuable keeps the plain name.
  const names = new Map<number, string>();
  const byName = new Map<string, SegmentProfile[]>();
  for (const s of segments) {
    const name = base.get(s.label) ?? 'Segment';
    byName.set(name, [...(byName.get(name) ?? []), s]);
  }
  for (const [name, group] of byName) {
    [...group]
      .sort((a, b) => b.meanMonetary - a.meanMonetary || a.label - b.label)
      .forEach((s, i) => names.set(s.label, i === 0 ? name : `${name} ${i + 1}`));
  }
  return names;
}
