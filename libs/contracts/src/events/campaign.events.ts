import { type Static, Type as T } from '@sinclair/typebox';
import {
  CampaignId,
  Count,
  CustomerId,
  DateOnly,
  DateTime,
  Money,
  Nullable,
  OneOf,
  Ratio,
  TestId,
  Text,
} from '../fields';

export const MARKETING_CHANNELS = [
  'email',
  'social',
  'search',
  'display',
  'affiliate',
  'video',
] as const;
export const CAMPAIGN_TYPES = [
  'acquisition',
  'retention',
  'reactivation',
  'seasonal',
  'brand',
] as const;
export const CAMPAIGN_STATUSES = ['draft', 'active', 'paused', 'completed'] as const;
export const AB_TEST_STATUSES = ['running', 'completed', 'stopped'] as const;
export const AB_TEST_METRICS = [
  'conversion_rate',
  'revenue_per_visitor',
  'click_through_rate',
] as const;
export const VARIANTS = ['control', 'treatment'] as const;

export const CampaignPayload = T.Object(
  {
    campaign_id: CampaignId,
    campaign_name: Text(200),
    channel: OneOf(MARKETING_CHANNELS),
    campaign_type: OneOf(CAMPAIGN_TYPES),
    start_date: DateOnly,
    end_date: DateOnly,
    budget: Money,
    target_segment: Nullable(Text(100)),
    status: OneOf(CAMPAIGN_STATUSES),
  },
  { additionalProperties: false },
);
export type CampaignPayload = Static<typeof CampaignPayload>;

/** One campaign's results for one day; ratios (CTR, ROAS, ...) are derived by the stores. */
export const CampaignPerformancePayload = T.Object(
  {
    campaign_id: CampaignId,
    performance_date: DateOnly,
    impressions: Count,
    clicks: Count,
    conversions: Count,
    spend: Money,
    revenue: Money,
  },
  { additionalProperties: false },
);
export type CampaignPerformancePayload = Static<typeof CampaignPerformancePayload>;

export const AbTestPayload = T.Object(
  {
    test_id: TestId,
    test_name: Text(200),
    campaign_id: Nullable(CampaignId),
    hypothesis: Text(1000),
    metric: OneOf(AB_TEST_METRICS),
    start_date: DateOnly,
    end_date: DateOnly,
    status: OneOf(AB_TEST_STATUSES),
    traffic_split: Ratio,
    /** The relative lift planted by a simulation (null for real tests): lets significance testing be checked. */
    true_lift: Nullable(T.Number({ minimum: -1, maximum: 10 })),
  },
  { additionalProperties: false },
);
export type AbTestPayload = Static<typeof AbTestPayload>;

/**
 * That a customer was shown a variant of an A/B test: the first time they were seen during the
 * test. Experiments are analysed from these joined with what the customers did afterwards.
 */
export const AbTestExposurePayload = T.Object(
  {
    test_id: TestId,
    customer_id: CustomerId,
    variant: OneOf(VARIANTS),
    exposed_at: DateTime,
  },
  { additionalProperties: false },
);
export type AbTestExposurePayload = Static<typeof AbTestExposurePayload>;

/** One variant's totals of an A/B test over a period. */
export const AbTestResultPayload = T.Object(
  {
    test_id: TestId,
    variant: OneOf(VARIANTS),
    participants: Count,
    conversions: Count,
    revenue: Money,
    period_start: DateOnly,
    period_end: DateOnly,
  },
  { additionalProperties: false },
);
export type AbTestResultPayload = Static<typeof AbTestResultPayload>;
