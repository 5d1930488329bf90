import type { Clock } from '../shared/clock.js';
import type { ClickStore } from './click-store.js';

const DAY_MS = 86_400_000;
// Clicks a step blanks: one short write, so redirects waiting on the same database barely notice.
const STEP = 1000;
const IDLE_MS = 60_000;

/**
 * Forgets the IP address and raw user agent of clicks older than `days`, in the background and in
 * small steps. Reports do not read either (the visitor id, browser, OS, device and country were
 * derived when the click was recorded), so every count and report stays as it was.
 */
export class IdentityRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly clicks: ClickStore,
    private readonly days: number,
    private readonly clock: Clock,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Blanks every click past the retention, a step at a time; answers how many. */
  async catchUp(): Promise<number> {
    let total = 0;
    for (;;) {
      const blanked = await this.clicks.forgetIdentities(this.clock.now() - this.days * DAY_MS, STEP);
      total += blanked;
      if (blanked < STEP) return total;
    }
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
