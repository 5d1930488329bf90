/** Which intervals the API accepts for a range: it refuses more than MAX_BUCKETS buckets. */
import { estimatedBuckets, INTERVALS, MAX_BUCKETS, type Interval } from '../../src/core/analytics/time-buckets.js';

export { INTERVALS, type Interval };

export function intervalFits(spanMs: number, interval: Interval): boolean {
  return estimatedBuckets(0, spanMs, interval) <= MAX_BUCKETS;
}

/** Why an interval is not offered, in words a user can act on. */
export function intervalRefusal(interval: Interval): string {
  return `${interval}: too many points for this range (at most ${MAX_BUCKETS.toLocaleString()}); choose a shorter range`;
}
