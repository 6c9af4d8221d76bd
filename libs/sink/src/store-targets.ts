/** Where the sink writes: the app's stores by default, a test's own database/schema otherwise. */
export interface StoreTargets {
  readonly mysqlDatabase: string;
  readonly postgresSchema: string;
  readonly mongoDatabase: string;
}

/** One event that could not be written, and why (it goes to the DLQ). */
export interface Rejected {
  readonly eventId: string;
  readonly reason: string;
}

/** Keeps the latest event per key (by event time, then arrival): what an upsert would end with. */
export function latestByKey<E extends { event_time: string }>(
  events: readonly E[],
  key: (e: E) => string,
): E[] {
  const latest = new Map<string, E>();
  for (const event of events) {
    const k = key(event);
    const seen = latest.get(k);
    if (!seen || Date.parse(event.event_time) >= Date.parse(seen.event_time)) latest.set(k, event);
  }
  return [...latest.values()];
}

/** Keeps the event per key with the earliest `time` (then the first to arrive). */
export function earliestByKey<E>(
  events: readonly E[],
  key: (e: E) => string,
  time: (e: E) => number,
): E[] {
  const earliest = new Map<string, { event: E; at: number }>();
  for (const event of events) {
    const k = key(event);
    const at = time(event);
    const seen = earliest.get(k);
    if (!seen || at < seen.at) earliest.set(k, { event, at });
  }
  return [...earliest.values()].map((e) => e.event);
}

/** `2024-03-02T10:05:00.123Z` -> `2024-03-02 10:05:00.123` (MySQL DATETIME(3), UTC). */
export function mysqlTime(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').replace('Z', '');
}
