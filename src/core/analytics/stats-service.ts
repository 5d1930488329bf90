import type { ClickFilter } from '../clicks/click-store.js';
import type { Clock } from '../shared/clock.js';
import { FieldErrors } from '../shared/field-errors.js';
import type { LinkService } from '../links/link-service.js';
import type { KeyCount, LinkCount, Totals } from './analytics-store.js';
import type { RollupAnalytics } from './rollup-analytics.js';
import { checkBots, checkTimeZone, parseTimeParam } from './range.js';
import { buckets, defaultInterval, estimatedBuckets, INTERVALS, type Interval } from './time-buckets.js';

const DAY_MS = 86_400_000;
export const DEFAULT_RANGE_MS = 30 * DAY_MS;
export const MAX_BUCKETS = 1000;
export const BREAKDOWN_LIMIT = 20;
export const TOP_LINKS_LIMIT = 10;

export interface StatsRequest {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly interval?: string | undefined;
  readonly tz?: string | undefined;
  readonly bots?: string | undefined;
}

export interface StatsReport {
  readonly code: string | null;
  readonly from: string;
  readonly to: string;
  readonly interval: Interval;
  readonly tz: string;
  readonly bots: ClickFilter['bots'];
  readonly totals: Totals;
  readonly timeseries: { t: string; clicks: number; uniqueVisitors: number }[];
  readonly countries: KeyCount[];
  readonly referrers: KeyCount[];
  readonly browsers: KeyCount[];
  readonly os: KeyCount[];
  readonly devices: KeyCount[];
  readonly languages: KeyCount[];
  readonly topLinks?: LinkCount[];
}

interface ParsedRequest {
  readonly from: number;
  readonly to: number;
  readonly interval: Interval;
  readonly tz: string;
  readonly bots: ClickFilter['bots'];
}

/** The analytics report of one link, or of all links. */
export class StatsService {
  constructor(
    private readonly analytics: RollupAnalytics,
    private readonly links: LinkService,
    private readonly clock: Clock,
  ) {}

  async forLink(code: string, request: StatsRequest): Promise<StatsReport> {
    const parsed = this.parse(request);
    const link = await this.links.find(code);
    return this.report(link.code, { linkId: link.id, from: parsed.from, to: parsed.to, bots: parsed.bots }, parsed);
  }

  async overall(request: StatsRequest): Promise<StatsReport> {
    const parsed = this.parse(request);
    const filter: ClickFilter = { from: parsed.from, to: parsed.to, bots: parsed.bots };
    const [report, topLinks] = await Promise.all([
      this.report(null, filter, parsed),
      this.analytics.topLinks(filter, TOP_LINKS_LIMIT),
    ]);
    return { ...report, topLinks };
  }

  private async report(code: string | null, filter: ClickFilter, parsed: ParsedRequest): Promise<StatsReport> {
    const series = buckets(parsed.from, parsed.to, parsed.interval, parsed.tz);
    const { totals, timeseries: counts, breakdowns } = await this.analytics.report(filter, series, BREAKDOWN_LIMIT);
    return {
      code,
      from: new Date(parsed.from).toISOString(),
      to: new Date(parsed.to).toISOString(),
      interval: parsed.interval,
      tz: parsed.tz,
      bots: parsed.bots,
      totals,
      timeseries: series.map((b, i) => ({
        t: new Date(b.start).toISOString(),
        clicks: counts[i]?.clicks ?? 0,
        uniqueVisitors: counts[i]?.uniqueVisitors ?? 0,
      })),
      ...breakdowns,
    };
  }

  private parse(request: StatsRequest): ParsedRequest {
    const errors = new FieldErrors();
    const tz = errors.attempt(() => checkTimeZone(request.tz ?? 'UTC')) ?? 'UTC';
    const bots = errors.attempt(() => checkBots(request.bots ?? 'include')) ?? 'include';
    const now = this.clock.now();
    const to = request.to === undefined ? now : errors.attempt(() => parseTimeParam('to', request.to as string, tz));
    const from = request.from === undefined
      ? (to ?? now) - DEFAULT_RANGE_MS
      : errors.attempt(() => parseTimeParam('from', request.from as string, tz));
    if (request.interval !== undefined && !(INTERVALS as readonly string[]).includes(request.interval)) {
      errors.add('interval', `must be one of ${INTERVALS.join(', ')}`);
    }
    errors.throwIfAny();
    if ((from as number) >= (to as number)) errors.add('from', 'must be before to');
    errors.throwIfAny();
    const range = { from: from as number, to: to as number };
    const interval = (request.interval as Interval | undefined) ?? defaultInterval(range.from, range.to);
    if (estimatedBuckets(range.from, range.to, interval) > MAX_BUCKETS) {
      errors.add('interval', `too fine for this range: more than ${MAX_BUCKETS} buckets`);
    }
    errors.throwIfAny();
    return { ...range, interval, tz, bots };
  }
}
