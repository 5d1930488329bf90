import { HOUR_MS, startOf } from './rollup.js';
import type { Span } from './rollup-store.js';

/**
 * How a report over [from, to) splits between rollups and raw clicks. Rollups are per UTC hour, so
 * an hour that a range or bucket edge cuts (say 10:30) is read raw; whole hours come from rollups.
 */
export interface RollupPlan {
  readonly from: number;
  readonly to: number;
  /** Cut hours, read from raw clicks: sorted, disjoint. */
  readonly rawSpans: readonly Span[];
  /** Whole UTC hours read from rollups: [hours.from, hours.to) minus the raw spans. */
  readonly hours: Span;
  /** The same rolled hours as runs of whole hours (where dimension counts are summed). */
  readonly rolledSpans: Span[];
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
  const firstHour = ceilTo(from, HOUR_MS);
  const hours = { from: firstHour, to: Math.max(firstHour, to - (((to % HOUR_MS) + HOUR_MS) % HOUR_MS)) };
  const plan = { from, to, rawSpans, hours, rolledSpans: [] as Span[] };
  for (let hour = hours.from; hour < hours.to; hour += HOUR_MS) {
    if (isRawHour(plan, hour)) continue;
    const last = plan.rolledSpans.at(-1);
    if (last && last.to === hour) plan.rolledSpans[plan.rolledSpans.length - 1] = { from: last.from, to: hour + HOUR_MS };
    else plan.rolledSpans.push({ from: hour, to: hour + HOUR_MS });
  }
  return plan;
}

export function isRawHour(plan: Pick<RollupPlan, 'rawSpans'>, hour: number): boolean {
  return plan.rawSpans.some((s) => s.from < hour + HOUR_MS && s.to > hour);
}

function ceilTo(ms: number, size: number): number {
  const rest = ((ms % size) + size) % size;
  return rest === 0 ? ms : ms - rest + size;
}
