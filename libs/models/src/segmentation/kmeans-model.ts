import { kmeans } from 'ml-kmeans';
import { ModelArtifactError } from '../model-artifact-error';
import { seededRandom as random } from '../random';
import { adjustedRandIndex, daviesBouldinScore, silhouetteScore } from './cluster-metrics';
import { nameSegments, type SegmentProfile } from './segment-names';
import { profileColumns } from './segmentation-features';
import { fitScaler, scaleInto, scaleRows, type StandardScaler } from './standard-scaler';

export const KMEANS_FORMAT = 'amato.kmeans.v1';

/** A segment as the artifact keeps it: its profile and the name read off it. */
export interface Segment extends SegmentProfile {
  readonly name: string;
}

/** What `./amato train` stores for k-means and the serving side reads back. */
export interface KmeansArtifact {
  readonly format: typeof KMEANS_FORMAT;
  readonly features: readonly string[];
  readonly scaler: StandardScaler;
  /** In scaled units, one per segment, label = index. */
  readonly centroids: readonly (readonly number[])[];
  readonly segments: readonly Segment[];
}

export interface KmeansTrainingOptions {
  /** The k tried; the one with the best silhouette is kept. Default 4, 5 and 6: around 5. */
  readonly ks?: readonly number[];
  readonly seed?: number;
  /** Points the silhouette is computed on (it is O(n²)); a seeded sample of the rows. */
  readonly sample?: number;
  /** Refits for the stability check (bootstrap samples and other seeds). Default 3 each. */
  readonly refits?: number;
}

export interface KmeansReport {
  readonly k: number;
  readonly selection: readonly { readonly k: number; readonly silhouette: number }[];
  readonly silhouette: number;
  readonly daviesBouldin: number;
  readonly sizes: readonly {
    readonly label: number;
    readonly name: string;
    readonly size: number;
  }[];
  /** Adjusted Rand index of the fit against refits, each labelling every training row. */
  readonly stability: {
    readonly seeds: readonly number[];
    readonly bootstrap: readonly number[];
  };
  readonly trainedOn: number;
}

function sampleIndices(n: number, size: number, seed: number): number[] {
  const next = random(seed);
  const all = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [all[i], all[j]] = [all[j] as number, all[i] as number];
  }
  return all.slice(0, Math.min(size, n));
}

function nearest(centroids: readonly (readonly number[])[], row: ArrayLike<number>) {
  let best = -1;
  let bestD = Number.POSITIVE_INFINITY;
  for (let c = 0; c < centroids.length; c++) {
    const centre = centroids[c] as readonly number[];
    let d = 0;
    for (let j = 0; j < centre.length; j++) {
      const x = (row[j] ?? 0) - (centre[j] ?? 0);
      d += x * x;
    }
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

const fit = (rows: number[][], k: number, seed: number) =>
  kmeans(rows, k, { seed, initialization: 'kmeans++', maxIterations: 300 }).centroids;

/**
 * Trains k-means on the rows of the segmentation vector (in `features` order): standardizes
 * them, fits every k of `ks` with k-means++ from the seed, keeps the k whose clustering has the
 * best silhouette on a seeded sample, names the segments from their profiles, and reports the
 * quality and the stability of the choice. The same rows and seed give the same artifact.
 */
export function trainKmeans(
  features: readonly string[],
  rows: readonly (readonly number[])[],
  options: KmeansTrainingOptions = {},
): { artifact: KmeansArtifact; report: KmeansReport; labels: number[] } {
  const ks = options.ks ?? [4, 5, 6];
  const seed = options.seed ?? 42;
  const refits = options.refits ?? 3;
  if (rows.length < Math.max(...ks) * 2) {
    throw new RangeError(
      `k-means needs at least ${Math.max(...ks) * 2} customers, got ${rows.length}`,
    );
  }
  const scaler = fitScaler(rows);
  const scaled = scaleRows(scaler, rows);
  const sample = sampleIndices(scaled.length, options.sample ?? 2000, seed);
  const sampled = sample.map((i) => scaled[i] as number[]);
  const labelsOf = (centroids: readonly (readonly number[])[], of: readonly number[][]) =>
    of.map((row) => nearest(centroids, row));

  const candidates = ks.map((k) => {
    const centroids = fit(scaled, k, seed);
    const sampleLabels = labelsOf(centroids, sampled);
    const distinct = new Set(sampleLabels).size;
    const silhouette = distinct >= 2 ? silhouetteScore(sampled, sampleLabels) : -1;
    return { k, centroids, silhouette };
  });
  const best = candidates.reduce((a, b) =>
    b.silhouette > a.silhouette + 1e-12 ||
    (Math.abs(b.silhouette - a.silhouette) <= 1e-12 && Math.abs(b.k - 5) < Math.abs(a.k - 5))
      ? b
      : a,
  );
  const labels = labelsOf(best.centroids, scaled);
  const at = profileColumns(features);
  const profiles: SegmentProfile[] = best.centroids.map((_, label) => {
    const members = rows.filter((_, i) => labels[i] === label);
    const mean = (column: number) =>
      members.reduce((s, r) => s + (r[column] ?? 0), 0) / Math.max(1, members.length);
    return {
      label,
      size: members.length,
      meanMonetary: mean(at.monetary),
      meanFrequency: mean(at.frequency),
      meanRecencyDays: mean(at.recency),
      meanEngagement: mean(at.engagement),
    };
  });
  const names = nameSegments(profiles);
  const segments = profiles.map((p) => ({
    ...p,
    name: names.get(p.label) ?? `Segment ${p.label}`,
  }));
  const artifact: KmeansArtifact = {
    format: KMEANS_FORMAT,
    features: [...features],
    scaler,
    centroids: best.centroids,
    segments,
  };

  const seeds = Array.from({ length: refits }, (_, i) =>
    adjustedRandIndex(labels, labelsOf(fit(scaled, best.k, seed + 1 + i), scaled)),
  );
  const bootstrap = Array.from({ length: refits }, (_, i) => {
    const next = random(seed + 1000 + i);
    const drawn = scaled.map(() => scaled[Math.floor(next() * scaled.length)] as number[]);
    return adjustedRandIndex(labels, labelsOf(fit(drawn, best.k, seed), scaled));
  });
  const sampleLabels = labelsOf(best.centroids, sampled);
  const report: KmeansReport = {
    k: best.k,
    selection: candidates.map((c) => ({ k: c.k, silhouette: c.silhouette })),
    silhouette: best.silhouette,
    daviesBouldin:
      new Set(sampleLabels).size >= 2 ? daviesBouldinScore(sampled, sampleLabels) : Number.NaN,
    sizes: segments.map((s) => ({ label: s.label, name: s.name, size: s.size })),
    stability: { seeds, bootstrap },
    trainedOn: rows.length,
  };
  return { artifact, report, labels };
}

/** The segment of one customer and how clearly it belongs there. */
export interface SegmentAssignment {
  readonly segment: number;
  readonly name: string;
  /**
   * The share of the nearest centroid in the inverse squared distances to all centroids: 1 on
   * a centroid, 1/k halfway between all of them.
   */
  readonly confidence: number;
}

/** A k-means artifact ready to assign customers; built only from an artifact that validates. */
export class KmeansModel {
  private readonly scratch: Float64Array;

  private constructor(readonly artifact: KmeansArtifact) {
    this.scratch = new Float64Array(artifact.features.length);
  }

  get features(): readonly string[] {
    return this.artifact.features;
  }

  get segments(): readonly Segment[] {
    return this.artifact.segments;
  }

  /** Validates an artifact (parsed JSON) and throws ModelArtifactError naming what is wrong. */
  static fromArtifact(json: unknown, expectedFeatures?: readonly string[]): KmeansModel {
    const fail = (problem: string) => new ModelArtifactError('kmeans', problem);
    if (typeof json !== 'object' || json === null) throw fail('the artifact is not a JSON object');
    const a = json as Record<string, unknown>;
    if (a.format !== KMEANS_FORMAT) {
      throw fail(`field format: expected "${KMEANS_FORMAT}", got ${JSON.stringify(a.format)}`);
    }
    const features = a.features;
    if (
      !Array.isArray(features) ||
      features.length === 0 ||
      !features.every((f) => typeof f === 'string')
    ) {
      throw fail('field features: expected a non-empty list of feature names');
    }
    const width = features.length;
    if (
      expectedFeatures &&
      (width !== expectedFeatures.length || features.some((f, i) => f !== expectedFeatures[i]))
    ) {
      throw fail(
        `field features: the artifact reads [${features.slice(0, 3).join(', ')}, …] (${width}), serving provides [${expectedFeatures.slice(0, 3).join(', ')}, …] (${expectedFeatures.length}) in another order or set`,
      );
    }
    const numbers = (value: unknown, field: string, length: number): number[] => {
      if (
        !Array.isArray(value) ||
        value.length !== length ||
        !value.every((x) => typeof x === 'number' && Number.isFinite(x))
      ) {
        throw fail(`field ${field}: expected ${length} finite numbers`);
      }
      return value as number[];
    };
    const scaler = (a.scaler ?? {}) as Record<string, unknown>;
    const mean = numbers(scaler.mean, 'scaler.mean', width);
    const scale = numbers(scaler.scale, 'scaler.scale', width);
    if (scale.some((s) => s <= 0)) throw fail('field scaler.scale: every scale must be positive');
    if (!Array.isArray(a.centroids) || a.centroids.length < 2) {
      throw fail('field centroids: expected at least 2 centroids');
    }
    const centroids = a.centroids.map((c, i) => numbers(c, `centroids[${i}]`, width));
    if (!Array.isArray(a.segments) || a.segments.length !== centroids.length) {
      throw fail(`field segments: expected one segment per centroid (${centroids.length})`);
    }
    const segments = a.segments.map((s: unknown, i): Segment => {
      const seg = (s ?? {}) as Record<string, unknown>;
      if (seg.label !== i || typeof seg.name !== 'string' || typeof seg.size !== 'number') {
        throw fail(`field segments[${i}]: expected label ${i}, a name and a size`);
      }
      for (const key of [
        'meanMonetary',
        'meanFrequency',
        'meanRecencyDays',
        'meanEngagement',
      ] as const) {
        if (typeof seg[key] !== 'number' || !Number.isFinite(seg[key])) {
          throw fail(`field segments[${i}].${key}: expected a finite number`);
        }
      }
      return seg as unknown as Segment;
    });
    return new KmeansModel({
      format: KMEANS_FORMAT,
      features: features,
      scaler: { mean, scale },
      centroids,
      segments,
    });
  }

  /** The segment of a vector in `features` order. */
  assign(vector: readonly number[]): SegmentAssignment {
    if (vector.length !== this.features.length) {
      throw new RangeError(`expected ${this.features.length} features, got ${vector.length}`);
    }
    const x = scaleInto(this.artifact.scaler, vector, this.scratch);
    let best = 0;
    let bestD = Number.POSITIVE_INFINITY;
    let inverse = 0;
    let onCentroid = false;
    for (let c = 0; c < this.artifact.centroids.length; c++) {
      const centre = this.artifact.centroids[c] as readonly number[];
      let d = 0;
      for (let j = 0; j < x.length; j++) {
        const diff = (x[j] ?? 0) - (centre[j] ?? 0);
        d += diff * diff;
      }
      if (d < bestD) {
        bestD = d;
        best = c;
      }
      if (d === 0) onCentroid = true;
      else inverse += 1 / d;
    }
    const confidence = onCentroid ? 1 : 1 / bestD / inverse;
    const segment = this.artifact.segments[best] as Segment;
    return { segment: best, name: segment.name, confidence };
  }
}
