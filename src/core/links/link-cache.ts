import type { Clock } from '../shared/clock.js';
import { keyText, type LinkKey } from './link-key.js';
import type { Link } from './link.js';

/**
 * Recently resolved links, for the redirect path, by domain and code. Local changes evict at once,
 * other nodes' and processes' changes when LinkService sweeps for them (every second) or hears of them;
 * `ttlMs` only bounds how long a change both missed could be served.
 */
export class LinkCache {
  private readonly entries = new Map<string, { link: Link; at: number }>();

  constructor(private readonly clock: Clock, private readonly ttlMs = 60_000, private readonly maxEntries = 10_000) {}

  get(key: LinkKey): Link | undefined {
    const text = keyText(key);
    const entry = this.entries.get(text);
    if (!entry) return undefined;
    if (this.clock.now() - entry.at >= this.ttlMs) {
      this.entries.delete(text);
      return undefined;
    }
    return entry.link;
  }

  set(link: Link): void {
    // A link with a click budget needs its live count: never serve it from here.
    if (link.maxClicks !== null) return;
    const text = keyText(link);
    this.entries.delete(text);
    this.entries.set(text, { link, at: this.clock.now() });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  evict(key: LinkKey): void {
    this.entries.delete(keyText(key));
  }

  clear(): void {
    this.entries.clear();
  }
}
