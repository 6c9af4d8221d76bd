import type { CAMPAIGN_TYPES, MARKETING_CHANNELS } from '@amato/contracts';

/**
 * How the generated campaigns really respond to spend: a campaign day's expected revenue is
 * `ceiling × (1 − e^(−spend / scale))` in its channel, times the factor of its audience segment
 * and of its campaign type, times the campaign's own hidden quality. Spend past `scale` earns
 * less and less, so a larger budget is not always better and the channels saturate at different
 * points. The truth that fitted response curves and the campaign outcome model are checked
 * against; nothing outside the generator reads it in production.
 */
export const CHANNEL_RESPONSE: Readonly<
  Record<(typeof MARKETING_CHANNELS)[number], { readonly ceiling: number; readonly scale: number }>
> = {
  email: { ceiling: 1_500, scale: 300 },
  social: { ceiling: 3_500, scale: 1_500 },
  search: { ceiling: 6_000, scale: 2_000 },
  display: { ceiling: 2_000, scale: 2_500 },
  affiliate: { ceiling: 3_000, scale: 1_000 },
  video: { ceiling: 4_000, scale: 3_000 },
};

/** The audience a campaign targets (none: everyone, factor 1). */
export const CAMPAIGN_SEGMENTS = ['Champions', 'Loyal', 'At Risk', 'New', 'Hibernating'] as const;

export const SEGMENT_RESPONSE: Readonly<Record<(typeof CAMPAIGN_SEGMENTS)[number], number>> = {
  Champions: 1.5,
  Loyal: 1.25,
  'At Risk': 0.8,
  New: 1,
  Hibernating: 0.5,
};

export const CAMPAIGN_TYPE_RESPONSE: Readonly<Record<(typeof CAMPAIGN_TYPES)[number], number>> = {
  acquisition: 1,
  retention: 1.15,
  reactivation: 0.85,
  seasonal: 1.3,
  brand: 0.7,
};

/** The spread of a campaign's hidden quality: lognormal with this sigma around 1. */
export const CAMPAIGN_QUALITY_SIGMA = 0.15;

/** Mean order value of a campaign conversion (lognormal: median 70, sigma 0.4). */
export const CONVERSION_VALUE = { median: 70, sigma: 0.4 } as const;

/** Expected revenue of one campaign day, before its hidden quality. */
export function expectedCampaignRevenue(
  channel: (typeof MARKETING_CHANNELS)[number],
  dailySpend: number,
  segment: (typeof CAMPAIGN_SEGMENTS)[number] | null,
  type: (typeof CAMPAIGN_TYPES)[number],
): number {
  const { ceiling, scale } = CHANNEL_RESPONSE[channel];
  const factor = (segment === null ? 1 : SEGMENT_RESPONSE[segment]) * CAMPAIGN_TYPE_RESPONSE[type];
  return ceiling * factor * (1 - Math.exp(-Math.max(0, dailySpend) / scale));
}
