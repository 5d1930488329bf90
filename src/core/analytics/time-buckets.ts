import { instantOf, localTime } from './time-zone.js';

export const INTERVALS = ['minute', 'hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];
/** The most buckets a report may have; the dashboard offers only intervals under it. */
export const MAX_BUCKETS = 1000;

const NOMINAL_MS: Record<Interval, number> = {
  minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000,
};

/** The finest interval that keeps a range under `maxBuckets` buckets. */
export function defaultInterval(from: number, to: number, maxBuckets = 200): Interval {
  return INTERVALS.find((i) => Math.ceil((to - from) / NOMINAL_MS[i]) <= maxBuckets) ?? 'month';
}

/** Roughly how many buckets a range has; enough to refuse absurd requests before computing them. */
export function estimatedBuckets(from: number, to: number, interval: Interval): number {
  return Math.ceil((to - from) / NOMINAL_MS[interval]) + 1;
}

/** Start of the local-time bucket that contains `ms`. */
export function bucketStart(ms: number, interval: Interval, tz: string): number {
  const minute = ms - (((ms % 60_000) + 60_000) % 60_000);
  if (interval === 'minute') return minute;
  const t = localTime(ms, tz);
  // By the local minute, not by wall time: a repeated hour (fall back) must stay two buckets.
  if (interval === 'hour') return minute - t.minute * 60_000;
  if (interval === 'day') return instantOf({ year: t.year, month: t.month, day: t.day, hour: 0, minute: 0 }, tz);
  if (interval === 'month') return instantOf({ year: t.year, month: t.month, day: 1, hour: 0, minute: 0 }, tz);
  const weekday = (new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay() + 6) % 7; // Monday = 0
  return localMidnight(t.year, t.month, t.day - weekday, tz);
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucketStart(start: number, interval: Interval, tz: string): number {
  if (interval === 'minute') return start + 60_000;
  if (interval === 'hour') return Math.max(start + 60_000, bucketStart(start + 3_600_000, 'hour', tz));
  const t = localTime(start, tz);
  if (interval === 'day') return localMidnight(t.year, t.month, t.day + 1, tz);
  if (interval === 'week') return localMidnight(t.year, t.month, t.day + 7, tz);
  return localMidnight(t.year, t.month + 1, 1, tz);
}

/** Local midnight of a calendar date given with possibly overflowing day or month. */
function localMidnight(year: number, month: number, day: number, tz: string): number {
  const d = new Date(Date.UTC(year, month - 1, day));
  return instantOf({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: 0, minute: 0 }, tz);
}

export interface Bucket {
  /** Where the bucket starts in local time (reported). */
  readonly start: number;
  /** The part of the bucket inside the queried range [from, to) (counted). */
  readonly from: number;
  readonly to: number;
}

/** Every bucket that overlaps [from, to), clipped to it so the buckets add up to the range. */
export function buckets(from: number, to: number, interval: Interval, tz: string): Bucket[] {
  const result: Bucket[] = [];
  for (let start = bucketStart(from, interval, tz); start < to; ) {
    const next = nextBucketStart(start, interval, tz);
    result.push({ start, from: Math.max(start, from), to: Math.min(next, to) });
    start = next;
  }
  return result;
}
