export {
  type JourneyFeatureInput,
  type JourneyFeaturizer,
  type PageType,
  NUMERIC_FEATURES,
  OTHER_PAGE_TYPE_FEATURE,
  PAGE_TYPE_FEATURE_PREFIX,
  createJourneyFeaturizer,
  journeyFeatureNames,
  journeyFeatures,
} from './journey-features';
export {
  type JourneyMetadata,
  JOURNEY_FORMAT,
  JOURNEY_MODEL,
  parseJourneyMetadata,
} from './journey-metadata';
export { type JourneyScoringState, JourneyModel, PURCHASED_PROBABILITY } from './journey-model';
