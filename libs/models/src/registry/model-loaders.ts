import { CampaignOutcomeModel } from '../campaign/campaign-outcome';
import { CampaignResponse } from '../campaign/campaign-response';
import { CustomerRevenueModel } from '../customer-revenue';
import { RevenueForecast } from '../forecast/revenue-forecast';
import { HdbscanModel } from '../hdbscan';
import { JourneyModel } from '../journey';
import { ModelArtifactError } from '../model-artifact-error';
import { KmeansModel } from '../segmentation/kmeans-model';
import { SEGMENTATION_FEATURES } from '../segmentation/segmentation-features';
import { hdbscanSegmenter, kmeansSegmenter } from '../segmentation/segmenter';
import type { ModelVersion } from './model-registry';
import type { ModelLoader } from './serving-models';

/** The models AMATO trains and serves, by their registry names. */
export const MODEL_NAMES = [
  'kmeans',
  'hdbscan',
  'journey',
  'revenue_forecast',
  'campaign_response',
  'campaign_outcome',
  'customer_revenue',
] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

function json(version: ModelVersion): unknown {
  try {
    return JSON.parse(version.artifact.toString('utf8'));
  } catch (err) {
    throw new ModelArtifactError(
      version.name,
      `the artifact (${version.artifact.length} bytes) is not valid JSON: ${(err as Error).message}`,
    );
  }
}

/**
 * How serving turns each model's stored version into a model (a Segmenter for the segmentation
 * models, a JourneyModel for the journey, the campaign models with their ONNX graph or curves),
 * checking it against what
 * serving feeds it: the segmentation models must read the 36 features in serving's order, the
 * journey model's metadata (in the version's metadata, `model`) must match its ONNX input.
 */
export const MODEL_LOADERS: { readonly [N in ModelName]: ModelLoader } = {
  kmeans: (version) =>
    kmeansSegmenter(KmeansModel.fromArtifact(json(version), SEGMENTATION_FEATURES)),
  hdbscan: (version) => {
    const model = HdbscanModel.fromArtifact(json(version));
    const expected = SEGMENTATION_FEATURES;
    if (
      model.features.length !== expected.length ||
      model.features.some((f, i) => f !== expected[i])
    ) {
      throw new ModelArtifactError(
        'hdbscan',
        `field features: the artifact does not read the ${expected.length} segmentation features in serving's order`,
      );
    }
    return hdbscanSegmenter(model);
  },
  journey: (version) => JourneyModel.load(new Uint8Array(version.artifact), version.metadata.model),
  revenue_forecast: (version) => RevenueForecast.fromArtifact(json(version)),
  campaign_response: (version) => CampaignResponse.fromArtifact(json(version)),
  campaign_outcome: (version) =>
    CampaignOutcomeModel.load(new Uint8Array(version.artifact), version.metadata.model),
  customer_revenue: (version) =>
    CustomerRevenueModel.load(new Uint8Array(version.artifact), version.metadata.model),
};
