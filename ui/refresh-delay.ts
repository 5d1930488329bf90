// Apart from live.ts (which needs Preact) so that Node's unit tests can import it.
const SETTLE_MS = 2000;
/** Under steady traffic the clicks never pause: refetch at least this often meanwhile. */
const MAX_WAIT_MS = 10_000;

/**
 * How long after a live click to refetch what only the server knows: once clicks pause for
 * SETTLE_MS, but no later than MAX_WAIT_MS after the first click not yet refetched.
 */
export const refreshDelay = (firstPending: number, now: number) => Math.max(0, Math.min(SETTLE_MS, firstPending + MAX_WAIT_MS - now));
