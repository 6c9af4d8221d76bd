/** The reference data set (scale 1): the volumes the platform is specified for. */
export const REFERENCE_VOLUMES = {
  customers: 10_000,
  transactions: 50_000,
  lineItems: 150_000,
  campaigns: 100,
  campaignPerformance: 1_000,
  abTests: 50,
  sessions: 100_000,
  pageViews: 800_000,
  interactions: 600_000,
  productInteractions: 180_000,
  searches: 60_000,
} as const;

export type Volumes = { -readonly [K in keyof typeof REFERENCE_VOLUMES]: number };

export const MIN_SCALE = 0.01;
export const MAX_SCALE = 10;

/** The volumes at a scale, each at least what keeps the data consistent. */
export function volumesAt(scale: number): Volumes {
  if (!(scale >= MIN_SCALE && scale <= MAX_SCALE)) {
    throw new RangeError(`scale must be between ${MIN_SCALE} and ${MAX_SCALE}, got ${scale}`);
  }
  const at = (n: number, min = 1) => Math.max(min, Math.round(n * scale));
  const v: Volumes = {
    customers: at(REFERENCE_VOLUMES.customers, 10),
    transactions: at(REFERENCE_VOLUMES.transactions),
    lineItems: 0,
    campaigns: at(REFERENCE_VOLUMES.campaigns, 2),
    campaignPerformance: 0,
    abTests: at(REFERENCE_VOLUMES.abTests, 2),
    sessions: at(REFERENCE_VOLUMES.sessions, 10),
    pageViews: 0,
    interactions: 0,
    productInteractions: at(REFERENCE_VOLUMES.productInteractions, 0),
    searches: at(REFERENCE_VOLUMES.searches, 0),
  };
  v.lineItems = Math.max(v.transactions, at(REFERENCE_VOLUMES.lineItems));
  v.campaignPerformance = Math.max(v.campaigns, at(REFERENCE_VOLUMES.campaignPerformance));
  v.pageViews = Math.max(v.sessions, at(REFERENCE_VOLUMES.pageViews));
  v.interactions = at(REFERENCE_VOLUMES.interactions, 0);
  return v;
}
