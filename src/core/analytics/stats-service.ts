import type { ClickFilter } from '../clicks/click-store.js';
import type { Clock } from '../shared/clock.js';
import { FieldErrors } from '../shared/field-errors.js';
import type { LinkService } from '../links/link-service.js';
import { DEFAULT_DOMAIN, hostOfDomain, type LinkKey } from '../links/link-key.js';
import { byClicks, type BucketCount, type Dimension, type KeyCount, type Totals } from './analytics-store.js';
import type { ClickScan } from './click-scan.js';
import { echoFilters, withStoredDomains, hasFilters, parseFilters, refuseUnknown, type ClickFilters, type Filters } from './filters.js';
import type { RollupAnalytics } from './rollup-analytics.js';
import { checkBots, checkTimeZone, parseTimeParam } from './range.js';
import { buckets, defaultInterval, estimatedBuckets, INTERVALS, MAX_BUCKETS, nextBucketStart, type Bucket, type Interval } from './time-buckets.js';
import { localTime, instantOf } from './time-zone.js';
import { parseOrphanTypes, type OrphanType } from '../orphans/orphan-visit.js';
import { NOT_FOR_ORPHANS } from '../orphans/orphan-query-service.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
export const DEFAULT_RANGE_MS = 30 * DAY_MS;
export { MAX_BUCKETS };
export const DEFAULT_BREAKDOWN_LIMIT = 10;
export const MAX_BREAKDOWN_LIMIT = 1000;
export const TOP_LINKS_LIMIT = 10;
export const COMPARISONS = ['previous', 'year'] as const;
export type Comparison = (typeof COMPARISONS)[number];

const STATS_PARAMETERS = ['from', 'to', 'interval', 'tz', 'bots', 'limit', 'compare'];

export interface StatsRequest {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly interval?: string | undefined;
  readonly tz?: string | undefined;
  readonly bots?: string | undefined;
  readonly limit?: number | string | undefined;
  readonly compare?: string | undefined;
  /** Filters: one parameter per dimension (filters.ts). */
  readonly [filter: string]: unknown;
}

type Series = { t: string; clicks: number; uniqueVisitors: number }[];

export type StatsReport = {
  readonly code: string | null;
  readonly from: string;
  readonly to: string;
  readonly interval: Interval;
  readonly tz: string;
  readonly bots: ClickFilter['bots'];
  readonly filters: Record<string, string[]>;
  readonly totals: Totals;
  readonly timeseries: Series;
  readonly domains?: KeyCount[];
  readonly tags?: KeyCount[];
  /** `domain`: the link's host. */
  readonly topLinks?: TopLink[];
  readonly previous?: { from: string; to: string; totals: Totals; timeseries: Series };
  /** Orphan visits per type. */
  readonly types?: KeyCount[];
} & Record<Dimension, KeyCount[]>;

interface Question {
  readonly from: number;
  readonly to: number;
  readonly interval: Interval;
  readonly tz: string;
  readonly bots: ClickFilter['bots'];
  readonly filters: ClickFilters;
  /** As the request said them, echoed. */
  readonly applied: Filters;
  readonly limit: number;
  readonly compare: Comparison | undefined;
  /** No `to` was given: the range ends now, and no click is stored past now. */
  readonly endsNow: boolean;
  /** A report of the orphan visits of these types (all when empty), not of clicks. */
  readonly orphans?: { readonly types: readonly OrphanType[] } | undefined;
}

interface Answer {
  readonly totals: Totals;
  readonly timeseries: BucketCount[];
  readonly breakdowns: Record<Dimension, KeyCount[]>;
  readonly tags?: KeyCount[];
  /** Keyed by the domain as links store it ('' the default). */
  readonly domains?: KeyCount[];
  /** `domain` as stored ('' the default). */
  readonly topLinks?: TopLink[];
  readonly types?: KeyCount[];
}

interface TopLink {
  readonly code: string;
  readonly domain: string;
  readonly clicks: number;
}

/**
 * The analytics report of one link, or of all links. Unfiltered, it reads the rollups; filtered,
 * the database answers from the raw clicks (ClickScan).
 */
export class StatsService {
  constructor(
    private readonly analytics: RollupAnalytics,
    private readonly scan: ClickScan,
    private readonly links: LinkService,
    private readonly clock: Clock,
    /** The default domain's host (the base URL's): how the `domain` filter names it. */
    private readonly domain: string,
  ) {}

  async forLink(key: LinkKey, request: StatsRequest): Promise<StatsReport> {
    const question = this.parse(request);
    const link = await this.links.find(key);
    return this.report(link.code, link.id, question);
  }

  async overall(request: StatsRequest): Promise<StatsReport> {
    return this.report(null, undefined, this.parse(request));
  }

  /** The report of the orphan visits (`type`: some types only), read from them as a filtered report is. */
  async orphans(request: StatsRequest & { readonly type?: string | undefined }): Promise<StatsReport> {
    const { type, ...rest } = request;
    const errors = new FieldErrors();
    const types = parseOrphanTypes(type, errors);
    for (const [name, why] of Object.entries(NOT_FOR_ORPHANS)) if (rest[name] !== undefined) errors.add(name, why);
    errors.throwIfAny();
    return this.report(null, undefined, { ...this.parse(rest), orphans: { types } });
  }

  private async report(code: string | null, linkId: number | undefined, q: Question): Promise<StatsReport> {
    const series = buckets(q.from, q.to, q.interval, q.tz);
    const previousRange = q.compare && previousOf(q, q.compare);
    const previousSeries = previousRange && buckets(previousRange.from, previousRange.to, q.interval, q.tz);
    const [answer, previous] = await Promise.all([
      q.endsNow ? this.answer(linkId, ...toHourEnd(q, series)) : this.answer(linkId, q, series),
      previousRange && previousSeries ? this.answer(linkId, { ...q, ...previousRange }, previousSeries) : undefined,
    ]);
    const overall = linkId === undefined && q.orphans === undefined;
    return {
      code,
      from: iso(q.from),
      to: iso(q.to),
      interval: q.interval,
      tz: q.tz,
      bots: q.bots,
      filters: echoFilters(q.applied),
      totals: answer.totals,
      timeseries: seriesOf(series, answer.timeseries),
      ...answer.breakdowns,
      ...(q.orphans ? { types: answer.types ?? [] } : {}),
      ...(overall ? {
        domains: this.domainsOf(answer, q.limit),
        tags: answer.tags ?? [],
        topLinks: (answer.topLinks ?? []).map((l) => ({ ...l, domain: hostOfDomain(l.domain, this.domain) })),
      } : {}),
      ...(previous && previousRange && previousSeries ? {
        previous: {
          from: iso(previousRange.from),
          to: iso(previousRange.to),
          totals: previous.totals,
          timeseries: seriesOf(previousSeries, previous.timeseries),
        },
      } : {}),
    };
  }

  /**
   * The domains breakdown by host, cut at `limit` in host order (storage answers every domain); one
   * domain with every click has the report's unique visitors too.
   */
  private domainsOf(answer: Answer, limit: number): KeyCount[] {
    const domains = (answer.domains ?? []).map((d) => ({ ...d, key: hostOfDomain(d.key ?? DEFAULT_DOMAIN, this.domain) })).sort(byClicks).slice(0, limit);
    const [only] = domains;
    if (domains.length === 1 && only && only.clicks === answer.totals.clicks) return [{ ...only, uniqueVisitors: answer.totals.uniqueVisitors }];
    return domains;
  }

  private async answer(linkId: number | undefined, q: Question, series: readonly { from: number; to: number }[]): Promise<Answer> {
    const overall = linkId === undefined;
    if (hasFilters(q.filters) || q.orphans) {
      const scanned = await this.scan.report({
        linkId, from: q.from, to: q.to, bots: q.bots, filters: q.filters, buckets: series, limit: q.limit,
        topLinks: overall && !q.orphans ? TOP_LINKS_LIMIT : undefined, orphans: q.orphans,
      });
      return { ...scanned, topLinks: scanned.links.map((l) => topLinkOf(l.key ?? '/', l.clicks)) };
    }
    const filter: ClickFilter = { linkId, from: q.from, to: q.to, bots: q.bots };
    if (!overall) return this.analytics.report(filter, series, q.limit);
    const [report, tags, domains, topLinks] = await Promise.all([
      this.analytics.report(filter, series, q.limit),
      this.analytics.tags(filter, q.limit),
      this.analytics.domains(filter),
      this.analytics.topLinks(filter, TOP_LINKS_LIMIT),
    ]);
    return { ...report, tags, domains, topLinks: topLinks.map((l) => ({ code: l.code, domain: l.domain, clicks: l.clicks })) };
  }

  private parse(request: StatsRequest): Question {
    const errors = new FieldErrors();
    refuseUnknown(request, STATS_PARAMETERS, errors);
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
    const limit = request.limit === undefined ? DEFAULT_BREAKDOWN_LIMIT : Number(request.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_BREAKDOWN_LIMIT) errors.add('limit', `must be a whole number from 1 to ${MAX_BREAKDOWN_LIMIT}`);
    if (request.compare !== undefined && !(COMPARISONS as readonly string[]).includes(request.compare)) {
      errors.add('compare', `must be one of ${COMPARISONS.join(', ')}`);
    }
    const filters = parseFilters(request, errors);
    errors.throwIfAny();
    const range = { from: from as number, to: to as number };
    if (range.from >= range.to) {
      errors.add('from', request.to === undefined ? `must be before now (${iso(range.to)}), where the range ends when to is not given` : `must be before to (got from ${iso(range.from)}, to ${iso(range.to)})`);
    }
    errors.throwIfAny();
    const interval = (request.interval as Interval | undefined) ?? defaultInterval(range.from, range.to);
    const tooMany = rangeProblem(range, request.interval as Interval | undefined, interval);
    if (tooMany) errors.add(tooMany.field === 'range' ? (request.from !== undefined ? 'from' : 'to') : 'interval', tooMany.message);
    errors.throwIfAny();
    return { ...range, interval, tz, bots, limit, filters: withStoredDomains(filters, this.domain), applied: filters, compare: request.compare as Comparison | undefined, endsNow: request.to === undefined };
  }
}

/**
 * Why a range cannot be reported in buckets, naming what to change: the interval when a coarser
 * one would do, else the range itself (whether or not an interval was asked for).
 */
function rangeProblem(range: { from: number; to: number }, asked: Interval | undefined, interval: Interval): { field: 'interval' | 'range'; message: string } | undefined {
  if (estimatedBuckets(range.from, range.to, interval) <= MAX_BUCKETS) return undefined;
  const span = `from ${iso(range.from)} to ${iso(range.to)}`;
  const coarser = INTERVALS.slice(INTERVALS.indexOf(interval) + 1).filter((i) => estimatedBuckets(range.from, range.to, i) <= MAX_BUCKETS);
  if (asked !== undefined && coarser.length > 0) {
    return { field: 'interval', message: `"${asked}" gives more than ${MAX_BUCKETS} buckets ${span}: use ${coarser.join(', ')}, or a shorter range` };
  }
  return { field: 'range', message: `the range ${span} is too long: it would be more than ${MAX_BUCKETS} ${interval} buckets` };
}

/**
 * A range that ends now, read to the end of the current hour where its last bucket allows: no click
 * is stored later than the moment it is read, so the count is the same, and the hour comes whole
 * from the rollups instead of a cut hour's raw clicks (under a spike, hundreds of thousands).
 */
function toHourEnd(q: Question, series: readonly Bucket[]): [Question, Bucket[]] {
  const last = series.at(-1) as Bucket;
  const to = Math.min(Math.ceil(q.to / HOUR_MS) * HOUR_MS, nextBucketStart(last.start, q.interval, q.tz));
  if (to <= q.to) return [q, [...series]];
  return [{ ...q, to }, [...series.slice(0, -1), { ...last, to }]];
}

/** The period a report is compared with: the same length just before, or the same dates a year earlier. */
function previousOf(q: Question, comparison: Comparison): { from: number; to: number } {
  if (comparison === 'previous') return { from: q.from - (q.to - q.from), to: q.from };
  return { from: yearBefore(q.from, q.tz), to: yearBefore(q.to, q.tz) };
}

/** The same local date and time a year earlier (29 February: 1 March). */
function yearBefore(ms: number, tz: string): number {
  const local = localTime(ms, tz);
  return instantOf({ ...local, year: local.year - 1 }, tz) + (((ms % 60_000) + 60_000) % 60_000);
}

function seriesOf(series: readonly { start: number }[], counts: readonly BucketCount[]): Series {
  return series.map((b, i) => ({ t: iso(b.start), clicks: counts[i]?.clicks ?? 0, uniqueVisitors: counts[i]?.uniqueVisitors ?? 0 }));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A scanned link's `code/domain` key (a code has no '/'). */
function topLinkOf(key: string, clicks: number): TopLink {
  const slash = key.indexOf('/');
  return { code: key.slice(0, slash), domain: key.slice(slash + 1), clicks };
}
