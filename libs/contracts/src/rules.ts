import type { Problem } from '@amato/common';
import type {
  AbTestPayload,
  AbTestResultPayload,
  CampaignPayload,
  CampaignPerformancePayload,
} from './events/campaign.events';
import type { SearchPayload, SessionPayload } from './events/clickstream.events';
import type { TransactionPayload } from './events/transaction.events';

/** True when an amount has at most two decimals (floating point tolerant). */
export function isCents(amount: number): boolean {
  return Math.abs(Math.round(amount * 100) - amount * 100) < 1e-6;
}

export function cents(amount: number): number {
  return Math.round(amount * 100);
}

/**
 * Rules a schema cannot say: sums, orderings and bounds between fields. Each returns the
 * problems it finds (none when the payload is consistent).
 */
export function transactionRules(p: TransactionPayload): Problem[] {
  const problems: Problem[] = [];
  const money = (path: string, amount: number) => {
    if (!isCents(amount))
      problems.push({ path, message: `must have at most 2 decimals, got ${amount}` });
  };
  money('payload.total_amount', p.total_amount);
  const lines = new Set<number>();
  p.items.forEach((item, i) => {
    const at = `payload.items[${i}]`;
    money(`${at}.unit_price`, item.unit_price);
    money(`${at}.discount_amount`, item.discount_amount);
    money(`${at}.line_total`, item.line_total);
    if (lines.has(item.line_number))
      problems.push({
        path: `${at}.line_number`,
        message: `line ${item.line_number} appears twice`,
      });
    lines.add(item.line_number);
    const expected = cents(item.quantity * item.unit_price) - cents(item.discount_amount);
    if (cents(item.line_total) !== expected) {
      problems.push({
        path: `${at}.line_total`,
        message: `must be quantity × unit_price − discount_amount = ${(expected / 100).toFixed(2)}, got ${item.line_total}`,
      });
    }
  });
  const sum = p.items.reduce((total, item) => total + cents(item.line_total), 0);
  if (sum !== cents(p.total_amount)) {
    problems.push({
      path: 'payload.total_amount',
      message: `must equal the sum of line totals ${(sum / 100).toFixed(2)}, got ${p.total_amount}`,
    });
  }
  return problems;
}

function notBefore(endPath: string, end: string, startPath: string, start: string): Problem[] {
  return Date.parse(end) < Date.parse(start)
    ? [{ path: endPath, message: `must not be before ${startPath} (${start}), got ${end}` }]
    : [];
}

export function campaignRules(p: CampaignPayload): Problem[] {
  return [
    ...notBefore('payload.end_date', p.end_date, 'start_date', p.start_date),
    ...(isCents(p.budget)
      ? []
      : [{ path: 'payload.budget', message: `must have at most 2 decimals, got ${p.budget}` }]),
  ];
}

export function campaignPerformanceRules(p: CampaignPerformancePayload): Problem[] {
  const problems: Problem[] = [];
  if (p.clicks > p.impressions)
    problems.push({
      path: 'payload.clicks',
      message: `must not exceed impressions (${p.impressions}), got ${p.clicks}`,
    });
  if (p.conversions > p.clicks)
    problems.push({
      path: 'payload.conversions',
      message: `must not exceed clicks (${p.clicks}), got ${p.conversions}`,
    });
  for (const field of ['spend', 'revenue'] as const) {
    if (!isCents(p[field]))
      problems.push({
        path: `payload.${field}`,
        message: `must have at most 2 decimals, got ${p[field]}`,
      });
  }
  return problems;
}

export function abTestRules(p: AbTestPayload): Problem[] {
  const problems = notBefore('payload.end_date', p.end_date, 'start_date', p.start_date);
  if (p.traffic_split <= 0 || p.traffic_split >= 1) {
    problems.push({
      path: 'payload.traffic_split',
      message: `must be strictly between 0 and 1, got ${p.traffic_split}`,
    });
  }
  return problems;
}

export function abTestResultRules(p: AbTestResultPayload): Problem[] {
  const problems = notBefore('payload.period_end', p.period_end, 'period_start', p.period_start);
  if (p.conversions > p.participants) {
    problems.push({
      path: 'payload.conversions',
      message: `must not exceed participants (${p.participants}), got ${p.conversions}`,
    });
  }
  return problems;
}

export function sessionRules(p: SessionPayload): Problem[] {
  const problems = notBefore('payload.end_time', p.end_time, 'start_time', p.start_time);
  const seconds = (Date.parse(p.end_time) - Date.parse(p.start_time)) / 1000;
  if (Math.abs(seconds - p.duration_seconds) > 1) {
    problems.push({
      path: 'payload.duration_seconds',
      message: `must match end_time − start_time (${Math.round(seconds)} s), got ${p.duration_seconds}`,
    });
  }
  if (p.is_bounce && p.page_views > 1) {
    problems.push({
      path: 'payload.is_bounce',
      message: `a bounce has at most 1 page view, this session has ${p.page_views}`,
    });
  }
  return problems;
}

export function searchRules(p: SearchPayload): Problem[] {
  return p.clicked_result_position !== null && p.clicked_result_position > p.results_count
    ? [
        {
          path: 'payload.clicked_result_position',
          message: `must not exceed results_count (${p.results_count}), got ${p.clicked_result_position}`,
        },
      ]
    : [];
}
