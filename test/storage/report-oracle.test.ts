/**
 * Acceptance test of "filters on every dimension": every report (filtered or not, one link or all
 * links, with a comparison period), every click page and every export must equal the same question
 * answered by a plain scan of the clicks the test inserted (the oracle below), on both databases.
 *
 * Clicks are inserted straight into storage around a few fixed instants (DST changes, a leap day,
 * and the same dates a year apart, so compare=year finds data), part of them rolled up, part not,
 * sometimes with UTC days closed into day rows: unfiltered reports read rollups plus raw clicks,
 * filtered ones are grouped by the database. The oracle keeps every click of the whole test, so
 * reports over all links (and earlier runs' clicks in the same windows) are checked too.
 *
 * Visitor ids follow real ones: salted per UTC day, and bots apart from humans (the user agent is
 * part of the id); rollups count unique visitors per UTC day and add the days up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createLinkPulse, type LinkPulse } from '../../src/composition-root.js';
import { loadConfig } from '../../src/config.js';
import { Roller } from '../../src/core/analytics/roller.js';
import type { Click, NewClick } from '../../src/core/clicks/click.js';
import { ValidationError } from '../../src/core/shared/errors.js';
import { DATABASE_KINDS, postgresServerUrl, type DatabaseKind, type TestDatabase } from '../helpers/databases.js';
import { linkKey } from '../../src/core/links/link-key.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const DOMAIN = 'sho.rt';
/** A second domain: each run's link a lives there. */
const OTHER = 'go.example.com';
/** The service's clock: after every click of the test. */
const NOW = Date.UTC(2027, 0, 1);

/** Centres of the click windows: DST changes in Berlin and New York, a leap day, dates a year apart. */
const ANCHORS = [
  Date.UTC(2024, 1, 29, 12), // leap day; 2025-03-01 compares with it a year before
  Date.UTC(2025, 2, 1, 12),
  Date.UTC(2025, 2, 29, 12), // Berlin springs forward 2025-03-30 01:00Z
  Date.UTC(2026, 2, 28, 12), // … and 2026-03-29; a year before is the window above
  Date.UTC(2025, 9, 25, 12), // Berlin falls back 2025-10-26 01:00Z
  Date.UTC(2025, 10, 1, 12), // New York falls back 2025-11-02 06:00Z
  Date.UTC(2026, 9, 31, 12), // New York falls back 2026-11-01
];
const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu'] as const;

// ---------------------------------------------------------------------------------------------
// The spec, written out independently of src.

/** Breakdown name → click field (reports of one link and of all links). */
const BREAKDOWNS = {
  countries: 'country', referrers: 'referrerHost', browsers: 'browser', os: 'os', devices: 'device', languages: 'language',
  regions: 'region', cities: 'city', utmSources: 'utmSource', utmMediums: 'utmMedium', utmCampaigns: 'utmCampaign',
  utmTerms: 'utmTerm', utmContents: 'utmContent', targets: 'target',
} as const;
type Field = (typeof BREAKDOWNS)[keyof typeof BREAKDOWNS];
const FIELDS = Object.values(BREAKDOWNS) as Field[];
/** Every filter parameter, in the order reports echo them. */
const FILTER_DIMENSIONS = [...FIELDS, 'domain', 'tag'] as const;
type FilterDimension = (typeof FILTER_DIMENSIONS)[number];
/** Values a filter matches in canonical form: these dimensions ignore case. */
const CANONICAL: Partial<Record<FilterDimension, (v: string) => string>> = {
  country: (v) => v.toUpperCase(), region: (v) => v.toUpperCase(), device: (v) => v.toLowerCase(), language: (v) => v.toLowerCase(),
};
const INTERVALS = ['minute', 'hour', 'day', 'week', 'month'] as const;
type Interval = (typeof INTERVALS)[number];
const NOMINAL: Record<Interval, number> = { minute: MINUTE, hour: HOUR, day: DAY, week: 7 * DAY, month: 30 * DAY };
type Bots = 'include' | 'exclude' | 'only';

/** Small value sets, with null, with case and punctuation variants so that sort order and case matter. */
const VALUES: Record<Exclude<Field, 'device'>, readonly (string | null)[]> = {
  country: ['DE', 'FR', 'US', null],
  referrerHost: ['news.example', 't.co', 'www.google.com', null],
  browser: ['Firefox', 'firefox', 'Chrome', 'Safari', null],
  os: ['Linux', 'Windows', 'iOS', 'Android', null],
  language: ['de', 'en', 'fr', null],
  region: ['DE-BE', 'DE-BY', 'FR-IDF', 'US-CA', null],
  city: ['Berlin', 'Munich', 'Paris', 'San Jose', null],
  utmSource: ['newsletter', 'Newsletter', 'twitter', null],
  utmMedium: ['email', 'social', null],
  utmCampaign: ['spring_sale', 'spring-sale', 'Spring', 'launch', null],
  utmTerm: ["o'brien", 'shoes', null],
  utmContent: ['a', 'b', 'B', null],
  target: ['https://example.com/a', 'https://example.com/b?x=1', 'https://example.org/', null],
};
const HUMAN_DEVICES = ['desktop', 'mobile', 'tablet', 'other'] as const;
const TAGS = ['promo', 'Promo', 'news', 'q1-2025'] as const;
/** Values no click has, to filter on as well. */
const ABSENT: Record<FilterDimension, string> = {
  country: 'jp', referrerHost: 'bing.com', browser: 'Opera', os: 'BeOS', device: 'BOT', language: 'ja', region: 'us-ny',
  city: 'Rome', utmSource: 'fb', utmMedium: 'cpc', utmCampaign: 'fall', utmTerm: 'hats', utmContent: 'c',
  target: 'https://example.net/', domain: 'other.example', tag: 'none-such',
};

function poolOf(dimension: FilterDimension): readonly (string | null)[] {
  if (dimension === 'device') return [...HUMAN_DEVICES, 'bot'];
  if (dimension === 'tag') return [...TAGS, null];
  if (dimension === 'domain') return [DOMAIN, OTHER, null];
  return VALUES[dimension];
}

// ---------------------------------------------------------------------------------------------
// Time zones, with Intl only.

const formats = new Map<string, Intl.DateTimeFormat>();

interface Wall { year: number; month: number; day: number; hour: number; minute: number }

function wall(ms: number, tz: string): Wall {
  let format = formats.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formats.set(tz, format);
  }
  const p: Record<string, number> = {};
  for (const part of format.formatToParts(ms)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year ?? 0, month: p.month ?? 0, day: p.day ?? 0, hour: p.hour ?? 0, minute: p.minute ?? 0 };
}

const floorMinute = (ms: number) => ms - (((ms % MINUTE) + MINUTE) % MINUTE);
const wallMs = (ms: number, tz: string) => {
  const w = wall(ms, tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute);
};

/**
 * The first instant whose local time in `tz` is the given one (fields may overflow: 29 February of
 * a common year is 1 March); in a spring-forward gap, the instant the gap ends.
 */
function localInstant(year: number, month: number, day: number, hour: number, minute: number, tz: string): number {
  const target = Date.UTC(year, month - 1, day, hour, minute);
  const offsets = new Set([target - DAY, target, target + DAY].map((probe) => wallMs(probe, tz) - floorMinute(probe)));
  const candidates = [...offsets].map((offset) => target - offset).sort((a, b) => a - b);
  const exact = candidates.find((ms) => wallMs(ms, tz) === target);
  if (exact !== undefined) return exact;
  for (let ms = candidates[0] as number; ms <= (candidates.at(-1) as number); ms += MINUTE) if (wallMs(ms, tz) > target) return ms;
  throw new Error(`no instant for ${new Date(target).toISOString()} in ${tz}`);
}

function yearBefore(ms: number, tz: string): number {
  const w = wall(ms, tz);
  return localInstant(w.year - 1, w.month, w.day, w.hour, w.minute, tz) + (ms - floorMinute(ms));
}

function bucketFloor(ms: number, interval: Interval, tz: string): number {
  const w = wall(ms, tz);
  switch (interval) {
    case 'minute': return floorMinute(ms);
    // Every zone here changes its offset by whole hours: local hours are an hour long.
    case 'hour': return floorMinute(ms) - w.minute * MINUTE;
    case 'day': return localInstant(w.year, w.month, w.day, 0, 0, tz);
    case 'week': return localInstant(w.year, w.month, w.day - ((new Date(Date.UTC(w.year, w.month - 1, w.day)).getUTCDay() + 6) % 7), 0, 0, tz);
    case 'month': return localInstant(w.year, w.month, 1, 0, 0, tz);
  }
}

function bucketNext(start: number, interval: Interval, tz: string): number {
  const w = wall(start, tz);
  switch (interval) {
    case 'minute': return start + MINUTE;
    case 'hour': return start + HOUR;
    case 'day': return localInstant(w.year, w.month, w.day + 1, 0, 0, tz);
    case 'week': return localInstant(w.year, w.month, w.day + 7, 0, 0, tz);
    case 'month': return localInstant(w.year, w.month + 1, 1, 0, 0, tz);
  }
}

/** Bucket starts of [from, to): the first at or before `from`, the last before `to`. */
function bucketStarts(from: number, to: number, interval: Interval, tz: string): number[] {
  const starts: number[] = [];
  for (let start = bucketFloor(from, interval, tz); start < to; start = bucketNext(start, interval, tz)) starts.push(start);
  return starts;
}

// ---------------------------------------------------------------------------------------------
// The oracle.

interface Stored {
  readonly click: Click;
  readonly code: string;
  /** The host the click's link lives on. */
  readonly domain: string;
  readonly tags: readonly string[];
}

/** A link as the runs know it: `domain` is its host ('' in storage for the default). */
interface TestLink {
  readonly code: string;
  readonly domain: string;
  readonly tags: string[];
}

interface Filter {
  readonly dimension: FilterDimension;
  readonly values: readonly (string | null)[];
  readonly negate: boolean;
}

interface Question {
  readonly code: string | null;
  readonly from: number;
  readonly to: number;
  readonly interval: Interval;
  readonly tz: string;
  readonly bots: Bots;
  readonly limit: number;
  readonly compare: 'previous' | 'year' | undefined;
  readonly filters: readonly Filter[];
}

interface KeyCount { key: string | null; clicks: number; uniqueVisitors?: number }

/** A filter parameter as the spec reads it: comma list, leading ! negates, (none) is null. */
function parseFilter(dimension: FilterDimension, raw: string): Filter {
  const negate = raw.startsWith('!');
  const values = (negate ? raw.slice(1) : raw).split(',').map((item) => item.trim())
    .map((item) => (item === '(none)' ? null : (CANONICAL[dimension] ?? ((v: string) => v))(item)));
  return { dimension, values: [...new Set(values)], negate };
}

function echo(filters: readonly Filter[]): Record<string, string[]> {
  return Object.fromEntries(filters.map((f) => [f.dimension, f.values.map((v, i) => `${f.negate && i === 0 ? '!' : ''}${v ?? '(none)'}`)]));
}

function valuesOf(s: Stored, dimension: FilterDimension): readonly (string | null)[] {
  if (dimension === 'tag') return s.tags.length > 0 ? s.tags : [null];
  if (dimension === 'domain') return [s.domain];
  return [s.click[dimension]];
}

function passes(s: Stored, filters: readonly Filter[], bots: Bots): boolean {
  if (bots !== 'include' && s.click.bot !== (bots === 'only')) return false;
  return filters.every((f) => valuesOf(s, f.dimension).some((v) => f.values.includes(v)) !== f.negate);
}

function byClicks(a: KeyCount, b: KeyCount): number {
  if (a.clicks !== b.clicks) return b.clicks - a.clicks;
  if (a.key === b.key) return 0;
  if (a.key === null) return 1;
  if (b.key === null) return -1;
  return a.key < b.key ? -1 : 1;
}

function groupBy(clicks: readonly Stored[], keysOf: (s: Stored) => readonly (string | null)[], limit: number): KeyCount[] {
  const groups = new Map<string | null, { clicks: number; visitors: Set<string> }>();
  for (const s of clicks) {
    for (const key of keysOf(s)) {
      const group = groups.get(key) ?? { clicks: 0, visitors: new Set<string>() };
      group.clicks++;
      group.visitors.add(s.click.visitorId);
      groups.set(key, group);
    }
  }
  return [...groups].map(([key, g]) => ({ key, clicks: g.clicks, uniqueVisitors: g.visitors.size })).sort(byClicks).slice(0, limit);
}

const visitors = (clicks: readonly Stored[]) => new Set(clicks.map((s) => s.click.visitorId)).size;

function period(all: readonly Stored[], q: Question, from: number, to: number) {
  const inRange = all.filter((s) => s.click.at >= from && s.click.at < to && (q.code === null || s.code === q.code) && passes(s, q.filters, q.bots));
  const bots = inRange.filter((s) => s.click.bot).length;
  const starts = bucketStarts(from, to, q.interval, q.tz);
  const timeseries = starts.map((start, i) => {
    const lo = Math.max(start, from);
    const hi = Math.min(starts[i + 1] ?? to, to);
    const inBucket = inRange.filter((s) => s.click.at >= lo && s.click.at < hi);
    return { t: iso(start), clicks: inBucket.length, uniqueVisitors: visitors(inBucket) };
  });
  return { clicks: inRange, totals: { clicks: inRange.length, humanClicks: inRange.length - bots, botClicks: bots, uniqueVisitors: visitors(inRange) }, timeseries };
}

function expectedReport(all: readonly Stored[], q: Question): Record<string, unknown> {
  const now = period(all, q, q.from, q.to);
  const report: Record<string, unknown> = {
    code: q.code, from: iso(q.from), to: iso(q.to), interval: q.interval, tz: q.tz, bots: q.bots, filters: echo(q.filters),
    totals: now.totals, timeseries: now.timeseries,
  };
  for (const [name, field] of Object.entries(BREAKDOWNS)) report[name] = groupBy(now.clicks, (s) => [s.click[field]], q.limit);
  if (q.code === null) {
    report.domains = groupBy(now.clicks, (s) => [s.domain], q.limit);
    report.tags = groupBy(now.clicks, (s) => (s.tags.length > 0 ? s.tags : [null]), q.limit);
    // By link: code and domain (codes are unique per run, so this is the report's order too).
    report.topLinks = groupBy(now.clicks, (s) => [`${s.code}/${s.domain}`], 10)
      .map((k) => ({ code: (k.key as string).split('/')[0], domain: (k.key as string).split('/')[1], clicks: k.clicks }));
  }
  if (q.compare) {
    const [from, to] = q.compare === 'previous' ? [q.from - (q.to - q.from), q.from] : [yearBefore(q.from, q.tz), yearBefore(q.to, q.tz)];
    const earlier = period(all, q, from, to);
    report.previous = { from: iso(from), to: iso(to), totals: earlier.totals, timeseries: earlier.timeseries };
  }
  return report;
}

/** Newest first, as pages and exports list them. */
function matchingClicks(all: readonly Stored[], link: TestLink, from: number, to: number, filters: readonly Filter[], bots: Bots): Stored[] {
  return all.filter((s) => s.code === link.code && s.domain === link.domain && s.click.at >= from && s.click.at < to && passes(s, filters, bots))
    .sort((a, b) => b.click.at - a.click.at || b.click.id - a.click.id);
}

function clickView(s: Stored): Record<string, unknown> {
  const { linkId: _linkId, at, ...fields } = s.click;
  return { ...fields, code: s.code, at: iso(at), domain: s.domain };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------------
// What a run does: its clicks, how far they are rolled up, its questions.

type TimeSpec = { readonly offset: number } | { readonly date: number };

interface FilterSpec {
  readonly dimension: FilterDimension;
  readonly picks: readonly number[];
  readonly negate: boolean;
  /** Bits: 1 other case (where case does not matter), 2 spaces around items. */
  readonly variant: number;
}

interface QuestionSpec {
  readonly target: 'hub' | 'a' | 'b' | 'overall';
  readonly from: TimeSpec;
  readonly to: TimeSpec;
  readonly interval: Interval | undefined;
  readonly tz: (typeof ZONES)[number] | undefined;
  readonly bots: Bots | undefined;
  readonly limit: number | undefined;
  readonly compare: 'previous' | 'year' | undefined;
  readonly filters: readonly FilterSpec[];
  /** Click pages and exports over the link's whole history rather than the report's range. */
  readonly wholeHistory: boolean;
  /** No `to`: the report ends at the clock's now (set to `to`, past any click in its hour). */
  readonly endsNow: boolean;
  /** No `from`: the report starts 30 days before `to`. */
  readonly defaultFrom: boolean;
}

type ClickSpec = Omit<NewClick, 'linkId' | 'at' | 'visitorId' | 'ip' | 'userAgent' | 'referrer'> & { link: number; offset: number; visitor: number };

interface RunSpec {
  readonly anchor: number;
  readonly tags: readonly (readonly string[])[];
  readonly clicks: readonly ClickSpec[];
  readonly roll: { readonly mode: 'none' | 'all' | 'split' | 'partial' | 'close'; readonly cut: number; readonly closeAt: number; readonly rollLate: boolean };
  /** New tags for link a, given after its clicks (reports read a link's tags as they are now). */
  readonly retag: readonly string[] | undefined;
  readonly questions: readonly QuestionSpec[];
  /** Link b is deleted after the questions: later reports over all links no longer count its clicks. */
  readonly deleteB: boolean;
}

const value = <T>(values: readonly T[]) => fc.constantFrom(...values);

const clickArb: fc.Arbitrary<ClickSpec> = fc.record({
  link: fc.nat({ max: 2 }),
  // Anywhere in ±2.5 days, or on a quarter hour (ties on `at`, clicks on bucket edges).
  offset: fc.oneof(fc.integer({ min: -2.5 * DAY, max: 2.5 * DAY }), fc.integer({ min: -240, max: 240 }).map((q) => q * 15 * MINUTE)),
  visitor: fc.nat({ max: 5 }),
  bot: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
  device: value(HUMAN_DEVICES),
  country: value(VALUES.country), referrerHost: value(VALUES.referrerHost), browser: value(VALUES.browser), os: value(VALUES.os),
  language: value(VALUES.language), region: value(VALUES.region), city: value(VALUES.city), utmSource: value(VALUES.utmSource),
  utmMedium: value(VALUES.utmMedium), utmCampaign: value(VALUES.utmCampaign), utmTerm: value(VALUES.utmTerm),
  utmContent: value(VALUES.utmContent), target: value(VALUES.target),
}).map((c) => ({ ...c, device: c.bot ? 'bot' : c.device }));

const timeArb: fc.Arbitrary<TimeSpec> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -84, max: 84 }).map((h) => ({ offset: h * HOUR })) },
  { weight: 2, arbitrary: fc.integer({ min: -84 * 60, max: 84 * 60 }).map((m) => ({ offset: m * MINUTE })) },
  { weight: 3, arbitrary: fc.integer({ min: -3.5 * DAY, max: 3.5 * DAY }).map((ms) => ({ offset: ms })) },
  { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }).map((d) => ({ date: d })) },
);

const filterArb: fc.Arbitrary<FilterSpec> = fc.record({
  dimension: fc.oneof({ weight: 5, arbitrary: value(FIELDS) }, { weight: 2, arbitrary: fc.constant('tag' as const) }, { weight: 1, arbitrary: fc.constant('domain' as const) }),
  picks: fc.array(fc.nat({ max: 20 }), { minLength: 1, maxLength: 3 }),
  negate: fc.boolean(),
  variant: fc.nat({ max: 3 }),
});

const questionArb: fc.Arbitrary<QuestionSpec> = fc.record({
  target: value(['hub', 'a', 'b', 'overall'] as const),
  from: timeArb,
  to: timeArb,
  interval: fc.option(value(INTERVALS), { nil: undefined, freq: 6 }),
  tz: fc.option(value(ZONES), { nil: undefined, freq: 5 }),
  bots: fc.option(value(['include', 'exclude', 'only'] as const), { nil: undefined, freq: 4 }),
  limit: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined, freq: 4 }),
  compare: fc.option(value(['previous', 'year'] as const), { nil: undefined, freq: 2 }),
  filters: fc.oneof(fc.constant([]), fc.array(filterArb, { minLength: 1, maxLength: 2 })),
  wholeHistory: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  endsNow: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  defaultFrom: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

const runArb: fc.Arbitrary<RunSpec> = fc.record({
  anchor: value(ANCHORS),
  tags: fc.array(fc.uniqueArray(value(TAGS), { maxLength: 2 }), { minLength: 2, maxLength: 2 }),
  clicks: fc.array(clickArb, { minLength: 20, maxLength: 150, size: 'max' }),
  roll: fc.record({
    mode: value(['none', 'all', 'split', 'partial', 'close'] as const),
    cut: fc.nat({ max: 150 }),
    closeAt: fc.integer({ min: -4 * DAY, max: 4 * DAY }),
    rollLate: fc.boolean(),
  }),
  retag: fc.option(fc.uniqueArray(value(TAGS), { maxLength: 2 }), { nil: undefined, freq: 4 }),
  questions: fc.array(questionArb, { minLength: 3, maxLength: 5 }),
  deleteB: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
});

/** The filter parameter a spec stands for. */
function filterParam(spec: FilterSpec): string {
  const pool = [...poolOf(spec.dimension), ABSENT[spec.dimension]];
  const items = spec.picks.map((pick) => {
    const v = pool[pick % pool.length] ?? null;
    if (v === null) return '(none)';
    const cased = spec.variant & 1 && CANONICAL[spec.dimension] ? (v === v.toUpperCase() ? v.toLowerCase() : v.toUpperCase()) : v;
    return spec.variant & 2 ? ` ${cased} ` : cased;
  });
  return `${spec.negate ? '!' : ''}${items.join(',')}`;
}

/** A time parameter: an ISO instant, or a plain date (local midnight in tz). */
function timeParam(spec: TimeSpec, anchor: number, tz: string): { text: string; ms: number } {
  if ('offset' in spec) return { text: iso(anchor + spec.offset), ms: anchor + spec.offset };
  const date = new Date(anchor + spec.date * DAY);
  return { text: iso(date.getTime()).slice(0, 10), ms: localInstant(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), 0, 0, tz) };
}

function defaultInterval(from: number, to: number): Interval {
  return INTERVALS.find((i) => Math.ceil((to - from) / NOMINAL[i]) <= 200) ?? 'month';
}

// ---------------------------------------------------------------------------------------------
// One LinkPulse per database kind, shared by every run.

/** The service's clock, moved for reports that end now. */
class Clock {
  ms = NOW;
  now(): number {
    return this.ms;
  }
}

class World {
  stored: Stored[] = [];
  /** Clicks of deleted links: overall unique visitors from rollups may still count them (a known limit). */
  private readonly deleted: Stored[] = [];
  private readonly clock: Clock;
  /** What the runs covered, told at the end. */
  readonly seen = { runs: 0, questions: 0, overall: 0, filtered: 0, compared: 0, nonEmpty: 0, pages: 0, exported: 0 };
  private hub!: TestLink;

  private constructor(readonly kind: DatabaseKind, readonly lp: LinkPulse, private readonly database: TestDatabase, clock: Clock) {
    this.clock = clock;
  }

  static async open(kind: DatabaseKind): Promise<World> {
    const database = await kind.create();
    const config = loadConfig({
      LINKPULSE_DATABASE_URL: database.url, LINKPULSE_BASE_URL: `http://${DOMAIN}`, LINKPULSE_LOG_LEVEL: 'silent',
    });
    const clock = new Clock();
    const world = new World(kind, await createLinkPulse(config, { clock }), database, clock);
    await world.lp.domains.create({ host: OTHER });
    world.hub = await world.link('hub', ['promo', 'news']);
    return world;
  }

  async close(): Promise<void> {
    await this.lp.close();
    await this.database.drop();
  }

  /** The latest `at` of a stored click in [ms, the end of its hour), if any. */
  private clicksAfter(ms: number): number | undefined {
    const hourEnd = Math.ceil(ms / HOUR) * HOUR;
    let latest: number | undefined;
    for (const s of this.stored) if (s.click.at >= ms && s.click.at < hourEnd && (latest === undefined || s.click.at > latest)) latest = s.click.at;
    return latest;
  }

  async link(code: string, tags: string[], domain = DOMAIN): Promise<TestLink> {
    const created = await this.lp.storage.links.insert({
      code, domain: domain === DOMAIN ? '' : domain, url: `https://example.com/${code}`, title: null, tags, createdAt: NOW - 1000 * DAY, updatedAt: NOW - 1000 * DAY,
      expiresAt: null, maxClicks: null, redirectType: 302, disabled: false, passwordHash: null, fallbackUrl: null, track: true, preview: null, rules: [], variants: [],
    });
    assert.notEqual(created, 'code-taken');
    return { code, domain, tags };
  }

  idOf(link: TestLink): Promise<number> {
    return this.lp.storage.links.find(this.lp.domains.key(link.code, link.domain)).then((found) => found?.id as number);
  }

  async insert(clicks: readonly NewClick[], links: ReadonlyMap<number, TestLink>): Promise<void> {
    if (clicks.length === 0) return;
    const outcomes = await this.lp.storage.clicks.insertBatch(clicks);
    for (const outcome of outcomes) {
      if (typeof outcome !== 'object') assert.fail(`click not stored: ${outcome}`);
      const link = links.get(outcome.linkId) as TestLink;
      this.stored.push({ click: outcome, code: link.code, domain: link.domain, tags: link.tags });
    }
  }

  /** One run: two new links, clicks in one window, rolled up as the spec says, then its questions. */
  async check(run: RunSpec): Promise<void> {
    const n = ++this.seen.runs;
    const links = [this.hub, await this.link(`r${n}a`, [...(run.tags[0] ?? [])], OTHER), await this.link(`r${n}b`, [...(run.tags[1] ?? [])])];
    const ids = new Map<number, TestLink>();
    for (const link of links) ids.set(await this.idOf(link), link);
    const idOf = new Map([...ids].map(([id, link]) => [link.code, id]));
    const clicks: NewClick[] = run.clicks.map(({ link, offset, visitor, ...fields }) => {
      const at = run.anchor + offset;
      return {
        ...fields, linkId: idOf.get(links[link]?.code as string) as number, at, ip: '203.0.113.7', userAgent: fields.bot ? 'Bot/1.0' : 'UA',
        referrer: fields.referrerHost === null ? null : `https://${fields.referrerHost}/x`,
        // Salted per UTC day, and the user agent (bot or not) is part of it, as real ids are.
        visitorId: `${fields.bot ? 'b' : 'h'}${visitor}-${Math.floor(at / DAY)}`,
      };
    });
    const cut = Math.min(run.roll.cut, clicks.length);
    switch (run.roll.mode) {
      case 'none':
        await this.insert(clicks, ids);
        break;
      case 'all':
        await this.insert(clicks, ids);
        await this.lp.roller.catchUp();
        break;
      case 'split':
        await this.insert(clicks.slice(0, cut), ids);
        await this.lp.roller.catchUp();
        await this.insert(clicks.slice(cut), ids);
        break;
      case 'partial':
        await this.insert(clicks, ids);
        await new Roller(this.lp.storage.rollups, { batch: Math.max(1, cut) }).step();
        break;
      case 'close':
        await this.insert(clicks.slice(0, cut), ids);
        await this.lp.roller.catchUp();
        await new Roller(this.lp.storage.rollups, { clock: { now: () => run.anchor + run.roll.closeAt } }).closeDays();
        await this.insert(clicks.slice(cut), ids);
        if (run.roll.rollLate) await this.lp.roller.catchUp();
        break;
    }
    if (run.retag) {
      const a = links[1] as TestLink;
      await this.lp.storage.links.update(linkKey(a.code, a.domain), { updatedAt: NOW, tags: [...run.retag] });
      a.tags.splice(0, a.tags.length, ...run.retag); // the oracle's clicks share this array
    }
    for (const question of run.questions) await this.ask(question, run.anchor, links);
    if (run.deleteB) {
      const b = links[2] as { code: string };
      assert.equal(await this.lp.storage.links.delete(linkKey(b.code), Date.now()), true);
      this.deleted.push(...this.stored.filter((s) => s.code === b.code));
      this.stored = this.stored.filter((s) => s.code !== b.code);
    }
  }

  private async ask(spec: QuestionSpec, anchor: number, links: readonly TestLink[]): Promise<void> {
    const tz = spec.tz ?? 'UTC';
    let from = timeParam(spec.from, anchor, tz);
    let to = timeParam(spec.to, anchor, tz);
    if (from.ms > to.ms) [from, to] = [to, from];
    if (from.ms === to.ms) to = { text: iso(from.ms + HOUR), ms: from.ms + HOUR };
    if (spec.endsNow) {
      // Now is `to`, moved past every click in its hour: no click is stored later than a report is read.
      let now = to.ms;
      for (let later = this.clicksAfter(now); later !== undefined; later = this.clicksAfter(now)) now = later + 1;
      to = { text: iso(now), ms: now };
      if (from.ms >= to.ms) from = { text: iso(to.ms - HOUR), ms: to.ms - HOUR };
    }
    if (spec.defaultFrom) from = { text: iso(to.ms - 30 * DAY), ms: to.ms - 30 * DAY };
    // Minute buckets only where they stay under the 1000-bucket cap.
    const interval = spec.interval === 'minute' && Math.ceil((to.ms - from.ms) / MINUTE) + 1 > 1000 ? 'hour' : spec.interval;
    const filterParams: Record<string, string> = {};
    for (const f of spec.filters) filterParams[f.dimension] = filterParam(f);
    const filters = FILTER_DIMENSIONS.filter((d) => filterParams[d] !== undefined).map((d) => parseFilter(d, filterParams[d] as string));
    const target = spec.target === 'overall' ? undefined : links[['hub', 'a', 'b'].indexOf(spec.target)] as TestLink;
    const code = target?.code ?? null;
    const key = target && this.lp.domains.key(target.code, target.domain);
    const params = {
      ...(!spec.defaultFrom && { from: from.text }), ...(!spec.endsNow && { to: to.text }), ...filterParams,
      ...(interval && { interval }), ...(spec.tz && { tz }), ...(spec.bots && { bots: spec.bots }),
      ...(spec.limit !== undefined && { limit: String(spec.limit) }), ...(spec.compare && { compare: spec.compare }),
    };
    const question: Question = {
      code, from: from.ms, to: to.ms, interval: interval ?? defaultInterval(from.ms, to.ms), tz, bots: spec.bots ?? 'include',
      limit: spec.limit ?? 10, compare: spec.compare, filters,
    };
    const where = `${this.kind.name}, ${code ?? 'all links'} ${JSON.stringify(params)}${spec.endsNow ? ` at ${iso(to.ms)}` : ''}`;
    this.clock.ms = spec.endsNow ? to.ms : NOW;
    let report;
    try {
      report = key === undefined ? await this.lp.stats.overall(params) : await this.lp.stats.forLink(key, params);
    } finally {
      this.clock.ms = NOW;
    }
    const actual = JSON.parse(JSON.stringify(report)) as Record<string, unknown>;
    const expected = expectedReport(this.stored, question);
    // A documented limit (docs/ARCHITECTURE.md, Known limits): unfiltered reports over all links read
    // rolled-up visitor sketches, which keep a deleted link's visitors. There, unique visitors may lie
    // between the exact count and the count with the deleted links' clicks; everything else is exact.
    const unfiltered = filters.length === 0;
    if (code === null && unfiltered && this.deleted.length > 0) {
      allowGhostVisitors(expected, actual, expectedReport([...this.stored, ...this.deleted], question));
    }
    this.seen.questions++;
    if (code === null) this.seen.overall++;
    if (filters.length > 0) this.seen.filtered++;
    if (question.compare) this.seen.compared++;
    if ((expected.totals as { clicks: number }).clicks > 0) this.seen.nonEmpty++;
    // The zone a report names is checked on its own below ('names the time zone it was asked in').
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)].filter((k) => k !== 'tz'))) {
      assert.deepEqual(actual[key], withVisitorsAsGiven(expected[key], actual[key]), `${where}: report.${key}`);
    }
    if (key === undefined) return;

    // The click log with the same filters: pages of 7 following the cursor, and the NDJSON export.
    const range = spec.wholeHistory ? {} : { from: iso(from.ms), to: iso(to.ms) };
    const listParams = { ...range, ...filterParams, ...(spec.bots && { bots: spec.bots }) };
    const matching = matchingClicks(this.stored, target as TestLink, spec.wholeHistory ? 0 : from.ms, spec.wholeHistory ? NOW + 1 : to.ms, filters, question.bots);
    const paged: number[] = [];
    let cursor: string | undefined;
    for (let pages = 0; ; pages++) {
      assert.ok(pages <= matching.length / 7 + 1, `${where}: click pages do not end`);
      const page = await this.lp.clickQueries.page(key, { limit: 7, ...listParams, ...(cursor !== undefined && { cursor }) });
      assert.ok(page.items.length === 7 || page.nextCursor === null, `${where}: a page of ${page.items.length} clicks before the end`);
      paged.push(...page.items.map((c) => c.id));
      this.seen.pages++;
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    assert.deepEqual(paged, matching.map((s) => s.click.id), `${where}: click page ids (newest first) ${JSON.stringify(listParams)}`);
    const { chunks } = await this.lp.clickQueries.export(key, listParams, 'ndjson');
    let text = '';
    for await (const chunk of chunks) text += chunk;
    const lines = text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(new Set(lines.map((l) => l.id)), new Set(matching.map((s) => s.click.id)), `${where}: NDJSON export ids ${JSON.stringify(listParams)}`);
    assert.deepEqual(lines, matching.map(clickView), `${where}: NDJSON export lines, newest first`);
    this.seen.exported += lines.length;
  }
}

/** Where `actual` counts unique visitors between `expected` and `upper`, expects what it counts. */
function allowGhostVisitors(expected: Record<string, unknown>, actual: Record<string, unknown>, upper: Record<string, unknown>): void {
  type Counted = { uniqueVisitors: number };
  const allow = (e: Counted | undefined, a: Counted | undefined, u: Counted | undefined) => {
    if (e && a && u && a.uniqueVisitors >= e.uniqueVisitors && a.uniqueVisitors <= u.uniqueVisitors) e.uniqueVisitors = a.uniqueVisitors;
  };
  const section = (e: Record<string, unknown> | undefined, a: Record<string, unknown> | undefined, u: Record<string, unknown> | undefined) => {
    allow(e?.totals as Counted, a?.totals as Counted, u?.totals as Counted);
    const series = (r: Record<string, unknown> | undefined) => (Array.isArray(r?.timeseries) ? r.timeseries as Counted[] : []);
    series(e).forEach((bucket, i) => allow(bucket, series(a)[i], series(u)[i]));
  };
  section(expected, actual, upper);
  section(expected.previous as Record<string, unknown>, actual.previous as Record<string, unknown>, upper.previous as Record<string, unknown>);
  const domain = (r: Record<string, unknown>) => (Array.isArray(r.domains) ? r.domains[0] as Counted : undefined);
  allow(domain(expected), domain(actual), domain(upper));
}

/** Unique visitors per entry are compared where the report gives them (reports from raw clicks). */
function withVisitorsAsGiven(expected: unknown, actual: unknown): unknown {
  if (!Array.isArray(expected) || !Array.isArray(actual) || actual.length === 0) return expected;
  const entries = actual as Record<string, unknown>[];
  if (!entries.every((e) => typeof e === 'object' && e !== null && 'key' in e && !('uniqueVisitors' in e))) return expected;
  return (expected as KeyCount[]).map(({ uniqueVisitors: _uv, ...rest }) => rest);
}

// ---------------------------------------------------------------------------------------------

it('the PostgreSQL suite runs when CI requires it', { skip: !process.env.LINKPULSE_REQUIRE_POSTGRES }, () => {
  assert.ok(postgresServerUrl, 'LINKPULSE_REQUIRE_POSTGRES is set but LINKPULSE_TEST_POSTGRES_URL is not');
});

for (const kind of DATABASE_KINDS) {
  describe(`reports, click pages and exports equal a scan of the clicks on ${kind.name}`, { skip: kind.skip }, () => {
    let world: World;
    before(async () => {
      world = await World.open(kind);
    });
    after(() => world?.close());

    it('answers every question as a plain scan of the clicks would', { timeout: 240_000 }, async (t) => {
      await fc.assert(fc.asyncProperty(runArb, (run) => world.check(run)), {
        numRuns: Number(process.env.REPORT_ORACLE_RUNS ?? 40),
        // Shrinking re-runs whole runs against a growing database: bounded (a failure found is
        // reported as shrunk so far; without one, a slow machine just runs fewer).
        interruptAfterTimeLimit: 55_000,
        markInterruptAsFailure: false,
        includeErrorInReport: true,
      });
      t.diagnostic(`${JSON.stringify(world.seen)}, ${world.stored.length} clicks stored`);
    });

    it('names the time zone it was asked in, in its canonical case', async () => {
      for (const tz of [...ZONES, 'europe/berlin', 'ASIA/KATHMANDU']) {
        const named = ZONES.find((zone) => zone.toLowerCase() === tz.toLowerCase());
        assert.equal((await world.lp.stats.overall({ tz })).tz, named, `tz=${tz}`);
        assert.equal((await world.lp.stats.forLink(linkKey('hub'), { tz, country: 'DE' })).tz, named, `tz=${tz}, filtered`);
      }
    });

    it('lists the top links among equal counts by code, rolled up or not, filtered or not', async () => {
      // Eleven links with a click each in an hour no other test uses, created in both code orders.
      for (const order of ['descending', 'ascending'] as const) {
        const hour = Date.UTC(2023, 5, order === 'descending' ? 1 : 2, 10);
        const codes = Array.from({ length: 11 }, (_, i) => `tie-${order}-${String(i).padStart(2, '0')}`);
        const links = new Map<number, TestLink>();
        for (const code of order === 'descending' ? [...codes].reverse() : codes) {
          const link = await world.link(code, []);
          links.set(await world.idOf(link), link);
        }
        await world.insert([...links.keys()].map((linkId) => ({
          linkId, at: hour + 30 * MINUTE, ip: null, country: 'DE', browser: null, os: null, device: 'desktop', bot: false, referrer: null,
          referrerHost: null, language: null, userAgent: null, visitorId: 'tie', utmSource: null, utmMedium: null, utmCampaign: null,
          utmTerm: null, utmContent: null, region: null, city: null, target: null,
        })), links);
        const range = { from: iso(hour), to: iso(hour + HOUR) };
        const top = async (params: Record<string, string>) => (await world.lp.stats.overall({ ...range, ...params })).topLinks?.map((l) => `${l.code}:${l.clicks}`);
        const expected = codes.slice(0, 10).map((code) => `${code}:1`);
        assert.deepEqual(await top({}), expected, `${order}, raw`);
        await world.lp.roller.catchUp();
        assert.deepEqual(await top({}), expected, `${order}, rolled up`);
        assert.deepEqual(await top({ country: 'DE' }), expected, `${order}, filtered`);
      }
    });

    it('refuses unknown parameters and malformed filter values, naming the field', async () => {
      const refused = (fields: string[]) => (error: unknown) => {
        assert.ok(error instanceof ValidationError, `not a ValidationError: ${String(error)}`);
        assert.deepEqual(error.errors.map((e) => e.field).sort(), [...fields].sort());
        return true;
      };
      const { lp } = world;
      await assert.rejects(lp.stats.forLink(linkKey('hub'), { cuntry: 'DE' }), refused(['cuntry']));
      await assert.rejects(lp.stats.overall({ cuntry: 'DE' }), refused(['cuntry']));
      await assert.rejects(lp.stats.overall({ country: 'germany' }), refused(['country']));
      await assert.rejects(lp.stats.forLink(linkKey('hub'), { device: 'phone' }), refused(['device']));
      await assert.rejects(lp.stats.overall({ region: 'Berlin' }), refused(['region']));
      await assert.rejects(lp.stats.overall({ language: 'english' }), refused(['language']));
      await assert.rejects(lp.stats.overall({ country: 'DE,,FR' }), refused(['country']));
      await assert.rejects(lp.stats.overall({ browser: 'Firefox,' }), refused(['browser']));
      await assert.rejects(lp.stats.overall({ utmSource: '!' }), refused(['utmSource']));
      await assert.rejects(lp.stats.overall({ tag: '' }), refused(['tag']));
      await assert.rejects(lp.stats.overall({ cuntry: 'DE', device: 'phone', city: 'Berlin' }), refused(['cuntry', 'device']));
      await assert.rejects(lp.stats.overall({ from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z', interval: 'minute' }), refused(['interval']));
      await assert.rejects(lp.stats.overall({ limit: '0' }), refused(['limit']));
      await assert.rejects(lp.stats.overall({ country: ['DE', 'FR'] }), refused(['country']));
      await assert.rejects(lp.clickQueries.page(linkKey('hub'), { limit: 7, cuntry: 'DE' }), refused(['cuntry']));
      await assert.rejects(lp.clickQueries.page(linkKey('hub'), { limit: 7, country: 'germany' }), refused(['country']));
      await assert.rejects(lp.clickQueries.export(linkKey('hub'), { device: 'phone' }, 'ndjson'), refused(['device']));
      await assert.rejects(lp.clickQueries.export(linkKey('hub'), { interval: 'day' }, 'csv'), refused(['interval']));
      assert.throws(() => lp.clickQueries.liveFilter({ language: 'de,,en' }), refused(['language']));
    });
  });
}
