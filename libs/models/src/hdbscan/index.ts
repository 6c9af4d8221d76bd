export type { Assignment as HdbscanAssignment } from './approximate-predict';
export type { FeatureInput as HdbscanInput } from './feature-vector';
export {
  ARTIFACT_FORMAT as HDBSCAN_ARTIFACT_FORMAT,
  type ClusterSummary as HdbscanCluster,
  SUMMARY_FEATURES as HDBSCAN_SUMMARY_FEATURES,
  type SummaryFeature as HdbscanSummaryFeature,
} from './hdbscan-artifact';
export { HdbscanModel } from './hdbscan-model';
export {
  type Agreement as HdbscanAgreement,
  compareWithHoldout as compareHdbscanHoldout,
  HOLDOUT_FORMAT as HDBSCAN_HOLDOUT_FORMAT,
  type Holdout as HdbscanHoldout,
  parseHoldout as parseHdbscanHoldout,
} from './holdout-agreement';
