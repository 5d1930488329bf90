import type { ClickFilter } from '../clicks/click-store.js';
import { byClicks, DIMENSIONS, type BucketCount, type Dimension, type KeyCount, type LinkCount, type Totals } from './analytics-store.js';
import { ALL_LINKS, DAY_MS, HOUR_MS, startOf } from './rollup.js';
import { isRawHour, planRollups, type RollupPlan } from './rollup-plan.js';
import type { PeriodRow, RawClick, RollupReadTx, RollupStore, Span } from './rollup-store.js';
import { VisitorSketch } from './visitor-sketch.js';

export interface Report {
  readonly totals: Totals;
  readonly timeseries: BucketCount[];
  readonly breakdowns: Record<Dimension, KeyCount[]>;
}

/** A stretch of one UTC day whose unique visitors are counted together (ids are salted per day). */
type Part =
  | { readonly kind: 'hour'; readonly hour: number; readonly span: Span }
  | { readonly kind: 'day'; readonly day: number; readonly span: Span }
  | { readonly kind: 'union'; readonly hours: readonly number[]; readonly span: Span };

/**
 * Reports from rollups plus the few raw clicks they do not cover (cut hours, and clicks the roller
 * has not reached yet), read in one snapshot so the two never overlap or leave a gap.
 */
export class RollupAnalytics {
  constructor(private readonly store: RollupStore) {}

  report(filter: ClickFilter, buckets: readonly Span[], breakdownLimit: number): Promise<Report> {
    const plan = planRollups(filter.from, filter.to, buckets.flatMap((b) => [b.from, b.to]));
    return this.store.snapshot(async (tx) => {
      const data = await ReportData.read(tx, filter, plan);
      const totalParts = partsOf({ from: filter.from, to: filter.to }, plan, data);
      const bucketParts = buckets.map((b) => partsOf(b, plan, data));
      await data.loadSketches([totalParts, ...bucketParts].flat());
      const clicks = data.clicksBy(buckets);
      const totalClicks = data.clicks;
      return {
        totals: { clicks: totalClicks, humanClicks: totalClicks - data.botClicks, botClicks: data.botClicks, uniqueVisitors: data.visitors(totalParts) },
        timeseries: buckets.map((_b, i) => ({ clicks: clicks[i] ?? 0, uniqueVisitors: data.visitors(bucketParts[i] ?? []) })),
        breakdowns: Object.fromEntries(DIMENSIONS.map((d) => [d, data.breakdown(d, breakdownLimit)])) as Record<Dimension, KeyCount[]>,
      };
    });
  }

  topLinks(filter: ClickFilter, limit: number): Promise<LinkCount[]> {
    const plan = planRollups(filter.from, filter.to);
    return this.store.snapshot(async (tx) => {
      const counts = await rawClicksPerLink(tx, plan, filter);
      // Any link with raw clicks may overtake: ask for its rolled count too.
      const rolled = await tx.topLinks(plan.rolledSpans, filter.bots, limit, [...counts.keys()]);
      for (const row of rolled) counts.set(row.linkId, (counts.get(row.linkId) ?? 0) + row.clicks);
      const keys = await tx.linkKeys([...counts.keys()]);
      const text = (s: string, t: string) => (s < t ? -1 : s > t ? 1 : 0);
      return [...counts]
        .flatMap(([linkId, clicks]) => {
          const key = keys.get(linkId);
          return key === undefined || clicks === 0 ? [] : [{ linkId, code: key.code, domain: key.domain, clicks }];
        })
        .sort((a, b) => b.clicks - a.clicks || text(a.code, b.code) || text(a.domain, b.domain))
        .slice(0, limit);
    });
  }

  /** Clicks per tag of their links (a click counts for each tag of its link; null: links without tags). */
  tags(filter: ClickFilter, limit: number): Promise<KeyCount[]> {
    const plan = planRollups(filter.from, filter.to);
    return this.store.snapshot(async (tx) => {
      const perLink = await rawClicksPerLink(tx, plan, filter);
      const counts = new Map<string | null, number>();
      const add = (tag: string | null, clicks: number) => counts.set(tag, (counts.get(tag) ?? 0) + clicks);
      for (const row of await tx.tagClicks(plan.rolledSpans, filter.bots)) add(row.tag, row.clicks);
      const tags = await tx.linkTags([...perLink.keys()]);
      for (const [linkId, clicks] of perLink) for (const tag of tags.get(linkId) ?? [null]) add(tag, clicks);
      return [...counts].filter(([, clicks]) => clicks > 0).map(([key, clicks]) => ({ key, clicks })).sort(byClicks).slice(0, limit);
    });
  }

  /** Clicks per domain of their links ('' the default domain), every domain. */
  domains(filter: ClickFilter): Promise<KeyCount[]> {
    const plan = planRollups(filter.from, filter.to);
    return this.store.snapshot(async (tx) => {
      const perLink = await rawClicksPerLink(tx, plan, filter);
      const counts = new Map<string, number>();
      const add = (domain: string, clicks: number) => counts.set(domain, (counts.get(domain) ?? 0) + clicks);
      for (const row of await tx.domainClicks(plan.rolledSpans, filter.bots)) add(row.domain, row.clicks);
      const keys = await tx.linkKeys([...perLink.keys()]);
      for (const [linkId, clicks] of perLink) {
        const key = keys.get(linkId);
        if (key !== undefined) add(key.domain, clicks);
      }
      return [...counts].filter(([, clicks]) => clicks > 0).map(([key, clicks]) => ({ key, clicks }));
    });
  }
}

/** Clicks per link of those the rollups do not cover (cut hours, and past the watermark). */
async function rawClicksPerLink(tx: RollupReadTx, plan: RollupPlan, filter: ClickFilter): Promise<Map<number, number>> {
  const raw = await tx.raw(undefined, plan.rawSpans, await tx.watermark(), filter, filter.bots, false);
  const perLink = new Map<number, number>();
  for (const click of raw.clicks) perLink.set(click.linkId, (perLink.get(click.linkId) ?? 0) + 1);
  return perLink;
}

/** The parts of one UTC day each that make up `span`. */
function partsOf(span: Span, plan: RollupPlan, data: ReportData): Part[] {
  const parts: Part[] = [];
  for (let day = startOf(span.from, 'day'); day < span.to; day += DAY_MS) {
    const part = { from: Math.max(day, span.from), to: Math.min(day + DAY_MS, span.to) };
    if (data.closedDays.has(day) && part.from === day && part.to === day + DAY_MS && !data.hasRaw(part)) {
      parts.push({ kind: 'day', day, span: part });
      continue;
    }
    const hours: number[] = [];
    for (let hour = Math.max(plan.hours.from, startOf(part.from, 'hour')); hour < Math.min(plan.hours.to, part.to); hour += HOUR_MS) {
      if (hour >= part.from && hour + HOUR_MS <= part.to && !isRawHour(plan, hour)) hours.push(hour);
    }
    const single = hours[0];
    if (hours.length === 1 && single !== undefined && part.from === single && part.to === single + HOUR_MS && !data.hasRaw(part)) {
      parts.push({ kind: 'hour', hour: single, span: part });
    } else {
      parts.push({ kind: 'union', hours, span: part });
    }
  }
  return parts;
}

class ReportData {
  clicks = 0;
  botClicks = 0;
  private readonly hourRows = new Map<number, PeriodRow[]>();
  private readonly dayRows = new Map<number, PeriodRow[]>();
  private readonly keyCounts = new Map<Dimension, Map<string | null, number>>();
  private readonly sketches = new Map<number, Uint8Array[]>();

  private constructor(
    private readonly tx: RollupReadTx,
    private readonly linkId: number,
    private readonly filter: ClickFilter,
    private readonly raw: readonly RawClick[],
    /** Whole UTC days of the plan, closed and without cut hours: their day rows stand for their hours. */
    readonly closedDays: ReadonlySet<number>,
  ) {}

  static async read(tx: RollupReadTx, filter: ClickFilter, plan: RollupPlan): Promise<ReportData> {
    const linkId = filter.linkId ?? ALL_LINKS;
    const watermark = await tx.watermark();
    // One after another: a snapshot is one connection either way.
    const raw = await tx.raw(filter.linkId, plan.rawSpans, watermark, filter, filter.bots, true);
    const hours = await tx.periods(linkId, plan.hours, filter.bots, 'hour');
    const closed = closedDaysOf(plan, await tx.daysClosed());
    const days = closed.spans.length === 0 ? [] : await tx.periods(linkId, { from: closed.spans[0]?.from ?? 0, to: closed.spans.at(-1)?.to ?? 0 }, filter.bots, 'day');
    const keys = [
      ...await tx.keys(linkId, subtract(plan.rolledSpans, closed.spans), filter.bots, 'hour'),
      ...await tx.keys(linkId, closed.spans, filter.bots, 'day'),
    ];
    const data = new ReportData(tx, linkId, filter, raw.clicks.sort((a, b) => a.at - b.at), closed.days);
    for (const row of days) if (closed.days.has(row.start)) data.add(data.dayRows, row);
    for (const row of hours) {
      if (isRawHour(plan, row.start)) continue;
      data.add(data.hourRows, row);
      data.clicks += row.clicks;
      if (row.bot) data.botClicks += row.clicks;
    }
    for (const key of [...keys, ...raw.keys]) data.count(key.dimension, key.key, key.clicks);
    for (const click of data.raw) {
      data.clicks++;
      if (click.bot) data.botClicks++;
    }
    return data;
  }

  hasRaw(span: Span): boolean {
    return this.rawIn(span).length > 0;
  }

  /** Loads the sketches of the hours that parts must merge. */
  async loadSketches(parts: readonly Part[]): Promise<void> {
    const hours = new Set<number>();
    for (const part of parts) if (part.kind === 'union') for (const hour of part.hours) hours.add(hour);
    if (hours.size === 0) return;
    for (const row of await this.tx.sketches(this.linkId, [...hours], this.filter.bots)) {
      if (!row.sketch) continue;
      const list = this.sketches.get(row.start);
      if (list) list.push(row.sketch);
      else this.sketches.set(row.start, [row.sketch]);
    }
  }

  visitors(parts: readonly Part[]): number {
    let sum = 0;
    for (const part of parts) {
      if (part.kind === 'hour') {
        sum += total(this.hourRows.get(part.hour));
        continue;
      }
      if (part.kind === 'day') {
        sum += total(this.dayRows.get(part.day));
        continue;
      }
      const sketch = new VisitorSketch();
      for (const hour of part.hours) for (const bytes of this.sketches.get(hour) ?? []) sketch.merge(bytes);
      const raw = this.rawIn(part.span);
      for (const click of raw) sketch.add(click.visitorId);
      sum += sketch.estimate();
    }
    return sum;
  }

  clicksBy(buckets: readonly Span[]): number[] {
    const counts = buckets.map(() => 0);
    const bucketOf = (at: number) => {
      let lo = 0;
      let hi = buckets.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if ((buckets[mid] as Span).from <= at) lo = mid;
        else hi = mid - 1;
      }
      const bucket = buckets[lo];
      return bucket && at >= bucket.from && at < bucket.to ? lo : -1;
    };
    const bump = (at: number, n: number) => {
      const i = bucketOf(at);
      if (i >= 0) counts[i] = (counts[i] ?? 0) + n;
    };
    for (const [hour, rows] of this.hourRows) for (const row of rows) bump(hour, row.clicks);
    for (const click of this.raw) bump(click.at, 1);
    return counts;
  }

  breakdown(dimension: Dimension, limit: number): KeyCount[] {
    return [...(this.keyCounts.get(dimension) ?? [])]
      .filter(([, clicks]) => clicks > 0)
      .map(([key, clicks]) => ({ key, clicks }))
      .sort(byClicks)
      .slice(0, limit);
  }

  private rawIn(span: Span): RawClick[] {
    let lo = 0;
    let hi = this.raw.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.raw[mid] as RawClick).at < span.from) lo = mid + 1;
      else hi = mid;
    }
    const found: RawClick[] = [];
    for (let i = lo; i < this.raw.length && (this.raw[i] as RawClick).at < span.to; i++) found.push(this.raw[i] as RawClick);
    return found;
  }

  private add(map: Map<number, PeriodRow[]>, row: PeriodRow): void {
    const rows = map.get(row.start);
    if (rows) rows.push(row);
    else map.set(row.start, [row]);
  }

  private count(dimension: Dimension, key: string | null, clicks: number): void {
    let counts = this.keyCounts.get(dimension);
    if (!counts) this.keyCounts.set(dimension, (counts = new Map()));
    counts.set(key, (counts.get(key) ?? 0) + clicks);
  }
}

/** The plan's whole UTC days before `daysClosed` with no cut hour, one by one and as runs. */
function closedDaysOf(plan: RollupPlan, daysClosed: number): { days: Set<number>; spans: Span[] } {
  const days = new Set<number>();
  const spans: Span[] = [];
  const last = Math.min(plan.hours.to, startOf(daysClosed, 'day'));
  for (let day = startOf(plan.hours.from + DAY_MS - 1, 'day'); day + DAY_MS <= last; day += DAY_MS) {
    if (plan.rawSpans.some((s) => s.from < day + DAY_MS && s.to > day)) continue;
    days.add(day);
    const run = spans.at(-1);
    if (run && run.to === day) spans[spans.length - 1] = { from: run.from, to: day + DAY_MS };
    else spans.push({ from: day, to: day + DAY_MS });
  }
  return { days, spans };
}

/** The parts of `spans` outside `holes` (both sorted and disjoint). */
function subtract(spans: readonly Span[], holes: readonly Span[]): Span[] {
  const result: Span[] = [];
  for (const span of spans) {
    let from = span.from;
    for (const hole of holes) {
      if (hole.to <= from || hole.from >= span.to) continue;
      if (hole.from > from) result.push({ from, to: hole.from });
      from = Math.max(from, hole.to);
    }
    if (from < span.to) result.push({ from, to: span.to });
  }
  return result;
}

/** Visitors of bots and humans are apart (the user agent is part of the id): they add up. */
function total(rows: readonly PeriodRow[] | undefined): number {
  return (rows ?? []).reduce((sum, row) => sum + row.visitors, 0);
}
