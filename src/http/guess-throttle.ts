import { LRUCache } from 'lru-cache';
import { clientNetwork } from '../core/clicks/ip-policy.js';
import type { Clock } from '../core/shared/clock.js';
import { TooManyRequestsError } from './too-many-requests.js';

const WINDOW_MS = 60_000;
// Bounds memory whatever the number of addresses an attacker brings.
const TRACKED = 100_000;

/**
 * Stops guessing (API keys, sign-ins, link passwords, short codes): failures are counted per client
 * network in one-minute windows; past `limit` in a window the network is refused until it ends.
 * A request that guesses nothing pays one lookup in a map of the refused networks, usually empty.
 */
export class GuessThrottle {
  private readonly failures = new LRUCache<string, { count: number; windowEnds: number }>({ max: TRACKED });
  private readonly refused = new Map<string, number>();

  constructor(
    private readonly limit: number,
    /** What is guessed, for the refusal's message: "API keys", "passwords". */
    private readonly what: string,
    private readonly clock: Clock,
  ) {}

  /** Seconds until the client at `ip` may guess again; undefined when it may now. */
  retryAfter(ip: string): number | undefined {
    if (this.refused.size === 0) return undefined;
    const key = clientNetwork(ip);
    const until = this.refused.get(key);
    if (until === undefined) return undefined;
    const now = this.clock.now();
    if (now < until) return Math.ceil((until - now) / 1000);
    this.refused.delete(key);
    return undefined;
  }

  /** Throws a 429 while the client at `ip` is refused. */
  check(ip: string): void {
    const seconds = this.retryAfter(ip);
    if (seconds !== undefined) throw new TooManyRequestsError(`Too many wrong ${this.what} from this address; try again in ${seconds} s`, seconds);
  }

  /** One wrong guess from `ip`. */
  failed(ip: string): void {
    const key = clientNetwork(ip);
    const now = this.clock.now();
    let entry = this.failures.get(key);
    if (entry === undefined || now >= entry.windowEnds) {
      entry = { count: 0, windowEnds: now + WINDOW_MS };
      this.failures.set(key, entry);
    }
    if (++entry.count <= this.limit) return;
    if (this.refused.size >= TRACKED) this.refused.delete(this.refused.keys().next().value as string);
    this.refused.set(key, entry.windowEnds);
  }
}

/** The throttles of the HTTP server, one per kind of guess. */
export interface GuessThrottles {
  /** Wrong API keys, sessions and dashboard sign-ins. */
  readonly keys: GuessThrottle;
  /** Wrong passwords of protected links. */
  readonly passwords: GuessThrottle;
  /** Short codes that do not exist. */
  readonly codes: GuessThrottle;
}

export function guessThrottles(clock: Clock): GuessThrottles {
  return {
    keys: new GuessThrottle(20, 'API keys', clock),
    passwords: new GuessThrottle(10, 'passwords', clock),
    codes: new GuessThrottle(300, 'short codes', clock),
  };
}
