import reference from './fixtures/cluster-metrics.json';
import { adjustedRandIndex, daviesBouldinScore, silhouetteScore } from './cluster-metrics';
import { KmeansModel, trainKmeans } from './kmeans-model';
import { nameSegments, type SegmentProfile } from './segment-names';
import { SEGMENTATION_FEATURES, segmentationVector } from './segmentation-features';
import { fitScaler } from './standard-scaler';

describe('clustering metrics, against scikit-learn (ml/amato_ml/reference_metrics.py)', () => {
  it('standardizes as StandardScaler does', () => {
    const scaler = fitScaler(reference.points);
    reference.scaler.mean.forEach((m, j) => {
      expect(scaler.mean[j]).toBeCloseTo(m, 12);
    });
    reference.scaler.scale.forEach((s, j) => {
      expect(scaler.scale[j]).toBeCloseTo(s, 12);
    });
  });

  it('gives a constant column scale 1, so it maps to 0 rather than NaN', () => {
    expect(
      fitScaler([
        [1, 5],
        [2, 5],
        [3, 5],
      ]).scale[1],
    ).toBe(1);
  });

  it('computes the silhouette and Davies–Bouldin of the clustered points, noise left out', () => {
    expect(silhouetteScore(reference.points, reference.labels)).toBeCloseTo(
      reference.silhouette,
      9,
    );
    expect(daviesBouldinScore(reference.points, reference.labels)).toBeCloseTo(
      reference.davies_bouldin,
      9,
    );
  });

  it('computes the adjusted Rand index of renumbered, shuffled and merged labelings', () => {
    for (const { a, b, value } of reference.ari) {
      expect(adjustedRandIndex(a, b)).toBeCloseTo(value, 9);
    }
    expect(adjustedRandIndex([0, 0, 1], [5, 5, 7])).toBe(1);
    expect(() => adjustedRandIndex([0], [0, 1])).toThrow(/differ in length/);
  });

  it('refuses a silhouette of one cluster', () => {
    expect(() => silhouetteScore([[0], [1], [2]], [0, 0, 0])).toThrow(/needs 2 to n-1 clusters/);
  });
});

const profile = (label: number, over: Partial<SegmentProfile> = {}): SegmentProfile => ({
  label,
  size: 100,
  meanMonetary: 500,
  meanFrequency: 3,
  meanRecencyDays: 60,
  meanEngagement: 50,
  ...over,
});

describe('nameSegments', () => {
  it('names segments by value and recency against the population, browsers by engagement', () => {
    const names = nameSegments([
      profile(0, { meanMonetary: 2000, meanRecencyDays: 10 }),
      profile(1, { meanMonetary: 2000, meanRecencyDays: 200 }),
      profile(2, { meanFrequency: 6, meanRecencyDays: 20 }),
      profile(3, { meanMonetary: 100, meanRecencyDays: 300 }),
      profile(4, { meanFrequency: 0, meanMonetary: 0, meanEngagement: 80 }),
      profile(5, { meanFrequency: 0, meanMonetary: 0, meanEngagement: 5 }),
    ]);
    expect([...names.entries()]).toEqual([
      [0, 'High-Value Recent'],
      [1, 'High-Value At Risk'],
      [2, 'Loyal Regulars'],
      [3, 'Hibernating'],
      [4, 'Engaged Browsers'],
      [5, 'Inactive Browsers'],
    ]);
  });

  it('tells apart segments of the same name by what differs most between them', () => {
    const byValue = nameSegments([
      profile(0, { meanMonetary: 300 }),
      profile(1, { meanMonetary: 350 }),
    ]);
    expect(byValue.get(1)).toBe('Needs Attention, Top Spend');
    expect(byValue.get(0)).toBe('Needs Attention, Lower Spend');
    const byRecency = nameSegments([
      profile(0, { meanMonetary: 2000, meanRecencyDays: 5, meanFrequency: 3.1 }),
      profile(1, { meanMonetary: 2100, meanRecencyDays: 30, meanFrequency: 3 }),
      profile(2, { meanMonetary: 50, meanRecencyDays: 80 }),
      profile(3, { meanMonetary: 10 }),
    ]);
    expect(byRecency.get(0)).toBe('High-Value Recent, Latest');
    expect(byRecency.get(1)).toBe('High-Value Recent, Earlier');
    const three = nameSegments([0, 1, 2].map((l) => profile(l, { meanFrequency: 3 + l * 0.2 })));
    expect([...three.values()].sort()).toEqual([
      'Needs Attention, Frequent',
      'Needs Attention, Frequent 2',
      'Needs Attention, Occasional',
    ]);
  });
});

/** Customers in three well-separated groups over the 36 features. */
function blobs(perGroup: number): number[][] {
  let state = 7;
  const noise = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648 - 0.5;
  };
  const monetary = SEGMENTATION_FEATURES.indexOf('monetary_value');
  const recency = SEGMENTATION_FEATURES.indexOf('recency_days');
  const frequency = SEGMENTATION_FEATURES.indexOf('frequency');
  const groups = [
    { monetary: 3000, recency: 10, frequency: 8 },
    { monetary: 300, recency: 300, frequency: 1 },
    { monetary: 800, recency: 60, frequency: 3 },
  ];
  return groups.flatMap((g, gi) =>
    Array.from({ length: perGroup }, () =>
      SEGMENTATION_FEATURES.map((_, j) => {
        if (j === monetary) return g.monetary * (1 + 0.05 * noise());
        if (j === recency) return g.recency * (1 + 0.05 * noise());
        if (j === frequency) return g.frequency;
        return gi * 10 + noise();
      }),
    ),
  );
}

describe('trainKmeans and KmeansModel', () => {
  const rows = blobs(40);
  const trained = trainKmeans(SEGMENTATION_FEATURES, rows, {
    ks: [2, 3, 4, 5],
    seed: 3,
    refits: 2,
  });

  it('keeps the k with the best silhouette, which finds the three groups, and is stable', () => {
    expect(trained.report.k).toBe(3);
    expect(trained.report.selection.map((s) => s.k)).toEqual([2, 3, 4, 5]);
    const truth = rows.map((_, i) => Math.floor(i / 40));
    expect(adjustedRandIndex(trained.labels, truth)).toBe(1);
    expect(trained.report.stability.seeds.every((ari) => ari === 1)).toBe(true);
    expect(trained.report.stability.bootstrap.every((ari) => ari === 1)).toBe(true);
    expect(trained.report.silhouette).toBeGreaterThan(0.8);
    expect(trained.report.sizes.map((s) => s.size).sort()).toEqual([40, 40, 40]);
  });

  it('names the groups from their profiles', () => {
    const byName = new Map(trained.artifact.segments.map((s) => [s.name, s]));
    expect(byName.get('High-Value Recent')?.meanMonetary).toBeCloseTo(3000, -2);
    expect([...byName.keys()]).toContain('Hibernating');
  });

  it('is reproducible: the same rows and seed give the same artifact', () => {
    const again = trainKmeans(SEGMENTATION_FEATURES, rows, {
      ks: [2, 3, 4, 5],
      seed: 3,
      refits: 2,
    });
    expect(again.artifact).toEqual(trained.artifact);
  });

  it('assigns each training row to its own segment once stored and loaded', () => {
    const model = KmeansModel.fromArtifact(
      JSON.parse(JSON.stringify(trained.artifact)),
      SEGMENTATION_FEATURES,
    );
    rows.forEach((row, i) => {
      expect(model.assign(row).segment).toBe(trained.labels[i]);
    });
    const first = model.assign(rows[0] as number[]);
    expect(first.confidence).toBeGreaterThan(0.9);
    expect(first.name).toBe(model.segments[first.segment]?.name);
  });

  it('puts a point halfway between two centroids at confidence about 1/2', () => {
    const model = KmeansModel.fromArtifact({
      format: 'amato.kmeans.v1',
      features: ['monetary_value', 'frequency', 'recency_days', 'avg_engagement_score'],
      scaler: { mean: [0, 0, 0, 0], scale: [1, 1, 1, 1] },
      centroids: [
        [0, 0, 0, 0],
        [2, 0, 0, 0],
      ],
      segments: [0, 1].map((label) => ({
        label,
        name: `S${label}`,
        size: 1,
        meanMonetary: 0,
        meanFrequency: 0,
        meanRecencyDays: 0,
        meanEngagement: 0,
      })),
    });
    expect(model.assign([1, 0, 0, 0]).confidence).toBeCloseTo(0.5, 12);
    expect(model.assign([0, 0, 0, 0])).toMatchObject({ segment: 0, confidence: 1 });
    expect(() => model.assign([1, 2])).toThrow(/expected 4 features, got 2/);
  });

  it('refuses artifacts it cannot serve, naming the field', () => {
    const good = JSON.parse(JSON.stringify(trained.artifact)) as Record<string, unknown>;
    const broken = (change: Record<string, unknown>) => () =>
      KmeansModel.fromArtifact({ ...good, ...change }, SEGMENTATION_FEATURES);
    expect(broken({ format: 'other' })).toThrow(
      /model kmeans: field format: expected "amato.kmeans.v1"/,
    );
    expect(broken({ centroids: [[1, 2]] })).toThrow(/field centroids: expected at least 2/);
    expect(broken({ centroids: [[1], [2], [3]] })).toThrow(
      /field centroids\[0\]: expected 36 finite numbers/,
    );
    expect(broken({ features: [...SEGMENTATION_FEATURES].reverse() })).toThrow(
      /field features: the artifact reads .* in another order or set/,
    );
    expect(broken({ segments: [] })).toThrow(/field segments: expected one segment per centroid/);
    expect(() => KmeansModel.fromArtifact('{"truncated')).toThrow(/not a JSON object/);
  });
});

describe('segmentationVector', () => {
  it('orders the features and refuses a missing or non-finite one, naming it', () => {
    expect(segmentationVector({ b: 2, a: 1 }, ['a', 'b'])).toEqual([1, 2]);
    expect(() => segmentationVector({ a: 1 }, ['a', 'b'])).toThrow(
      /feature b: expected a finite number, got nothing/,
    );
    expect(() => segmentationVector({ a: Number.NaN }, ['a'])).toThrow(/feature a/);
    expect(SEGMENTATION_FEATURES).toHaveLength(36);
  });
});
