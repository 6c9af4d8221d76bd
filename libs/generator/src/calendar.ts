import type { Random } from './random';

const DAY_MS = 86_400_000;

/** Relative traffic by weekday (Sunday first): busier evenings of the week, a quieter Saturday. */
const WEEKDAY = [1.15, 1.1, 1.0, 0.98, 1.0, 0.92, 0.85];
/** Relative traffic by month (January first): the Black Friday / Christmas peak, a summer dip. */
const MONTH = [0.9, 0.8, 0.9, 0.92, 0.95, 0.9, 0.85, 0.88, 0.95, 1.0, 1.45, 1.65];
/** Relative traffic by hour of day (UTC): night trough, lunchtime bump, evening peak. */
const HOUR = [
  0.3, 0.2, 0.15, 0.12, 0.12, 0.18, 0.35, 0.6, 0.85, 1.0, 1.05, 1.1, 1.2, 1.15, 1.05, 1.0, 1.0, 1.1,
  1.3, 1.5, 1.55, 1.4, 1.0, 0.6,
];
const MAX_DAY_WEIGHT = Math.max(...WEEKDAY) * Math.max(...MONTH);
const MAX_HOUR_WEIGHT = Math.max(...HOUR);

export function dayWeight(time: number): number {
  const d = new Date(time);
  return (WEEKDAY[d.getUTCDay()] ?? 1) * (MONTH[d.getUTCMonth()] ?? 1);
}

/**
 * A time in [from, to) with weekly, yearly and daily seasonality (rejection sampling against
 * the weight tables). Times are whole milliseconds.
 */
export function seasonalTime(random: Random, from: number, to: number): number {
  if (to <= from) return from;
  for (let attempt = 0; attempt < 1000; attempt++) {
    const t = from + random.next() * (to - from);
    if (random.next() * MAX_DAY_WEIGHT > dayWeight(t)) continue;
    const day = Math.floor(t / DAY_MS) * DAY_MS;
    const hour = random.weighted(HOUR.map((w, h) => [h, w] as const));
    const time = day + hour * 3_600_000 + Math.floor(random.next() * 3_600_000);
    if (time >= from && time < to && random.next() * MAX_HOUR_WEIGHT <= (HOUR[hour] ?? 1) * 1.5)
      return time;
  }
  return Math.floor(from + random.next() * (to - from));
}

export function isoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export function startOfDay(time: number): number {
  return Math.floor(time / DAY_MS) * DAY_MS;
}

export { DAY_MS };
