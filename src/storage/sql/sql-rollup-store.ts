import { linkKey, type LinkKey } from '../../core/links/link-key.js';
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { LRUCache } from 'lru-cache';
import { CLICK_DIMENSIONS, DIMENSIONS, type Dimension } from '../../core/analytics/analytics-store.js';
import { ALL_LINKS, dayDeltas, type Level, type PeriodDelta, type RollupClick, type RollupDelta } from '../../core/analytics/rollup.js';
import type { KeyRow, PeriodRow, RawClick, RawClicks, RollupReadTx, RollupStore, SketchRow, Span } from '../../core/analytics/rollup-store.js';
import { VisitorSketch } from '../../core/analytics/visitor-sketch.js';
import type { BotFilter } from '../../core/clicks/click-store.js';
import { TimeSlices, yieldToEventLoop } from '../../core/shared/time-slices.js';
import type { ClicksTable, Database, RollupPeriodsTable, SqlDialect } from '../schema.js';
import { DIMENSION_COLUMNS } from './click-columns.js';
import { addToLinkCounts, indexClicks, readWatermark } from './click-links.js';
import { chunks } from './chunks.js';
import { closeDay, readDaysClosed } from './close-day.js';
import { addDims, addEncodedDims, decodeDims, encodeDims } from './rollup-dims.js';
import { upsertPeriods } from './period-upsert.js';

// Click batches hold this lock shared; the roller takes it alone for an instant to learn which ids
// are committed (PostgreSQL hands out ids before commit, so a lower id may still be in flight).
export const CLICK_WRITERS_LOCK = 0x6c70_726f; // "lpro"
const HOUR: Level = 'hour';
// Sketches are ~4 KB: 100 hours make one ~400 KB blob.
const SKETCHES_PER_QUERY = 100;
const DAY: Level = 'day';

class RollupConflict extends Error {}

interface JoinedSketches {
  readonly sketches: Uint8Array | null;
  readonly sizes: string | null;
  readonly starts: string | null;
  readonly bots: string | null;
}

/**
 * Writes a step's hour and day rows in the step's transaction, each only where the stored version is
 * the one before it; answers how many it wrote.
 */
export type PeriodWriter = (rows: readonly RollupPeriodsTable[], trx: Transaction<Database>) => Promise<number>;

/** In statements of a few hundred rows, yielding between them. */
const writePeriods: PeriodWriter = async (rows, trx) => {
  let written = 0;
  for (const chunk of chunks(rows)) {
    written += await upsertPeriods(trx, chunk, 'next-only');
    // Between statements, let the event loop take requests (their clicks queue for the connection).
    await yieldToEventLoop();
  }
  return written;
};

/** Rollups over Kysely, one implementation for SQLite and PostgreSQL. */
export class SqlRollupStore implements RollupStore {
  // The current periods, decoded but for their sketches (a few KB each).
  private readonly cache: PeriodCache = new LRUCache({ max: 5000 });

  constructor(
    private readonly kind: SqlDialect,
    private readonly db: Kysely<Database>,
    /** Where snapshots read (SQLite: the read worker). */
    private readonly reads: Kysely<Database> = db,
    private readonly write: PeriodWriter = writePeriods,
  ) {}

  async position(): Promise<{ after: number; upTo: number }> {
    const after = await readWatermark(this.db);
    return { after, upTo: await settledClickId(this.kind, this.db) };
  }

  async clicksAfter(after: number, upTo: number, limit: number): Promise<RollupClick[]> {
    // SQLite reads them in the worker: the event loop only receives the rows.
    const rows = await this.reads.selectFrom('clicks').select(CLICK_COLUMNS)
      .where('id', '>', after).where('id', '<=', upTo).orderBy('id').limit(limit).execute();
    return rows.map(toRollupClick);
  }

  async apply(delta: RollupDelta, after: number, upTo: number, clicks: number): Promise<boolean> {
    // The merging happens before the transaction, a slice at a time; the transaction only writes,
    // each row on condition that its version is still the one merged with.
    // Clicks of a closed day (an import, a late commit) also go into its day rows.
    const daysClosed = await readDaysClosed(this.db);
    const rows = [
      ...await mergedPeriods(this.db, HOUR, delta.hour, this.cache),
      ...await mergedPeriods(this.db, DAY, dayDeltas(delta.hour, daysClosed), this.cache),
    ];
    try {
      return await this.db.transaction().execute(async (trx) => {
        await addToLinkCounts(trx, this.kind, clicksPerLink(delta.hour));
        const moved = await trx.updateTable('rollup_state').set({ watermark: upTo })
          .where('id', '=', 1).where('watermark', '=', after).where('days_closed', '=', daysClosed).executeTakeFirst();
        if (Number(moved.numUpdatedRows) !== 1) throw new RollupConflict();
        // A link deleted since the clicks were summed took its clicks along: start again (deletion and
        // this step both lock the link first, so one waits for the other).
        if ((await indexClicks(trx, after, upTo)) !== clicks) throw new RollupConflict();
        if ((await this.write(rows, trx)) !== rows.length) throw new RollupConflict();
        return true;
      });
    } catch (error) {
      if (!(error instanceof RollupConflict)) throw error;
      this.cache.clear();
      return false;
    }
  }

  async closeDay(endedBefore: number): Promise<boolean> {
    return closeDay(this.db, this.reads, endedBefore);
  }

  async snapshot<T>(read: (tx: RollupReadTx) => Promise<T>): Promise<T> {
    const transaction = this.kind === 'postgres' ? this.reads.transaction().setIsolationLevel('repeatable read') : this.reads.transaction();
    return transaction.execute((trx) => read(new SqlRollupReadTx(this.kind, trx)));
  }

  /** A deleted link's rollups go, and leave the all-links rollups (sketches stay: they cannot subtract). In the deleting transaction. */
  static async forgetLink(trx: Transaction<Database>, linkId: number): Promise<void> {
    // Roller steps and day closing write rollup_state in their transactions: with its row held here,
    // neither is midway while this link's rollups are read and subtracted.
    await trx.updateTable('rollup_state').set((eb) => ({ watermark: eb.ref('watermark') })).where('id', '=', 1).execute();
    const periods = await trx.selectFrom('rollup_periods').select(['level', 'start', 'bot', 'clicks', 'dims']).where('link_id', '=', linkId).execute();
    for (const p of periods) {
      const all = trx.selectFrom('rollup_periods').select('dims')
        .where('link_id', '=', ALL_LINKS).where('level', '=', p.level).where('start', '=', p.start).where('bot', '=', p.bot);
      const total = await all.executeTakeFirst();
      if (!total) continue;
      const dims = decodeDims(total.dims);
      addDims(dims, decodeDims(p.dims), -1);
      await trx.updateTable('rollup_periods').set((eb) => ({ clicks: eb('clicks', '-', p.clicks), dims: encodeDims(dims), version: eb('version', '+', 1) }))
        .where('link_id', '=', ALL_LINKS).where('level', '=', p.level).where('start', '=', p.start).where('bot', '=', p.bot).execute();
    }
    await trx.deleteFrom('rollup_periods').where('link_id', '=', linkId).execute();
    // SQLite numbers a new row after the highest id left: with the newest clicks deleted, that may be
    // at or under the watermark, where the roller would never look. Keep the watermark under it.
    await trx.updateTable('rollup_state')
      .set((eb) => ({ watermark: eb.fn.coalesce(eb.selectFrom('clicks').select((c) => c.fn.max('id').as('id')), eb.lit(0)) }))
      .where('id', '=', 1)
      .where((eb) => eb('watermark', '>', eb.fn.coalesce(eb.selectFrom('clicks').select((c) => c.fn.max('id').as('id')), eb.lit(0))))
      .execute();
  }
}

const CLICK_COLUMNS = ['id', 'link_id', 'at', 'bot', 'visitor_id', ...Object.values(DIMENSION_COLUMNS)] as const;

type ClickRollupRow = Pick<Selectable<ClicksTable>, (typeof CLICK_COLUMNS)[number]>;

function toRollupClick(r: ClickRollupRow): RollupClick {
  const click: Record<string, unknown> = { id: Number(r.id), linkId: Number(r.link_id), at: Number(r.at), bot: Number(r.bot) === 1, visitorId: r.visitor_id };
  for (const dimension of DIMENSIONS) click[CLICK_DIMENSIONS[dimension]] = r[DIMENSION_COLUMNS[dimension]];
  return click as unknown as RollupClick;
}

/**
 * The highest click id that no click still being written can undercut: what the roller rolls up to,
 * and how far webhooks read clicks. SQLite commits ids in order: its highest is committed (the last
 * entry of the rowid tree).
 */
async function settledClickId(kind: SqlDialect, db: Kysely<Database>): Promise<number> {
  return kind === 'postgres' ? db.transaction().execute(committedUpTo) : highestClickId(db);
}

/** The highest click id stored (0 with none). */
async function highestClickId(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('clicks').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** The highest id below which no click batch is still in flight. */
async function committedUpTo(trx: Transaction<Database>): Promise<number> {
  await sql`select pg_advisory_lock(${CLICK_WRITERS_LOCK})`.execute(trx);
  try {
    return await highestClickId(trx);
  } finally {
    await sql`select pg_advisory_unlock(${CLICK_WRITERS_LOCK})`.execute(trx);
  }
}

interface CachedPeriod {
  version: number;
  clicks: number;
  /** Encoded: a few KB, where a decoded exact sketch is a Set several times larger. */
  sketch: Uint8Array | undefined;
  readonly dims: Map<string | null, number>[];
}

type PeriodCache = LRUCache<string, CachedPeriod>;

/**
 * The stored periods with the deltas added, as rows to write. The current periods change with every
 * step, so the roller keeps them decoded between steps (good while their stored version matches).
 */
async function mergedPeriods(db: Kysely<Database>, level: Level, periods: readonly PeriodDelta[], cache: PeriodCache) {
  const idOf = (linkId: number, start: number, bot: number | boolean) => `${level}|${linkId}|${start}|${Number(bot)}`;
  // Point lookups by primary key: the links of one period start at a time.
  const byStart = new Map<number, PeriodDelta[]>();
  for (const p of periods) byStart.set(p.start, [...(byStart.get(p.start) ?? []), p]);
  const versions = new Map<string, number>();
  for (const [start, list] of byStart) {
    for (const chunk of chunks([...new Set(list.map((p) => p.linkId))])) {
      const found = await db.selectFrom('rollup_periods').select(['link_id', 'bot', 'version'])
        .where('link_id', 'in', chunk).where('level', '=', level).where('start', '=', start).execute();
      for (const r of found) versions.set(idOf(r.link_id, start, r.bot), Number(r.version));
    }
  }
  const rows = [];
  const slices = new TimeSlices();
  for (const p of periods) {
    const id = idOf(p.linkId, p.start, p.bot);
    const version = versions.get(id);
    let period = version === undefined ? undefined : cache.get(id);
    if (version !== undefined && period?.version !== version) {
      const r = await db.selectFrom('rollup_periods').select(['version', 'clicks', 'sketch', 'dims'])
        .where('link_id', '=', p.linkId).where('level', '=', level).where('start', '=', p.start).where('bot', '=', p.bot ? 1 : 0)
        .executeTakeFirstOrThrow();
      period = { version: Number(r.version), clicks: Number(r.clicks), sketch: new Uint8Array(r.sketch), dims: decodeDims(r.dims) };
    }
    // Changed in place: were the write to fail, the stored version would no longer match it.
    const merged: CachedPeriod = period ?? { version: 0, clicks: 0, sketch: undefined, dims: DIMENSIONS.map(() => new Map()) };
    const sketch = p.visitors.addToEncoded(merged.sketch);
    merged.sketch = sketch;
    addDims(merged.dims, p.keys);
    merged.clicks += p.clicks;
    merged.version++;
    cache.set(id, merged);
    rows.push({
      level, link_id: p.linkId, start: p.start, bot: p.bot ? 1 : 0, clicks: merged.clicks, version: merged.version,
      visitors: VisitorSketch.estimateEncoded(sketch), sketch: Buffer.from(sketch.buffer, sketch.byteOffset, sketch.byteLength), dims: encodeDims(merged.dims),
    });
    await slices.next(); // let redirects through
  }
  return rows;
}

function clicksPerLink(periods: readonly PeriodDelta[]): Map<number, number> {
  const perLink = new Map<number, number>();
  for (const p of periods) if (p.linkId !== ALL_LINKS) perLink.set(p.linkId, (perLink.get(p.linkId) ?? 0) + p.clicks);
  return perLink;
}

function botsMatch(bots: BotFilter, column = 'bot') {
  return bots === 'include' ? sql<boolean>`1 = 1` : sql<boolean>`${sql.ref(column)} = ${bots === 'only' ? 1 : 0}`;
}

function inSpans(spans: readonly Span[], column = 'start') {
  const start = sql.ref(column);
  const parts = spans.map((s) => sql`(${start} >= ${s.from} and ${start} < ${s.to})`);
  return parts.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`(${sql.join(parts, sql` or `)})`;
}

const RAW_COLUMNS = ['link_id', 'at', 'bot', 'visitor_id'];
const RAW_CLICKS_PER_ROW = 4000;

interface RawClickLists {
  readonly links: string;
  readonly ats: string;
  /** One digit a click. */
  readonly bots: string;
  /** A JSON array (PostgreSQL's driver parses it). */
  readonly visitors: string | string[];
}

function rawClicksOf(row: RawClickLists): RawClick[] {
  const links = row.links.split(',');
  const ats = row.ats.split(',');
  const visitors = typeof row.visitors === 'string' ? (JSON.parse(row.visitors) as string[]) : row.visitors;
  return ats.map((at, i) => ({ linkId: Number(links[i]), at: Number(at), bot: row.bots[i] === '1', visitorId: visitors[i] as string }));
}


/**
 * The clicks in `spans` and those past `after` inside `tail`, each once: one link's clicks in spans
 * through click_links (up to the watermark), every link's by the at index up to the watermark; the
 * rest by id range ("+" keeps SQLite on the index it should use).
 */
function rawSource(columns: readonly string[], linkId: number | undefined, spans: readonly Span[], after: number, tail: Span, bots: BotFilter) {
  const of = sql.join(columns.map((column) => sql.ref(`c.${column}`)));
  const parts = spans.map((span) => (linkId === undefined
    ? sql`select ${of} from clicks c where c.at >= ${span.from} and c.at < ${span.to} and +c.id <= ${after} and ${botsMatch(bots, 'c.bot')}`
    : sql`select ${of} from click_links l join clicks c on c.id = l.id
        where l.link_id = ${linkId} and l.at >= ${span.from} and l.at < ${span.to} and ${botsMatch(bots, 'c.bot')}`));
  const byLink = linkId === undefined ? sql`1 = 1` : sql`+c.link_id = ${linkId}`;
  parts.push(sql`select ${of} from clicks c where c.id > ${after} and +c.at >= ${tail.from} and +c.at < ${tail.to} and ${byLink} and ${botsMatch(bots, 'c.bot')}`);
  return sql.join(parts, sql` union all `);
}

class SqlRollupReadTx implements RollupReadTx {
  constructor(
    private readonly kind: SqlDialect,
    private readonly trx: Transaction<Database>,
  ) {}

  watermark(): Promise<number> {
    return readWatermark(this.trx);
  }

  daysClosed(): Promise<number> {
    return readDaysClosed(this.trx);
  }

  async raw(linkId: number | undefined, spans: readonly Span[], after: number, tail: Span, bots: BotFilter, withKeys: boolean): Promise<RawClicks> {
    const source = (columns: readonly string[]) => rawSource(columns, linkId, spans, after, tail, bots);
    // As lists of a few thousand clicks, not a row each: building and passing ~14 000 rows of a cut
    // hour cost ~65 ms, its lists ~15 (by hand). The lists of a group come from one pass: aligned.
    const numbered = sql`select *, (row_number() over ()) / ${sql.lit(RAW_CLICKS_PER_ROW)} as chunk from (${source(RAW_COLUMNS)}) s`;
    const lists = this.kind === 'postgres'
      ? sql<RawClickLists>`select string_agg(link_id::text, ',') as links, string_agg(at::text, ',') as ats, string_agg(bot::text, '') as bots,
          json_agg(visitor_id) as visitors from (${numbered}) r group by chunk`
      : sql<RawClickLists>`select group_concat(link_id) as links, group_concat(at) as ats, group_concat(bot, '') as bots,
          json_group_array(visitor_id) as visitors from (${numbered}) r group by chunk`;
    const clicks = (await lists.execute(this.trx)).rows.flatMap(rawClicksOf);
    if (!withKeys || clicks.length === 0) return { clicks, keys: [] };
    // Summed by the database: passing every raw click's six values up cost ~4 µs a click (by hand).
    const counts = DIMENSIONS.map((dimension, d) => {
      const column = sql.ref(DIMENSION_COLUMNS[dimension]);
      return sql`select ${sql.lit(d)} as d, ${column} as k, count(*) as n from r group by ${column}`;
    });
    const keys = await sql<{ d: number; k: string | null; n: number | string }>`with r as materialized (${source(Object.values(DIMENSION_COLUMNS))})
      ${sql.join(counts, sql` union all `)}`.execute(this.trx);
    return { clicks, keys: keys.rows.map((r) => ({ dimension: DIMENSIONS[Number(r.d)] as Dimension, key: r.k, clicks: Number(r.n) })) };
  }

  async periods(linkId: number, span: Span, bots: BotFilter, level: Level): Promise<PeriodRow[]> {
    const rows = await this.trx.selectFrom('rollup_periods').select(['start', 'bot', 'clicks', 'visitors'])
      .where('link_id', '=', linkId).where('level', '=', level).where('start', '>=', span.from).where('start', '<', span.to)
      .where(botsMatch(bots))
      .execute();
    return rows.map((r) => ({ start: Number(r.start), bot: Number(r.bot) === 1, clicks: Number(r.clicks), visitors: Number(r.visitors) }));
  }

  async sketches(linkId: number, starts: readonly number[], bots: BotFilter): Promise<SketchRow[]> {
    const rows: SketchRow[] = [];
    for (const chunk of chunks(starts, SKETCHES_PER_QUERY)) {
      const periods = this.trx.selectFrom('rollup_periods').select(['start', 'bot', 'sketch'])
        .where('link_id', '=', linkId).where('level', '=', HOUR).where('start', 'in', chunk).where('sketch', 'is not', null)
        .where(botsMatch(bots));
      // One blob of all the sketches, not a buffer each: a Berlin report's ~700 buffers of 4 KB, freed
      // only by later collections, kept ~30 MB of malloc's memory on the event loop's thread (by hand).
      // The lists come from one pass over the rows, so they are in the same order.
      const joined = this.kind === 'postgres'
        ? sql<JoinedSketches>`select string_agg(sketch, ''::bytea) as sketches, string_agg(length(sketch)::text, ',') as sizes,
            string_agg(start::text, ',') as starts, string_agg(bot::text, ',') as bots from (${periods}) p`
        : sql<JoinedSketches>`select cast(group_concat(sketch, '') as blob) as sketches, group_concat(length(sketch)) as sizes,
            group_concat(start) as starts, group_concat(bot) as bots from (${periods}) p`;
      const { sketches, sizes, starts: starting, bots: botFlags } = (await joined.execute(this.trx)).rows[0] ?? {};
      if (!sketches || !sizes || !starting || !botFlags) continue;
      const [lengths, at, bot] = [sizes, starting, botFlags].map((list) => list.split(',').map(Number)) as [number[], number[], number[]];
      const bytes = new Uint8Array(sketches.buffer, sketches.byteOffset, sketches.byteLength);
      let offset = 0;
      for (let i = 0; i < lengths.length; i++) {
        const length = lengths[i] as number;
        rows.push({ start: at[i] as number, bot: bot[i] === 1, sketch: bytes.subarray(offset, offset + length) });
        offset += length;
      }
    }
    return rows;
  }

  async keys(linkId: number, spans: readonly Span[], bots: BotFilter, level: Level): Promise<KeyRow[]> {
    if (spans.length === 0) return [];
    const rows = await this.trx.selectFrom('rollup_periods').select('dims')
      .where('link_id', '=', linkId).where('level', '=', level).where(inSpans(spans)).where(botsMatch(bots))
      .execute();
    const sums = DIMENSIONS.map(() => new Map<string | null, number>());
    for (const row of rows) addEncodedDims(sums, row.dims);
    return sums.flatMap((counts, d) => [...counts].map(([key, clicks]) => ({ dimension: DIMENSIONS[d] as Dimension, key, clicks })));
  }

  async linkKeys(ids: readonly number[]): Promise<Map<number, LinkKey>> {
    const keys = new Map<number, LinkKey>();
    for (const chunk of chunks(ids)) {
      const rows = await this.trx.selectFrom('links').select(['id', 'domain', 'code']).where('id', 'in', chunk).execute();
      for (const r of rows) keys.set(Number(r.id), linkKey(r.code, r.domain));
    }
    return keys;
  }

  async tagClicks(spans: readonly Span[], bots: BotFilter): Promise<{ tag: string | null; clicks: number }[]> {
    const rows = await this.trx.selectFrom('rollup_periods as p').leftJoin('link_tags as t', 't.link_id', 'p.link_id')
      .select((eb) => ['t.tag', eb.fn.sum<number>('p.clicks').as('clicks')])
      .where('p.link_id', '<>', ALL_LINKS).where('p.level', '=', HOUR).where(inSpans(spans, 'p.start')).where(botsMatch(bots, 'p.bot'))
      .groupBy('t.tag')
      .execute();
    return rows.map((r) => ({ tag: r.tag, clicks: Number(r.clicks) }));
  }

  async linkTags(ids: readonly number[]): Promise<Map<number, string[]>> {
    const tags = new Map<number, string[]>();
    for (const chunk of chunks(ids)) {
      const rows = await this.trx.selectFrom('link_tags').select(['link_id', 'tag']).where('link_id', 'in', chunk).execute();
      for (const r of rows) tags.set(Number(r.link_id), [...(tags.get(Number(r.link_id)) ?? []), r.tag]);
    }
    return tags;
  }

  async domainClicks(spans: readonly Span[], bots: BotFilter): Promise<{ domain: string; clicks: number }[]> {
    const rows = await this.trx.selectFrom('rollup_periods as p').innerJoin('links as l', 'l.id', 'p.link_id')
      .select((eb) => ['l.domain', eb.fn.sum<number>('p.clicks').as('clicks')])
      .where('p.link_id', '<>', ALL_LINKS).where('p.level', '=', HOUR).where(inSpans(spans, 'p.start')).where(botsMatch(bots, 'p.bot'))
      .groupBy('l.domain')
      .execute();
    return rows.map((r) => ({ domain: r.domain, clicks: Number(r.clicks) }));
  }

  async topLinks(spans: readonly Span[], bots: BotFilter, limit: number, include: readonly number[]): Promise<{ linkId: number; clicks: number }[]> {
    const perLink = this.trx.selectFrom('rollup_periods')
      .select((eb) => ['link_id', eb.fn.sum<number>('clicks').as('clicks')])
      .where('link_id', '<>', ALL_LINKS)
      .where('level', '=', HOUR)
      .where(inSpans(spans))
      .where(botsMatch(bots))
      .groupBy('link_id');
    // Ties broken by code and domain, as the report orders them: which of tied links make the cut is then certain.
    const collated = (column: string) => (this.kind === 'postgres' ? sql`${sql.ref(column)} collate "C"` : sql.ref(column));
    const rows = await this.trx.selectFrom(perLink.as('p')).innerJoin('links as l', 'l.id', 'p.link_id').select(['p.link_id', 'p.clicks'])
      .orderBy('p.clicks', 'desc').orderBy(collated('l.code')).orderBy(collated('l.domain')).limit(limit).execute();
    const seen = new Set(rows.map((r) => Number(r.link_id)));
    const missing = include.filter((id) => !seen.has(id));
    for (const chunk of chunks(missing)) rows.push(...await perLink.where('link_id', 'in', chunk).execute());
    return rows.map((r) => ({ linkId: Number(r.link_id), clicks: Number(r.clicks) }));
  }
}
