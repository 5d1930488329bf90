/** How long failed deliveries are retried before their webhook is disabled. */
export const RETRY_WINDOW_MS = 24 * 3_600_000;

const FIRST_DELAY_MS = 2000;
const GROWTH = 3;
const LONGEST_DELAY_MS = 3_600_000;
// ±20 %: receivers that failed together are not all retried in the same second.
const JITTER = 0.2;

/**
 * The wait after the `attempts`-th failed attempt: 2 s, 6 s, 18 s, … growing threefold up to an
 * hour, each ±20 % (`random` in [0, 1)). A receiver down for an hour gets its events within about
 * an hour of coming back.
 */
export function retryDelay(attempts: number, random: number): number {
  const base = Math.min(FIRST_DELAY_MS * GROWTH ** Math.max(0, attempts - 1), LONGEST_DELAY_MS);
  return Math.round(base * (1 - JITTER + 2 * JITTER * random));
}
