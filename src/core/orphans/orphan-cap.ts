import { LRUCache } from 'lru-cache';
import { clientNetwork } from '../clicks/ip-policy.js';
import type { Clock } from '../shared/clock.js';

const WINDOW_MS = 60_000;
// Bounds memory whatever the number of addresses a flood comes from.
const TRACKED = 100_000;

export interface OrphanCapLimits {
  /** Orphan visits stored per client network (an IPv4 address, an IPv6 /64) and minute. */
  readonly perNetwork: number;
  /** Orphan visits stored per minute, from everyone. */
  readonly overall: number;
}

export const DEFAULT_ORPHAN_CAP: OrphanCapLimits = { perNetwork: 60, overall: 1000 };

/**
 * How many orphan visits are stored: up to `perNetwork` per client network and `overall` in each
 * one-minute window; the rest are counted, not stored. A flood of random codes then writes at most
 * `overall` rows a minute, and one scanner cannot crowd out everyone else's visits.
 */
export class OrphanCap {
  private readonly networks = new LRUCache<string, { count: number; windowEnds: number }>({ max: TRACKED });
  private overall = { count: 0, windowEnds: 0 };

  constructor(private readonly limits: OrphanCapLimits, private readonly clock: Clock) {}

  /** Whether a visit from `ip` may be stored now (counting it when it may). */
  admit(ip: string): boolean {
    const now = this.clock.now();
    if (now >= this.overall.windowEnds) this.overall = { count: 0, windowEnds: now + WINDOW_MS };
    if (this.overall.count >= this.limits.overall) return false;
    const key = clientNetwork(ip);
    let entry = this.networks.get(key);
    if (entry === undefined || now >= entry.windowEnds) {
      entry = { count: 0, windowEnds: now + WINDOW_MS };
      this.networks.set(key, entry);
    }
    if (entry.count >= this.limits.perNetwork) return false;
    entry.count++;
    this.overall.count++;
    return true;
  }
}
