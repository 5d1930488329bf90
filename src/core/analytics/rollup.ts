import type { Click } from '../clicks/click.js';
import { CLICK_DIMENSIONS, DIMENSIONS, type ClickField, type Dimension } from './analytics-store.js';
import { VisitorSketch, visitorHash } from './visitor-sketch.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Rollups of all links together are kept under this link id (real ids start at 1). */
export const ALL_LINKS = 0;

/** What a rollup needs of a click. */
export type RollupClick = Pick<Click, 'id' | 'linkId' | 'at' | 'bot' | 'visitorId' | ClickField>;

/** Rollups are hourly; closed UTC days also keep a day row, the sum (and sketch union) of its hours. */
export type Level = 'hour' | 'day';

/** Clicks, visitors and dimension counts of one link (or ALL_LINKS) in one UTC hour, bots apart. */
export interface PeriodDelta {
  readonly linkId: number;
  readonly start: number;
  readonly bot: boolean;
  clicks: number;
  readonly visitors: VisitorSketch;
  /** Per dimension, in DIMENSIONS order: clicks by value (null: the click did not tell). */
  readonly keys: Map<string | null, number>[];
}

export interface RollupDelta {
  readonly hour: PeriodDelta[];
}

export function keyOf(click: RollupClick, dimension: Dimension): string | null {
  return click[CLICK_DIMENSIONS[dimension]];
}


export function startOf(at: number, unit: 'hour' | 'day'): number {
  const size = unit === 'hour' ? HOUR_MS : DAY_MS;
  return at - (((at % size) + size) % size);
}

/** Sums clicks into per-hour deltas, for each link and for all links, a run at a time. */
export class ClickSummer {
  private readonly sums = new Map<number, Map<number, PeriodDelta>>();
  private readonly values: (string | null)[] = [];

  add(clicks: readonly RollupClick[]): void {
    const { sums, values } = this;
    for (const click of clicks) {
      const hash = visitorHash(click.visitorId);
      for (let d = 0; d < DIMENSIONS.length; d++) values[d] = keyOf(click, DIMENSIONS[d] as Dimension);
      const start = startOf(click.at, 'hour');
      for (let all = 0; all < 2; all++) {
        const period = periodOf(sums, all === 0 ? click.linkId : ALL_LINKS, start, click.bot);
        period.clicks++;
        period.visitors.addHash(hash);
        for (let d = 0; d < values.length; d++) {
          const counts = period.keys[d] as Map<string | null, number>;
          const value = values[d] as string | null;
          counts.set(value, (counts.get(value) ?? 0) + 1);
        }
      }
    }
  }

  delta(): RollupDelta {
    return { hour: flatten(this.sums) };
  }
}

/** The hours' deltas summed by UTC day, for the days before `before` (closed days have day rows). */
export function dayDeltas(hours: readonly PeriodDelta[], before: number): PeriodDelta[] {
  const days = new Map<number, Map<number, PeriodDelta>>();
  for (const hour of hours) {
    const start = startOf(hour.start, 'day');
    if (start >= before) continue;
    const day = periodOf(days, hour.linkId, start, hour.bot);
    day.clicks += hour.clicks;
    day.visitors.mergeSketch(hour.visitors);
    hour.keys.forEach((counts, d) => {
      const into = day.keys[d] as Map<string | null, number>;
      for (const [key, n] of counts) into.set(key, (into.get(key) ?? 0) + n);
    });
  }
  return flatten(days);
}

function flatten(index: Map<number, Map<number, PeriodDelta>>): PeriodDelta[] {
  return [...index.values()].flatMap((byStart) => [...byStart.values()]);
}

function periodOf(index: Map<number, Map<number, PeriodDelta>>, linkId: number, start: number, bot: boolean): PeriodDelta {
  let byStart = index.get(linkId);
  if (!byStart) index.set(linkId, (byStart = new Map()));
  const slot = start * 2 + (bot ? 1 : 0);
  let period = byStart.get(slot);
  if (!period) {
    period = { linkId, start, bot, clicks: 0, visitors: new VisitorSketch(), keys: DIMENSIONS.map(() => new Map()) };
    byStart.set(slot, period);
  }
  return period;
}
