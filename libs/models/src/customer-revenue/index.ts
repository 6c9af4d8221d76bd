export {
  type CustomerRevenueFeaturizer,
  type CustomerRevenueInput,
  type OnlineFeatureValues,
  CustomerRevenueInputError,
  ONLINE_FEATURES,
  createCustomerRevenueFeaturizer,
  isOnlineFeature,
} from './customer-revenue-features';
export {
  type CustomerRevenueMetadata,
  CUSTOMER_REVENUE_FORMAT,
  CUSTOMER_REVENUE_METADATA_FILE,
  CUSTOMER_REVENUE_MODEL,
  parseCustomerRevenueMetadata,
} from './customer-revenue-metadata';
export { CustomerRevenueModel } from './customer-revenue-model';
