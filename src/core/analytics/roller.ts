import { systemClock, type Clock } from '../shared/clock.js';
import { ClickSummer, type RollupClick } from './rollup.js';
import type { RollupStore } from './rollup-store.js';

export interface RollerOptions {
  /**
   * Clicks per step, one transaction. A step costs about one row write per link, hour and day it
   * touches, however many clicks: fewer, larger steps are much cheaper under load.
   */
  readonly batch?: number;
  /** Pause when caught up. Reports never wait for it: they add the clicks not rolled up yet. */
  readonly idleMs?: number;
  readonly onError?: (error: unknown) => void;
  readonly clock?: Clock;
}

const SLICE = 2000;
// Clicks fed and not rolled up yet, at most: past it, the roller reads them back instead.
const MAX_FED = 200_000;
// A day closes this long after it ends: its last clicks are committed and rolled up by then (later
// ones still reach its day rows, just at a higher cost).
const CLOSE_AFTER_MS = 15 * 60_000;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Keeps the rollups up to date with the raw clicks, in the background. */
export class Roller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly batch: number;
  private readonly idleMs: number;
  // Clicks this process stored, handed over after their commit, so a step need not read them back.
  private fed: RollupClick[] = [];
  private fedSorted = true;

  constructor(private readonly store: RollupStore, private readonly options: RollerOptions = {}) {
    this.batch = options.batch ?? 50_000;
    this.idleMs = options.idleMs ?? 1000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Clicks just committed by this process: steps sum them from here while their ids follow on. */
  feed(clicks: readonly RollupClick[]): void {
    if (this.fed.length + clicks.length > MAX_FED) this.fed = [];
    for (const click of clicks) {
      const previous = this.fed.at(-1);
      if (previous && previous.id > click.id) this.fedSorted = false;
      this.fed.push(click);
    }
  }

  /**
   * Rolls one step; answers how many clicks it took. Clicks are summed a page at a time, yielding
   * between pages, so a step never holds up redirects for long: the ones fed to it while their ids
   * run on from the watermark without a gap, otherwise read back from the store.
   */
  async step(): Promise<number> {
    const { after, upTo } = await this.store.position();
    const summer = new ClickSummer();
    const fed = this.takeFed(after, upTo);
    let last = after;
    let taken = 0;
    while (taken < this.batch) {
      const page = fed.length > 0 ? fed.slice(taken, taken + SLICE) : await this.store.clicksAfter(last, upTo, Math.min(SLICE, this.batch - taken));
      const end = page.at(-1);
      if (!end) break;
      summer.add(page);
      taken += page.length;
      last = end.id;
      await yieldToEventLoop();
    }
    this.dropFed(last);
    if (taken === 0) return 0;
    return (await this.store.apply(summer.delta(), after, last, taken)) ? taken : 0;
  }

  /** The fed clicks with ids after+1, after+2, … (none missing), up to upTo and a batch. */
  private takeFed(after: number, upTo: number): RollupClick[] {
    if (!this.fedSorted) {
      this.fed.sort((a, b) => a.id - b.id);
      this.fedSorted = true;
    }
    this.dropFed(after);
    let n = 0;
    while (n < this.fed.length && n < this.batch && (this.fed[n] as RollupClick).id === after + 1 + n && after + 1 + n <= upTo) n++;
    return this.fed.slice(0, n);
  }

  private dropFed(upTo: number): void {
    let n = 0;
    while (n < this.fed.length && (this.fed[n] as RollupClick).id <= upTo) n++;
    if (n > 0) this.fed = this.fed.slice(n);
  }

  /** Rolls until every committed click is in the rollups. */
  async catchUp(): Promise<void> {
    while ((await this.step()) > 0) { /* next step */ }
  }

  /** Writes the day rows of the days that ended, up to `limit` days with clicks. */
  async closeDays(limit = Number.MAX_SAFE_INTEGER): Promise<void> {
    const endedBefore = (this.options.clock ?? systemClock).now() - CLOSE_AFTER_MS;
    for (let i = 0; i < limit && await this.store.closeDay(endedBefore); i++) { /* next day */ }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.fed = [];
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      // Caught up, it closes at most a day a turn: a day's sums wait no more than that.
      this.running = this.step().then(async (rolled) => (rolled < this.batch ? (await this.closeDays(1), rolled) : rolled)).then(
        (rolled) => this.schedule(rolled === this.batch ? 0 : this.idleMs),
        (error: unknown) => {
          this.options.onError?.(error);
          this.schedule(Math.max(this.idleMs, 1000));
        },
      );
    }, delayMs);
    this.timer.unref();
  }
}
