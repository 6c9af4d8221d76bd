import type { HdbscanModel } from '../hdbscan';
import type { KmeansModel } from './kmeans-model';
import { nameSegments } from './segment-names';

/** A segment as the API describes it beside an assignment. */
export interface SegmentCharacteristics {
  readonly segment: number;
  readonly segment_type: string;
  readonly customer_count: number;
  readonly avg_monetary_value: number | null;
  readonly avg_frequency: number | null;
  readonly avg_recency_days: number | null;
  readonly avg_engagement_score: number | null;
}

export interface SegmentResult {
  readonly segment: number;
  readonly segmentType: string;
  /** k-means: the nearest centroid's share of inverse squared distances; HDBSCAN: membership strength (0 for noise). */
  readonly confidence: number;
}

/** What serving asks of a segmentation model, k-means and HDBSCAN alike. */
export interface Segmenter {
  readonly modelType: 'kmeans' | 'hdbscan';
  readonly features: readonly string[];
  readonly segments: readonly SegmentCharacteristics[];
  assign(vector: readonly number[]): SegmentResult;
}

export function kmeansSegmenter(model: KmeansModel): Segmenter {
  const segments = model.segments.map((s): SegmentCharacteristics => ({
    segment: s.label,
    segment_type: s.name,
    customer_count: s.size,
    avg_monetary_value: s.meanMonetary,
    avg_frequency: s.meanFrequency,
    avg_recency_days: s.meanRecencyDays,
    avg_engagement_score: s.meanEngagement,
  }));
  return {
    modelType: 'kmeans',
    features: model.features,
    segments,
    assign(vector) {
      const a = model.assign(vector);
      return { segment: a.segment, segmentType: a.name, confidence: a.confidence };
    },
  };
}

/** The label of HDBSCAN's noise, and how it is named. */
export const NOISE = { segment: -1, name: 'Unsegmented (noise)' } as const;

/** HDBSCAN's clusters named from their profiles, the same way k-means segments are. */
export function hdbscanSegmentNames(model: HdbscanModel): Map<number, string> {
  return nameSegments(
    model.clusters.map((c) => ({
      label: c.label,
      size: c.size,
      meanMonetary: c.means.monetary_value,
      meanFrequency: c.means.frequency,
      meanRecencyDays: c.means.recency_days,
      meanEngagement: c.means.avg_engagement_score,
    })),
  );
}

export function hdbscanSegmenter(model: HdbscanModel): Segmenter {
  const names = hdbscanSegmentNames(model);
  const segments: SegmentCharacteristics[] = [
    ...model.clusters.map((c) => ({
      segment: c.label,
      segment_type: names.get(c.label) ?? `Cluster ${c.label}`,
      customer_count: c.size,
      avg_monetary_value: c.means.monetary_value,
      avg_frequency: c.means.frequency,
      avg_recency_days: c.means.recency_days,
      avg_engagement_score: c.means.avg_engagement_score,
    })),
    {
      segment: NOISE.segment,
      segment_type: NOISE.name,
      customer_count: model.noiseSize,
      avg_monetary_value: null,
      avg_frequency: null,
      avg_recency_days: null,
      avg_engagement_score: null,
    },
  ];
  const nameOf = new Map(segments.map((s) => [s.segment, s.segment_type]));
  return {
    modelType: 'hdbscan',
    features: model.features,
    segments,
    assign(vector) {
      const a = model.assign(vector);
      return {
        segment: a.label,
        segmentType: nameOf.get(a.label) ?? NOISE.name,
        confidence: a.probability,
      };
    },
  };
}
