import { fixtureArtifact, fixtureHoldout } from './fixtures/load-fixtures';
import { HdbscanModel } from './hdbscan-model';
import { compareWithHoldout, parseHoldout } from './holdout-agreement';

const model = HdbscanModel.fromArtifact(fixtureArtifact());
const holdout = parseHoldout(fixtureHoldout());

/** A held-out customer as a features object, in a shuffled key order, with an extra key. */
function asObject(point: readonly number[]): Record<string, number> {
  const entries = model.features.map((name, i) => [name, point[i] ?? NaN] as const);
  return Object.fromEntries([['churn_risk', 0.3], ...entries.reverse()]);
}

describe(HdbscanModel.name, () => {
  it("assigns every held-out customer approximate_predict's label and probability", () => {
    const agreement = compareWithHoldout(model, holdout);
    expect(agreement.customers).toBe(holdout.labels.length);
    expect(agreement.customers).toBeGreaterThan(100);
    expect(agreement.labelDisagreements).toEqual([]);
    expect(agreement.maxProbabilityDifference).toBeLessThanOrEqual(1e-9);
  });

  it('answers the same for a features object as for the vector', () => {
    for (const point of holdout.points) {
      expect(model.assign(asObject(point))).toEqual(model.assign(point));
    }
  });

  it('assigns many in order', () => {
    const some = holdout.points.slice(0, 20);
    expect(model.assignMany(some)).toEqual(some.map((point) => model.assign(point)));
    expect(model.assignMany([])).toEqual([]);
  });

  it('says which customer and which feature are unusable', () => {
    const [first = [], second = []] = holdout.points;
    const broken = { ...asObject(second), frequency: Number.NaN };
    expect(() => model.assignMany([first, broken])).toThrow(RangeError);
    expect(() => model.assignMany([first, broken])).toThrow(
      'customer 1: feature frequency: expected a finite number, got NaN',
    );
    const { recency_days: _missing, ...partial } = asObject(first);
    expect(() => model.assign(partial)).toThrow(
      /feature recency_days: expected a finite number, got nothing/,
    );
  });

  it('describes its features and clusters as training found them', () => {
    expect(model.features).toEqual([
      'monetary_value',
      'frequency',
      'recency_days',
      'avg_engagement_score',
      'bounce_rate',
      'session_intensity',
    ]);
    const sizes = model.clusters.map((c) => c.size);
    expect(sizes.reduce((a, b) => a + b, model.noiseSize)).toBe(model.trainingSize);
    expect(model.clusters.map((c) => c.label)).toEqual(sizes.map((_, i) => i));
    // The fixture's loyal segment: around 2,400 spent in 12 sales.
    const loyal = model.clusters.filter((c) => c.means.frequency > 10 && c.means.frequency < 15);
    expect(loyal).toHaveLength(1);
    expect(loyal[0]?.means.monetary_value).toBeCloseTo(2400, -2);
    // Its two runs of big spenders: a cluster of which the prediction reaches one run only.
    const pair = model.clusters.filter((c) => c.mappedSize < c.size);
    expect(pair.map((c) => [c.size, c.mappedSize])).toEqual([[32, 16]]);
    expect(model.minSamples).toBe(8);
    expect(model.minClusterSize).toBe(15);
  });
});
