import type { Dimension } from './analytics-store.js';
import { VisitorSketch } from './visitor-sketch.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Rollups of all links together are kept under this link id (real ids start at 1). */
export const ALL_LINKS = 0;

/** What a rollup needs of a click. */
export interface RollupClick {
  readonly id: number;
  readonly linkId: number;
  readonly at: number;
  readonly bot: boolean;
  readonly visitorId: string;
  readonly country: string | null;
  readonly referrerHost: string | null;
  readonly browser: string | null;
  readonly os: string | null;
  readonly device: string;
  readonly language: string | null;
}

export type Level = 'hour' | 'day';

/** Clicks and visitors of one link (or ALL_LINKS) in one UTC hour or day, bots apart. */
export interface PeriodDelta {
  readonly linkId: number;
  readonly start: number;
  readonly bot: boolean;
  clicks: number;
  readonly visitors: VisitorSketch;
}

/** Clicks with one value of one dimension, per link (or ALL_LINKS), UTC hour or day, bots apart. */
export interface KeyDelta {
  readonly linkId: number;
  readonly start: number;
  readonly bot: boolean;
  readonly dimension: Dimension;
  readonly key: string | null;
  clicks: number;
}

export interface RollupDelta {
  readonly periods: Record<Level, PeriodDelta[]>;
  readonly keys: Record<Level, KeyDelta[]>;
}

export function keyOf(click: RollupClick, dimension: Dimension): string | null {
  switch (dimension) {
    case 'countries': return click.country;
    case 'referrers': return click.referrerHost;
    case 'browsers': return click.browser;
    case 'os': return click.os;
    case 'devices': return click.device;
    case 'languages': return click.language;
  }
}

export const ROLLUP_DIMENSIONS: readonly Dimension[] = ['countries', 'referrers', 'browsers', 'os', 'devices', 'languages'];

export function startOf(at: number, level: Level): number {
  const size = level === 'hour' ? HOUR_MS : DAY_MS;
  return at - (((at % size) + size) % size);
}

/** Sums a run of clicks into per-hour and per-day deltas, for each link and for all links. */
export function aggregate(clicks: readonly RollupClick[]): RollupDelta {
  const periods = { hour: new Map<string, PeriodDelta>(), day: new Map<string, PeriodDelta>() };
  const keys = { hour: new Map<string, KeyDelta>(), day: new Map<string, KeyDelta>() };
  for (const click of clicks) {
    for (const level of ['hour', 'day'] as const) {
      const start = startOf(click.at, level);
      for (const linkId of [click.linkId, ALL_LINKS]) {
        const id = `${linkId}|${start}|${click.bot ? 1 : 0}`;
        let period = periods[level].get(id);
        if (!period) {
          period = { linkId, start, bot: click.bot, clicks: 0, visitors: new VisitorSketch() };
          periods[level].set(id, period);
        }
        period.clicks++;
        period.visitors.add(click.visitorId);
        for (const dimension of ROLLUP_DIMENSIONS) {
          const key = keyOf(click, dimension);
          const keyId = `${id}|${dimension}|${key ?? ''}`;
          const counted = keys[level].get(keyId);
          if (counted) counted.clicks++;
          else keys[level].set(keyId, { linkId, start, bot: click.bot, dimension, key, clicks: 1 });
        }
      }
    }
  }
  return {
    periods: { hour: [...periods.hour.values()], day: [...periods.day.values()] },
    keys: { hour: [...keys.hour.values()], day: [...keys.day.values()] },
  };
}
