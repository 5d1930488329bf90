import { systemClock, type Clock } from '../shared/clock.js';
import { Signal } from '../shared/signal.js';
import { yieldToEventLoop } from '../shared/time-slices.js';
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

/** One step that rolled clicks up. */
export interface RollerStep {
  readonly clicks: number;
  /** Wall time of the step, its waits for the database and the event loop included. */
  readonly seconds: number;
  /** Click ids past the watermark when the step began: at most this many clicks were not rolled up. */
  readonly behind: number;
}

const SLICE = 2000;
// A day closes this long after it ends: its last clicks are committed and rolled up by then (later
// ones still reach its day rows, just at a higher cost).
const CLOSE_AFTER_MS = 15 * 60_000;

/** Keeps the rollups up to date with the raw clicks, in the background. */
export class Roller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly batch: number;
  private readonly idleMs: number;
  // Clicks this process stored, summed as they are handed over after their commit, so a step need not
  // read them back. Summed at once rather than kept: ~20 k click objects a second, each living until
  // the step, were promoted to the old generation and grew the heap by ~50 MB under load (by hand).
  private fed = new FedSums();
  /** Each step that rolled clicks up, after its transaction. */
  readonly stepped = new Signal<RollerStep>();

  constructor(private readonly store: RollupStore, private readonly options: RollerOptions = {}) {
    this.batch = options.batch ?? 50_000;
    this.idleMs = options.idleMs ?? 1000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Clicks just committed by this process: a step takes their sums while their ids run on. */
  feed(clicks: readonly RollupClick[]): void {
    // Past a step's worth (the roller fell behind), it reads them back a batch at a time instead.
    if (this.fed.count + clicks.length > this.batch) this.fed = new FedSums();
    this.fed.add(clicks);
  }

  /**
   * Rolls one step; answers how many clicks it took: the sums of the clicks fed since the last step
   * when their ids run on from the watermark without a gap, otherwise clicks read back from the
   * store, a page at a time, yielding between pages so a step never holds up redirects for long.
   */
  async step(): Promise<number> {
    const started = performance.now();
    const fed = this.fed;
    this.fed = new FedSums();
    const { after, upTo } = await this.store.position();
    const rolled = await this.roll(fed, after, upTo);
    if (rolled > 0) this.stepped.emit({ clicks: rolled, seconds: (performance.now() - started) / 1000, behind: Math.max(0, upTo - after) });
    return rolled;
  }

  private async roll(fed: FedSums, after: number, upTo: number): Promise<number> {
    if (fed.follows(after)) return (await this.store.apply(fed.summer.delta(), after, fed.max, fed.count)) ? fed.count : 0;
    const summer = new ClickSummer();
    let last = after;
    let taken = 0;
    while (taken < this.batch) {
      // Not into the clicks fed meanwhile: the next step takes those as they are.
      const until = this.fed.count > 0 && this.fed.min > last ? Math.min(upTo, this.fed.min - 1) : upTo;
      const page = await this.store.clicksAfter(last, until, Math.min(SLICE, this.batch - taken));
      const end = page.at(-1);
      if (!end) break;
      summer.add(page);
      taken += page.length;
      last = end.id;
      await yieldToEventLoop();
    }
    if (taken === 0) return 0;
    return (await this.store.apply(summer.delta(), after, last, taken)) ? taken : 0;
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
    this.fed = new FedSums();
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

/** Sums of fed clicks, and which ids they cover. */
class FedSums {
  readonly summer = new ClickSummer();
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;

  add(clicks: readonly RollupClick[]): void {
    this.summer.add(clicks);
    for (const click of clicks) {
      if (click.id < this.min) this.min = click.id;
      if (click.id > this.max) this.max = click.id;
    }
    this.count += clicks.length;
  }

  /** Whether they are exactly the clicks after+1 … max (all committed: they were fed after their commit). */
  follows(after: number): boolean {
    return this.count > 0 && this.min === after + 1 && this.max - after === this.count;
  }
}
