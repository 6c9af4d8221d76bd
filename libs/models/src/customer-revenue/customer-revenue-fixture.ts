import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CustomerFeatures } from '@amato/features';

/**
 * The committed fixture of `python -m amato_ml.customer_revenue fixture`, for the tests: a small
 * model, its metadata, and customers' online feature values with LightGBM's prediction.
 */
export interface CustomerRevenueScoredRow {
  readonly customer_id: string;
  readonly values: readonly number[];
  readonly revenue: number;
}

export interface CustomerRevenueScores {
  readonly format: string;
  readonly features: readonly string[];
  readonly rows: readonly CustomerRevenueScoredRow[];
}

export const FIXTURES = join(__dirname, 'fixtures');

export function fixtureOnnx(): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, 'customer-revenue.onnx')));
}

/** A fresh copy each call, so that a test may change it. */
export function fixtureMetadata(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, 'customer-revenue.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

export function fixtureScores(): CustomerRevenueScores {
  return JSON.parse(
    readFileSync(join(FIXTURES, 'customer-revenue-scores.json'), 'utf8'),
  ) as CustomerRevenueScores;
}

/** A scored row as flat online feature values, by name. */
export function featureValues(
  names: readonly string[],
  row: CustomerRevenueScoredRow,
): Record<string, number> {
  return Object.fromEntries(names.map((name, k) => [name, row.values[k] as number]));
}

/** A scored row as the CustomerFeatures deriveFeatures would have given for it. */
export function customerFeatures(
  names: readonly string[],
  row: CustomerRevenueScoredRow,
): CustomerFeatures {
  const features: Record<string, number> = {};
  const windows: Record<string, number> = {};
  const devices: Record<string, number> = {};
  let averageOrderValue = Number.NaN;
  names.forEach((name, k) => {
    const value = row.values[k] as number;
    if (name === 'avg_order_value') averageOrderValue = value;
    else if (name.startsWith('windows.')) windows[name.slice('windows.'.length)] = value;
    else if (name.startsWith('device_mix.')) devices[name.slice('device_mix.'.length)] = value;
    else features[name] = value;
  });
  return {
    customer_id: row.customer_id,
    as_of: '2026-09-02T00:00:00.000Z',
    last_event_time: null,
    updated_at: null,
    features: features as CustomerFeatures['features'],
    avg_order_value: averageOrderValue,
    windows: windows as CustomerFeatures['windows'],
    device_mix: devices as CustomerFeatures['device_mix'],
  };
}
