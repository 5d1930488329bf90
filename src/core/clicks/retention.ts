import type { Clock } from '../shared/clock.js';
import type { ClickStore } from './click-store.js';

const DAY_MS = 86_400_000;
// Clicks a step changes: one short write, so redirects waiting on the same database barely notice.
const STEP = 1000;
const IDLE_MS = 60_000;

export interface RetentionDays {
  /** Forget the IP address and raw user agent of clicks older than this. */
  readonly identities?: number | undefined;
  /** Delete raw clicks older than this (once the rollups hold them). */
  readonly clicks?: number | undefined;
}

export interface Forgotten {
  readonly identities: number;
  readonly clicks: number;
}

/**
 * Forgets what the retention settings say to, in the background and in small steps:
 * - the IP address and raw user agent of old clicks. Reports never read either (the visitor id,
 *   browser, OS, device and country were derived when the click was recorded);
 * - old raw clicks, only those already in closed days of the rollups, which unfiltered reports,
 *   counts and unique visitors read. Filters, the click log and exports cover the clicks kept.
 */
export class Retention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly clicks: ClickStore,
    private readonly days: RetentionDays,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Forgets everything past the retention, a step at a time; answers how much. */
  async catchUp(): Promise<Forgotten> {
    const now = this.clock.now();
    const identities = this.days.identities === undefined ? 0
      : await steps((limit) => this.clicks.forgetIdentities(now - (this.days.identities as number) * DAY_MS, limit));
    const clicks = this.days.clicks === undefined ? 0
      : await steps((limit) => this.clicks.forgetRolledUp(now - (this.days.clicks as number) * DAY_MS, limit));
    return { identities, clicks };
  }

  start(): void {
    const tick = () => {
      this.running = this.catchUp().then(() => undefined, this.onError).finally(() => {
        this.timer = setTimeout(tick, IDLE_MS);
        this.timer.unref();
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    await this.running;
    clearTimeout(this.timer);
  }
}

async function steps(step: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const done = await step(STEP);
    total += done;
    if (done < STEP) return total;
  }
}
