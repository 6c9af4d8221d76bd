import { ModelArtifactError } from '../model-artifact-error';
import { fixtureArtifact } from './fixtures/load-fixtures';
import { HdbscanModel } from './hdbscan-model';

type Json = Record<string, unknown>;

/** The fixture artifact, and the value at `path` in it, to edit in place. */
function fixtureAt(path: readonly string[]): { artifact: Json; target: unknown } {
  const artifact = fixtureArtifact();
  let target: unknown = artifact;
  for (const key of path) target = (target as Json)[key];
  return { artifact, target };
}

function objectWith(path: readonly string[], edit: (target: Json) => void): Json {
  const { artifact, target } = fixtureAt(path);
  edit(target as Json);
  return artifact;
}

function arrayWith(path: readonly string[], edit: (target: unknown[]) => void): Json {
  const { artifact, target } = fixtureAt(path);
  edit(target as unknown[]);
  return artifact;
}

/** The message of the ModelArtifactError loading `json` throws; fails the test if it loads. */
function problemOf(json: unknown): string {
  try {
    HdbscanModel.fromArtifact(json);
  } catch (error) {
    if (error instanceof ModelArtifactError) return error.message;
    throw error;
  }
  throw new Error('the artifact was accepted');
}

/** Training points of the fixture, so the expected messages follow a regenerated fixture. */
const ROWS = ((fixtureArtifact().points as Json).rows as number) || NaN;
const NOISE = ((fixtureArtifact().noise as Json).size as number) || NaN;

const tree = (artifact: Json) => artifact.condensed_tree as Record<string, number[]>;

/** The first row of the condensed tree that is a cluster (child_size > 1). */
function firstClusterRow(artifact: Json): number {
  return tree(artifact).child_size?.findIndex((size) => size > 1) ?? -1;
}

describe('HdbscanModel.fromArtifact validation', () => {
  it('accepts the fixture', () => {
    expect(HdbscanModel.fromArtifact(fixtureArtifact()).features).toHaveLength(6);
  });

  it('refuses what is not an artifact of this format', () => {
    expect(problemOf(null)).toBe('model hdbscan: field (root): expected an object, got null');
    expect(problemOf([1, 2])).toMatch(/field \(root\): expected an object, got an array of 2/);
    expect(problemOf(objectWith([], (a) => (a.format = 'amato.hdbscan.v2')))).toBe(
      'model hdbscan: field format: expected "amato.hdbscan.v1", got the string "amato.hdbscan.v2"',
    );
    expect(problemOf(objectWith([], (a) => delete a.format))).toMatch(
      /field format: .*got nothing/,
    );
  });

  it('names the first missing field of a truncated artifact', () => {
    const artifact = fixtureArtifact();
    const kept = Object.fromEntries(Object.entries(artifact).slice(0, 5));
    expect(Object.keys(kept)).not.toContain('points');
    expect(problemOf(kept)).toBe('model hdbscan: field points: expected an object, got nothing');
  });

  it('refuses arrays of the wrong length, saying what they should match', () => {
    expect(problemOf(objectWith([], (a) => (a.core_distances as unknown[]).pop()))).toBe(
      `model hdbscan: field core_distances: expected ${ROWS} numbers (one per training point), got ${ROWS - 1}`,
    );
    expect(problemOf(arrayWith(['points', 'values'], (v) => v.splice(0, 6)))).toBe(
      `model hdbscan: field points.values: expected ${ROWS * 6} numbers (${ROWS} rows × 6 features), got ${ROWS * 6 - 6}`,
    );
    expect(problemOf(arrayWith(['scaler', 'mean'], (m) => m.push(0)))).toMatch(
      /field scaler\.mean: expected 6 numbers \(one per feature\), got 7/,
    );
    expect(problemOf(arrayWith(['condensed_tree', 'lambda_val'], (l) => l.pop()))).toMatch(
      /field condensed_tree\.lambda_val: expected \d+ entries \(one per row, as condensed_tree\.parent\)/,
    );
  });

  it('refuses corrupt values, naming the entry', () => {
    expect(problemOf(arrayWith(['points', 'values'], (v) => (v[7] = '1.5')))).toBe(
      'model hdbscan: field points.values[7]: expected a finite number, got the string "1.5"',
    );
    expect(problemOf(arrayWith(['points', 'values'], (v) => (v[8] = null)))).toMatch(
      /field points\.values\[8\]: expected a finite number, got null/,
    );
    expect(problemOf(arrayWith(['scaler', 'scale'], (s) => (s[2] = 0)))).toMatch(
      /field scaler\.scale\[2\]: expected a positive number, got 0/,
    );
    expect(problemOf(arrayWith(['core_distances'], (d) => (d[3] = -1)))).toMatch(
      /field core_distances\[3\]: expected ≥ 0, got -1/,
    );
    expect(problemOf(arrayWith(['condensed_tree', 'lambda_val'], (l) => (l[0] = 'inf')))).toMatch(
      /field condensed_tree\.lambda_val\[0\]: expected a number ≥ 0 or "Infinity"/,
    );
    expect(problemOf(arrayWith(['features'], (f) => (f[1] = f[0])))).toMatch(
      /field features: monetary_value appears twice/,
    );
  });

  it('refuses hyperparameters it cannot serve', () => {
    expect(problemOf(objectWith(['hyperparameters'], (h) => (h.metric = 'manhattan')))).toMatch(
      /field hyperparameters\.metric: only euclidean is served, got manhattan/,
    );
    expect(problemOf(objectWith(['hyperparameters'], (h) => (h.min_samples = 0)))).toMatch(
      /field hyperparameters\.min_samples: expected an integer of at least 1, got 0/,
    );
    const tooMany = Math.floor(ROWS / 2) + 1;
    expect(problemOf(objectWith(['hyperparameters'], (h) => (h.min_samples = tooMany)))).toBe(
      `model hdbscan: field points.rows: ${ROWS} training points are fewer than the 2 × min_samples = ${2 * tooMany} neighbours a prediction reads`,
    );
  });

  it('refuses a condensed tree that is not a tree of these points', () => {
    const looped = objectWith([], (a) => {
      const row = firstClusterRow(a);
      const columns = tree(a);
      if (columns.parent && columns.child) columns.parent[row] = columns.child[row] ?? 0;
    });
    expect(problemOf(looped)).toMatch(
      /field condensed_tree\.parent\[\d+\]: cluster \d+ must have a parent with a smaller id/,
    );

    const twice = arrayWith(['condensed_tree', 'child'], (child) => {
      const first = child.findIndex((c) => c === 0);
      const second = child.findIndex((c) => c === 1);
      child[second] = child[first];
    });
    expect(problemOf(twice)).toMatch(
      /field condensed_tree\.child\[\d+\]: training point 0 has a second row/,
    );

    const resized = objectWith([], (a) => {
      const sizes = tree(a).child_size;
      const row = firstClusterRow(a);
      if (sizes) sizes[row] = (sizes[row] ?? 0) + 1;
    });
    expect(problemOf(resized)).toMatch(
      /field condensed_tree\.child_size: cluster node \d+ holds \d+ points, its rows add up to \d+/,
    );

    const early = objectWith([], (a) => {
      const columns = tree(a);
      const row =
        columns.child_size?.findIndex((size, r) => size === 1 && columns.parent?.[r] !== ROWS) ??
        -1;
      if (columns.lambda_val) columns.lambda_val[row] = 0;
    });
    expect(problemOf(early)).toMatch(
      /field condensed_tree\.lambda_val\[\d+\]: 0 is below the birth lambda/,
    );
  });

  it('refuses clusters that disagree with the tree', () => {
    expect(problemOf(objectWith(['clusters', '0'], (c) => (c.max_lambda = 1)))).toMatch(
      /field clusters\[0\]\.max_lambda: 1 is not the largest lambda of node \d+'s rows/,
    );
    expect(problemOf(objectWith(['clusters', '1'], (c) => (c.mapped_size = 1)))).toMatch(
      /field clusters\[1\]\.mapped_size: 1, but the condensed tree puts \d+ training points under node \d+/,
    );
    expect(problemOf(objectWith(['clusters', '1'], (c) => (c.size = 1)))).toMatch(
      /field clusters\[1\]\.mapped_size: \d+ exceeds size 1/,
    );
    expect(problemOf(objectWith(['clusters', '1'], (c) => (c.label = 2)))).toMatch(
      /field clusters\[1\]\.label: expected 1, got 2/,
    );
    expect(problemOf(objectWith(['noise'], (n) => (n.size = 0)))).toBe(
      `model hdbscan: field noise.size: 0 plus the cluster sizes make ${ROWS - NOISE}, not the ${ROWS} training points`,
    );
    expect(problemOf(objectWith(['clusters', '2', 'means'], (m) => delete m.recency_days))).toMatch(
      /field clusters\[2\]\.means\.recency_days: expected a finite number, got nothing/,
    );
  });

  it('refuses a selected cluster inside another', () => {
    const artifact = fixtureArtifact();
    const columns = tree(artifact);
    const clusters = artifact.clusters as Json[];
    // A child cluster of some selected node (the fixture has one with children).
    const row = columns.parent?.findIndex(
      (parent, r) => (columns.child_size?.[r] ?? 0) > 1 && clusters.some((c) => c.node === parent),
    );
    expect(row).toBeGreaterThanOrEqual(0);
    const last = clusters[clusters.length - 1] ?? {};
    last.node = columns.child?.[row ?? 0];
    expect(problemOf(artifact)).toMatch(
      /field clusters\[\d\]\.node: \d+ lies inside cluster \d: selected clusters cannot nest/,
    );
  });

  it('refuses core distances of another fit', () => {
    const shuffled = arrayWith(['core_distances'], (d) => d.reverse());
    expect(problemOf(shuffled)).toMatch(/field core_distances\[0\]: .* are not of one fit/);
  });
});
