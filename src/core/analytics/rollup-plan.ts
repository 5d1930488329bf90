import { DAY_MS, HOUR_MS, startOf, type Level } from './rollup.js';
import type { Span } from './rollup-store.js';

/**
 * How a report over [from, to) splits between rollups and raw clicks. Rollups are per UTC hour and
 * day, so an hour that a range or bucket edge cuts (say 10:30) is read raw; whole hours come from
 * hourly rollups, and whole UTC days that no edge cuts from daily ones.
 */
export interface RollupPlan {
  readonly from: number;
  readonly to: number;
  /** Cut hours, read from raw clicks: sorted, disjoint. */
  readonly rawSpans: readonly Span[];
  /** Whole UTC hours read from hourly rollups, in [hours.from, hours.to) minus the raw spans. */
  readonly hours: Span;
  /** Whole UTC days (no raw hour inside) read from daily rollups where a whole day is asked. */
  readonly fullDays: ReadonlySet<number>;
  /** Where dimension counts come from: daily rollups for full days, hourly for other rolled hours. */
  readonly keySpans: Record<Level, Span[]>;
}

export function planRollups(from: number, to: number, edges: Iterable<number> = []): RollupPlan {
  const cut = new Set<number>();
  for (const x of [from, to, ...edges]) if (x > from - HOUR_MS && x < to + HOUR_MS && x % HOUR_MS !== 0) cut.add(startOf(x, 'hour'));
  const rawSpans: Span[] = [];
  for (const hour of [...cut].sort((a, b) => a - b)) {
    const span = { from: Math.max(hour, from), to: Math.min(hour + HOUR_MS, to) };
    if (span.from >= span.to) continue;
    const last = rawSpans.at(-1);
    if (last && last.to >= span.from) rawSpans[rawSpans.length - 1] = { from: last.from, to: Math.max(last.to, span.to) };
    else rawSpans.push(span);
  }
  const hours = { from: ceilTo(from, HOUR_MS), to: Math.max(ceilTo(from, HOUR_MS), to - (((to % HOUR_MS) + HOUR_MS) % HOUR_MS)) };
  const fullDays = new Set<number>();
  for (let day = ceilTo(from, DAY_MS); day + DAY_MS <= to; day += DAY_MS) {
    if (!rawSpans.some((s) => s.from < day + DAY_MS && s.to > day)) fullDays.add(day);
  }
  return { from, to, rawSpans, hours, fullDays, keySpans: keySpansOf(hours, rawSpans, fullDays) };
}

export function isRawHour(plan: RollupPlan, hour: number): boolean {
  return plan.rawSpans.some((s) => s.from < hour + HOUR_MS && s.to > hour);
}

function keySpansOf(hours: Span, rawSpans: readonly Span[], fullDays: ReadonlySet<number>): Record<Level, Span[]> {
  const spans: Record<Level, Span[]> = { hour: [], day: [] };
  const extend = (level: Level, start: number, size: number) => {
    const list = spans[level];
    const last = list.at(-1);
    if (last && last.to === start) list[list.length - 1] = { from: last.from, to: start + size };
    else list.push({ from: start, to: start + size });
  };
  for (let hour = hours.from; hour < hours.to; hour += HOUR_MS) {
    const day = startOf(hour, 'day');
    if (fullDays.has(day)) {
      if (hour === day) extend('day', day, DAY_MS);
    } else if (!rawSpans.some((s) => s.from < hour + HOUR_MS && s.to > hour)) {
      extend('hour', hour, HOUR_MS);
    }
  }
  return spans;
}

function ceilTo(ms: number, size: number): number {
  const rest = ((ms % size) + size) % size;
  return rest === 0 ? ms : ms - rest + size;
}
