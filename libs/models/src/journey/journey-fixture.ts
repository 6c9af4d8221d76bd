import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JourneyScoringState } from './journey-model';

/**
 * The committed fixture of `python -m amato_ml.journey fixture`, for the tests: a small model,
 * its metadata, and holdout prefixes with the row Python encoded and LightGBM's probability.
 */
export interface JourneyHoldoutRow {
  readonly state: JourneyScoringState & {
    readonly session_id: string;
    readonly customer_id: string | null;
  };
  readonly features: readonly number[];
  readonly probability: number;
}

export interface JourneyHoldout {
  readonly format: string;
  readonly features: readonly string[];
  readonly rows: readonly JourneyHoldoutRow[];
}

const FIXTURES = join(__dirname, 'fixtures');

export function fixtureOnnx(): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, 'journey.onnx')));
}

/** A fresh copy each call, so that a test may change it. */
export function fixtureMetadata(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, 'journey.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

export function fixtureHoldout(): JourneyHoldout {
  return JSON.parse(readFileSync(join(FIXTURES, 'journey-holdout.json'), 'utf8')) as JourneyHoldout;
}
