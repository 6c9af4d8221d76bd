import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AmatoEvent } from '@amato/contracts';
import { deriveFeatures } from '@amato/features';
import {
  JourneyModel,
  KmeansModel,
  type ModelRegistry,
  SEGMENTATION_FEATURES,
  segmentationVector,
  trainKmeans,
} from '@amato/models';
import { oracleAggregates } from './feature-oracle';

const JOURNEY_FIXTURES = resolve(__dirname, '../../models/src/journey/fixtures');

/**
 * The models the processor scores with, registered and active in `registry`: a k-means of
 * `k` segments on the events' customers (their features as of `end`), and the committed journey
 * fixture. Returns the k-means as served and the fixture's bytes and metadata.
 */
export async function activateStreamModels(
  registry: ModelRegistry,
  events: readonly AmatoEvent[],
  end: Date,
  { k, seed }: { k: number; seed: number },
): Promise<{ kmeans: KmeansModel; journeyOnnx: Buffer; journeyMetadata: unknown }> {
  const vectors = [...oracleAggregates(events).values()].map((a) =>
    segmentationVector(deriveFeatures(a, end.getTime()).features),
  );
  const { artifact } = trainKmeans(SEGMENTATION_FEATURES, vectors, { ks: [k], seed, refits: 1 });
  const kmeans = KmeansModel.fromArtifact(artifact, SEGMENTATION_FEATURES);
  const km = await registry.register({
    name: 'kmeans',
    format: artifact.format,
    artifact: Buffer.from(JSON.stringify(artifact)),
    metadata: { features: artifact.features },
  });
  await registry.activate('kmeans', km.version, () => kmeans);
  const journeyOnnx = readFileSync(`${JOURNEY_FIXTURES}/journey.onnx`);
  const journeyMetadata = JSON.parse(
    readFileSync(`${JOURNEY_FIXTURES}/journey.json`, 'utf8'),
  ) as unknown;
  const j = await registry.register({
    name: 'journey',
    format: 'amato.journey.v1',
    artifact: journeyOnnx,
    metadata: { model: journeyMetadata },
  });
  await registry.activate('journey', j.version, (v) =>
    JourneyModel.load(new Uint8Array(v.artifact), v.metadata.model),
  );
  return { kmeans, journeyOnnx, journeyMetadata };
}
