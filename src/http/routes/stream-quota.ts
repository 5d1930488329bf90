import { TooManyRequestsError } from '../too-many-requests.js';

// Open live streams a client may hold: a browser needs one per tab, an integration a few.
export const STREAMS_PER_IP = 32;
export const STREAMS_PER_KEY = 128;

/** Counts open live streams per API key and per client IP, and refuses one past either cap. */
export class StreamQuota {
  private readonly byKey = new Map<string, number>();
  private readonly byIp = new Map<string, number>();

  /** Takes a place for a stream (or throws a 429); answers what gives it back, once. */
  take(keyId: string, ip: string): () => void {
    if ((this.byIp.get(ip) ?? 0) >= STREAMS_PER_IP) throw new TooManyRequestsError(`This address holds ${STREAMS_PER_IP} live streams already; close one first`);
    if ((this.byKey.get(keyId) ?? 0) >= STREAMS_PER_KEY) throw new TooManyRequestsError(`This API key holds ${STREAMS_PER_KEY} live streams already; close one first`);
    add(this.byIp, ip, 1);
    add(this.byKey, keyId, 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      add(this.byIp, ip, -1);
      add(this.byKey, keyId, -1);
    };
  }
}

function add(counts: Map<string, number>, key: string, n: number): void {
  const next = (counts.get(key) ?? 0) + n;
  if (next === 0) counts.delete(key);
  else counts.set(key, next);
}
