import { type Static, type TSchema, Type as T } from '@sinclair/typebox';
import { RFM_SEGMENTS } from '@amato/batch';

/** The paging every list takes: at most 1,000 rows a page. */
const paging = {
  limit: T.Integer({
    minimum: 1,
    maximum: 1000,
    default: 100,
    expected: 'a whole number from 1 to 1000',
  }),
  offset: T.Integer({
    minimum: 0,
    maximum: 10_000_000,
    default: 0,
    expected: 'a whole number from 0',
  }),
};
const strict = { additionalProperties: false };

export const PageQuerySchema = T.Object(paging, strict);
export const DataQualityQuerySchema = T.Object(
  {
    ...paging,
    severity: T.Optional(
      T.Union([T.Literal('error'), T.Literal('warning')], { expected: 'error or warning' }),
    ),
    failing: T.Optional(T.Boolean({ expected: 'true or false' })),
  },
  strict,
);
export const RfmCustomersQuerySchema = T.Object(
  {
    ...paging,
    segment: T.Optional(
      T.Union(
        RFM_SEGMENTS.map((s) => T.Literal(s)),
        { expected: `one of ${RFM_SEGMENTS.join(', ')}` },
      ),
    ),
  },
  strict,
);
export const CampaignsQuerySchema = T.Object(
  {
    ...paging,
    channel: T.Optional(
      T.String({ pattern: '^[a-z_]{1,20}$', expected: 'a channel name such as email' }),
    ),
    tier: T.Optional(
      T.Union(
        ['Top', 'Above Average', 'Below Average', 'Bottom', 'Loss', 'No Spend'].map((t) =>
          T.Literal(t),
        ),
        { expected: 'Top, Above Average, Below Average, Bottom, Loss or No Spend' },
      ),
    ),
  },
  strict,
);
export const TransitionsQuerySchema = T.Object(
  {
    from_page: T.Optional(
      T.String({ pattern: '^[A-Za-z_]{1,30}$', expected: 'a page type such as product, or ENTRY' }),
    ),
  },
  strict,
);
export const ExperimentsQuerySchema = T.Object(
  {
    ...paging,
    decision: T.Optional(
      T.Union(
        ['ship', 'dont_ship', 'keep_running', 'broken_srm'].map((d) => T.Literal(d)),
        { expected: 'ship, dont_ship, keep_running or broken_srm' },
      ),
    ),
  },
  strict,
);
export const EmptyQuerySchema = T.Object({}, strict);

export type PageQuery = Static<typeof PageQuerySchema>;
export type DataQualityQuery = Static<typeof DataQualityQuerySchema>;
export type RfmCustomersQuery = Static<typeof RfmCustomersQuerySchema>;
export type CampaignsQuery = Static<typeof CampaignsQuerySchema>;
export type TransitionsQuery = Static<typeof TransitionsQuerySchema>;
export type ExperimentsQuery = Static<typeof ExperimentsQuerySchema>;

const Num = T.Number();
const NullableNum = T.Union([T.Number(), T.Null()]);
const Str = T.String();

/** A page of rows: the rows, the total matching, and the page asked for. */
export function PagedSchema<S extends TSchema>(item: S) {
  return T.Object({
    items: T.Array(item),
    total: T.Integer(),
    limit: T.Integer(),
    offset: T.Integer(),
  });
}

export const DataQualityCheck = T.Object({
  check_name: Str,
  table_name: Str,
  severity: T.Union([T.Literal('error'), T.Literal('warning')]),
  description: Str,
  failing_rows: Num,
  checked_rows: Num,
  examples: T.Union([Str, T.Null()], { description: 'up to five keys of failing rows' }),
});
export const RfmSegment = T.Object({
  rfm_segment: Str,
  customers: T.Integer(),
  share: Num,
  mean_recency_days: NullableNum,
  mean_frequency: Num,
  mean_monetary: Num,
  total_monetary: Num,
});
export const RfmCustomer = T.Object({
  customer_id: Str,
  recency_days: T.Union([T.Integer(), T.Null()]),
  frequency: T.Integer(),
  monetary: Num,
  r_score: T.Union([T.Integer(), T.Null()]),
  f_score: T.Union([T.Integer(), T.Null()]),
  m_score: T.Union([T.Integer(), T.Null()]),
  rfm_segment: Str,
  avg_order_value: NullableNum,
  lifetime_value: Num,
  purchase_velocity: NullableNum,
  projected_annual_value: NullableNum,
  tenure_days: T.Integer(),
});
/** The ratios of 03_campaign_performance.sql, per campaign and per channel (null without a denominator). */
const SPEND_RATIOS = {
  ctr: NullableNum,
  conversion_rate: NullableNum,
  cpc: NullableNum,
  cpa: NullableNum,
  roas: NullableNum,
  roi: NullableNum,
};

export const CampaignPerformance = T.Object({
  campaign_id: Str,
  campaign_name: Str,
  channel: Str,
  campaign_type: Str,
  start_date: Str,
  end_date: Str,
  budget: Num,
  impressions: Num,
  clicks: Num,
  conversions: Num,
  spend: Num,
  revenue: Num,
  ...SPEND_RATIOS,
  budget_used: NullableNum,
  sessions: Num,
  converted_sessions: Num,
  session_conversion_rate: NullableNum,
  customers_reached: Num,
  session_orders: Num,
  session_order_revenue: Num,
  performance_tier: Str,
});
export const ChannelEfficiency = T.Object({
  channel: Str,
  campaigns: T.Integer(),
  spend: Num,
  revenue: Num,
  ...SPEND_RATIOS,
  spend_share: NullableNum,
  revenue_share: NullableNum,
  roas_rank: T.Integer(),
  sessions: Num,
  session_orders: Num,
  session_order_revenue: Num,
});
export const PageTransition = T.Object({
  from_page: Str,
  to_page: Str,
  transitions: Num,
  probability: Num,
});
export const TopPath = T.Object({
  path: Str,
  sessions: Num,
  conversion_rate: Num,
  mean_duration_seconds: Num,
  mean_depth: Num,
});
export const DepthConversion = T.Object({
  depth: T.Integer(),
  sessions: Num,
  converted_sessions: Num,
  conversion_rate: Num,
});
export const BatchRunSchema = T.Object({
  runId: Str,
  asOf: Str,
  startedAt: Str,
  finishedAt: Str,
  status: T.Union([T.Literal('succeeded'), T.Literal('failed')]),
  steps: T.Array(
    T.Object({
      step: Str,
      file: Str,
      seconds: Num,
      statements: T.Integer(),
      tables: T.Record(T.String(), T.Integer()),
    }),
  ),
  error: T.Union([Str, T.Null()]),
});

const Lift = T.Object({
  treatment: Str,
  metric: T.Union([T.Literal('conversion'), T.Literal('revenue')]),
  control: Num,
  value: Num,
  relativeLift: NullableNum,
  relativeLower: T.Union([T.Number(), T.Null()], {
    description: "the relative lift's confidence interval (delta method), at the configured level",
  }),
  relativeUpper: NullableNum,
  intervalLower: T.Union([T.Number(), T.Null()], {
    description: 'the always-valid interval of the absolute lift; null: not bounded yet',
  }),
  intervalUpper: NullableNum,
  pValue: T.Number({ description: 'fixed-horizon p-value (z-test or Welch)' }),
  chanceToBeatControl: Num,
  mdeRelative: T.Union([T.Number(), T.Null()], {
    description: 'the relative lift detectable at the test’s size with the configured power',
  }),
});
const experimentFields = {
  test_id: Str,
  test_name: Str,
  metric: Str,
  primary_metric: T.Union([T.Literal('conversion'), T.Literal('revenue')]),
  true_lift: T.Union([T.Number(), T.Null()], {
    description: 'the lift a simulation planted (generated data), null for real tests',
  }),
  start_date: Str,
  end_date: Str,
  observed_until: Str,
  users: T.Integer(),
  srm_p_value: NullableNum,
  decision: T.Union(
    [
      T.Literal('ship'),
      T.Literal('dont_ship'),
      T.Literal('keep_running'),
      T.Literal('broken_srm'),
      T.Null(),
    ],
    { description: 'null: the test could not be analysed yet (reason says why)' },
  ),
  winner: T.Union([Str, T.Null()]),
  reason: Str,
};
export const ExperimentListItem = T.Object({
  ...experimentFields,
  lifts: T.Union([T.Array(Lift), T.Null()]),
});
export const ExperimentDetail = T.Object({
  ...experimentFields,
  analysis: T.Union([T.Object({}, { additionalProperties: true }), T.Null()], {
    description:
      'the whole analysis of libs/experiments: variants, SRM, per treatment and metric the lifts, intervals, tests, Bayesian, CUPED, sequential and MDE',
  }),
});
