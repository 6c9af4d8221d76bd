import type { CustomerAggregates, FeatureStore } from '@amato/features';
import type { TrinoService } from '@amato/trino';
import { compareFeatures, type FeatureMismatch, readOfflineAggregates } from './offline-features';

export interface ParityReport {
  readonly asOf: string;
  readonly customers: number;
  readonly mismatches: readonly FeatureMismatch[];
}

/**
 * Online/offline parity as of the batch's cutoff: the features derived from the aggregates the
 * batch computed (`resultsSchema`: catalog.schema of its results) against those derived from
 * the aggregates the stream keeps in Redis, for every customer either side knows. Meaningful
 * when both have seen the same events: the stream caught up, and no event after the cutoff.
 */
export async function checkParity(
  trino: TrinoService,
  store: FeatureStore,
  resultsSchema: string,
  asOf: Date,
): Promise<ParityReport> {
  const offline = await readOfflineAggregates(trino, resultsSchema);
  const online = new Map<string, CustomerAggregates | undefined>();
  const ids = [...offline.keys()];
  // Reads in bounded parallel runs: one round trip each, a few hundred at a time.
  for (let i = 0; i < ids.length; i += 200) {
    const part = ids.slice(i, i + 200);
    const read = await Promise.all(part.map((id) => store.read(id)));
    part.forEach((id, k) => online.set(id, read[k]));
  }
  return {
    asOf: asOf.toISOString(),
    customers: offline.size,
    mismatches: compareFeatures(offline, online, asOf.getTime()),
  };
}
