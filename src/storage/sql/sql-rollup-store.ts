import { sql, type Kysely, type Transaction } from 'kysely';
import type { Dimension } from '../../core/analytics/analytics-store.js';
import { ALL_LINKS, type Level, type PeriodDelta, type RollupClick, type RollupDelta } from '../../core/analytics/rollup.js';
import type { KeyRow, PeriodRow, RollupReadTx, RollupStore, Span } from '../../core/analytics/rollup-store.js';
import type { BotFilter } from '../../core/clicks/click-store.js';
import type { Database, SqlDialect } from '../schema.js';

// Click batches hold this lock shared; the roller takes it alone for an instant to learn which ids
// are committed (PostgreSQL hands out ids before commit, so a lower id may still be in flight).
export const CLICK_WRITERS_LOCK = 0x6c70_726f; // "lpro"
// Periods written per statement: 7 values a row stays far below both databases' parameter limits.
const ROWS_PER_STATEMENT = 500;

/** Rollups over Kysely, one implementation for SQLite and PostgreSQL. */
export class SqlRollupStore implements RollupStore {
  constructor(
    private readonly kind: SqlDialect,
    private readonly db: Kysely<Database>,
    /** Where snapshots read (SQLite: the read worker). */
    private readonly reads: Kysely<Database> = db,
  ) {}

  async rollUp(limit: number, summarize: (clicks: readonly RollupClick[]) => RollupDelta): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      let state = trx.selectFrom('rollup_state').select('watermark').where('id', '=', 1);
      if (this.kind === 'postgres') state = state.forUpdate(); // one roller at a time, across nodes
      const watermark = Number((await state.executeTakeFirstOrThrow()).watermark);
      let rows = trx.selectFrom('clicks').select(CLICK_COLUMNS).where('id', '>', watermark).orderBy('id').limit(limit);
      if (this.kind === 'postgres') rows = rows.where('id', '<=', await committedUpTo(trx));
      const clicks = (await rows.execute()).map(toRollupClick);
      if (clicks.length === 0) return 0;
      const delta = summarize(clicks);
      for (const level of ['hour', 'day'] as const) {
        await writePeriods(trx, level, delta.periods[level]);
        await writeKeys(trx, level, delta.keys[level]);
      }
      await trx.updateTable('rollup_state').set({ watermark: (clicks.at(-1) as RollupClick).id }).where('id', '=', 1).execute();
      return clicks.length;
    });
  }

  async snapshot<T>(read: (tx: RollupReadTx) => Promise<T>): Promise<T> {
    const transaction = this.kind === 'postgres' ? this.reads.transaction().setIsolationLevel('repeatable read') : this.reads.transaction();
    return transaction.execute((trx) => read(new SqlRollupReadTx(trx)));
  }

  /** A deleted link's rollups go, and leave the all-links rollups (sketches stay: they cannot subtract). */
  static async forgetLink(trx: Transaction<Database>, linkId: number): Promise<void> {
    const periods = await trx.selectFrom('rollup_periods').select(['level', 'start', 'bot', 'clicks']).where('link_id', '=', linkId).execute();
    for (const p of periods) {
      await trx.updateTable('rollup_periods').set((eb) => ({ clicks: eb('clicks', '-', p.clicks) }))
        .where('link_id', '=', ALL_LINKS).where('level', '=', p.level).where('start', '=', p.start).where('bot', '=', p.bot).execute();
    }
    const keys = await trx.selectFrom('rollup_keys').select(['level', 'start', 'bot', 'dimension', 'key', 'clicks']).where('link_id', '=', linkId).execute();
    for (const k of keys) {
      await trx.updateTable('rollup_keys').set((eb) => ({ clicks: eb('clicks', '-', k.clicks) }))
        .where('link_id', '=', ALL_LINKS).where('level', '=', k.level).where('start', '=', k.start).where('bot', '=', k.bot)
        .where('dimension', '=', k.dimension).where('key', '=', k.key).execute();
    }
    await trx.deleteFrom('rollup_periods').where('link_id', '=', linkId).execute();
    await trx.deleteFrom('rollup_keys').where('link_id', '=', linkId).execute();
  }
}

const CLICK_COLUMNS = ['id', 'link_id', 'at', 'bot', 'visitor_id', 'country', 'referrer_host', 'browser', 'os', 'device', 'language'] as const;

interface ClickRollupRow {
  id: number; link_id: number; at: number; bot: number; visitor_id: string; country: string | null;
  referrer_host: string | null; browser: string | null; os: string | null; device: string; language: string | null;
}

function toRollupClick(r: ClickRollupRow): RollupClick {
  return {
    id: Number(r.id), linkId: Number(r.link_id), at: Number(r.at), bot: Number(r.bot) === 1, visitorId: r.visitor_id,
    country: r.country, referrerHost: r.referrer_host, browser: r.browser, os: r.os, device: r.device, language: r.language,
  };
}

/** The highest id below which no click batch is still in flight. */
async function committedUpTo(trx: Transaction<Database>): Promise<number> {
  await sql`select pg_advisory_lock(${CLICK_WRITERS_LOCK})`.execute(trx);
  try {
    const row = await trx.selectFrom('clicks').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst();
    return Number(row?.id ?? 0);
  } finally {
    await sql`select pg_advisory_unlock(${CLICK_WRITERS_LOCK})`.execute(trx);
  }
}

async function writePeriods(trx: Transaction<Database>, level: Level, periods: readonly PeriodDelta[]): Promise<void> {
  for (let i = 0; i < periods.length; i += ROWS_PER_STATEMENT) {
    const chunk = periods.slice(i, i + ROWS_PER_STATEMENT);
    // Sketches are merged here, not in SQL: read the stored ones first.
    const stored = await trx.selectFrom('rollup_periods').select(['link_id', 'start', 'bot', 'sketch'])
      .where('level', '=', level)
      .where((eb) => eb.or(chunk.map((p) => eb.and([eb('link_id', '=', p.linkId), eb('start', '=', p.start), eb('bot', '=', p.bot ? 1 : 0)]))))
      .execute();
    const sketches = new Map(stored.map((s) => [`${s.link_id}|${s.start}|${s.bot}`, s.sketch]));
    const rows = chunk.map((p) => {
      const before = sketches.get(`${p.linkId}|${p.start}|${p.bot ? 1 : 0}`);
      if (before) p.visitors.merge(before);
      return { level, link_id: p.linkId, start: p.start, bot: p.bot ? 1 : 0, clicks: p.clicks, visitors: p.visitors.estimate(), sketch: Buffer.from(p.visitors.encode()) };
    });
    await trx.insertInto('rollup_periods').values(rows)
      .onConflict((oc) => oc.columns(['link_id', 'level', 'start', 'bot']).doUpdateSet((eb) => ({
        clicks: eb('rollup_periods.clicks', '+', eb.ref('excluded.clicks')),
        visitors: eb.ref('excluded.visitors'),
        sketch: eb.ref('excluded.sketch'),
      })))
      .execute();
  }
}

async function writeKeys(trx: Transaction<Database>, level: Level, keys: RollupDelta['keys'][Level]): Promise<void> {
  for (let i = 0; i < keys.length; i += ROWS_PER_STATEMENT) {
    const rows = keys.slice(i, i + ROWS_PER_STATEMENT).map((k) => ({
      level, link_id: k.linkId, start: k.start, bot: k.bot ? 1 : 0, dimension: k.dimension, key: k.key ?? '', clicks: k.clicks,
    }));
    await trx.insertInto('rollup_keys').values(rows)
      .onConflict((oc) => oc.columns(['link_id', 'level', 'start', 'bot', 'dimension', 'key']).doUpdateSet((eb) => ({
        clicks: eb('rollup_keys.clicks', '+', eb.ref('excluded.clicks')),
      })))
      .execute();
  }
}

function botsMatch(bots: BotFilter) {
  return bots === 'include' ? sql<boolean>`1 = 1` : sql<boolean>`bot = ${bots === 'only' ? 1 : 0}`;
}

function inSpans(spans: Record<Level, readonly Span[]>) {
  const parts = (['hour', 'day'] as const).flatMap((level) =>
    spans[level].map((s) => sql`(level = ${level} and start >= ${s.from} and start < ${s.to})`));
  return parts.length === 0 ? sql<boolean>`1 = 0` : sql<boolean>`(${sql.join(parts, sql` or `)})`;
}

class SqlRollupReadTx implements RollupReadTx {
  constructor(private readonly trx: Transaction<Database>) {}

  async watermark(): Promise<number> {
    const row = await this.trx.selectFrom('rollup_state').select('watermark').where('id', '=', 1).executeTakeFirstOrThrow();
    return Number(row.watermark);
  }

  async raw(linkId: number | undefined, spans: readonly Span[], after: number, tail: Span, bots: BotFilter): Promise<RollupClick[]> {
    const select = (byLink = true) => {
      const query = this.trx.selectFrom('clicks').select(CLICK_COLUMNS).where(botsMatch(bots));
      if (linkId === undefined) return query;
      // "+link_id" keeps SQLite from scanning the link's every click by index instead of the id range.
      return byLink ? query.where('link_id', '=', linkId) : query.where(sql<boolean>`+link_id = ${linkId}`);
    };
    // One query per span, each an index range; the tail by id (few rows past the watermark).
    const clicks = new Map<number, RollupClick>();
    for (const span of spans) {
      for (const row of await select().where('at', '>=', span.from).where('at', '<', span.to).execute()) clicks.set(Number(row.id), toRollupClick(row));
    }
    const unrolled = await select(false).where('id', '>', after).where(sql<boolean>`+at >= ${tail.from} and +at < ${tail.to}`).execute();
    for (const row of unrolled) clicks.set(Number(row.id), toRollupClick(row));
    return [...clicks.values()];
  }

  async periods(level: Level, linkId: number, span: Span, bots: BotFilter): Promise<PeriodRow[]> {
    const rows = await this.trx.selectFrom('rollup_periods').select(['start', 'bot', 'clicks', 'visitors'])
      .where('link_id', '=', linkId).where('level', '=', level).where('start', '>=', span.from).where('start', '<', span.to)
      .where(botsMatch(bots))
      .execute();
    return rows.map((r) => ({ start: Number(r.start), bot: Number(r.bot) === 1, clicks: Number(r.clicks), visitors: Number(r.visitors) }));
  }

  async sketches(level: Level, linkId: number, starts: readonly number[], bots: BotFilter): Promise<PeriodRow[]> {
    const rows: PeriodRow[] = [];
    for (let i = 0; i < starts.length; i += ROWS_PER_STATEMENT) {
      const found = await this.trx.selectFrom('rollup_periods').select(['start', 'bot', 'clicks', 'visitors', 'sketch'])
        .where('link_id', '=', linkId).where('level', '=', level).where('start', 'in', starts.slice(i, i + ROWS_PER_STATEMENT))
        .where(botsMatch(bots))
        .execute();
      for (const r of found) {
        rows.push({ start: Number(r.start), bot: Number(r.bot) === 1, clicks: Number(r.clicks), visitors: Number(r.visitors), sketch: new Uint8Array(r.sketch) });
      }
    }
    return rows;
  }

  async keys(linkId: number, spans: Record<Level, readonly Span[]>, bots: BotFilter): Promise<KeyRow[]> {
    const rows = await this.trx.selectFrom('rollup_keys')
      .select((eb) => ['dimension', 'key', eb.fn.sum<number>('clicks').as('clicks')])
      .where('link_id', '=', linkId)
      .where(inSpans(spans))
      .where(botsMatch(bots))
      .groupBy(['dimension', 'key'])
      .execute();
    return rows.map((r) => ({ dimension: r.dimension as Dimension, key: r.key === '' ? null : r.key, clicks: Number(r.clicks) }));
  }

  async linkCodes(ids: readonly number[]): Promise<Map<number, string>> {
    const codes = new Map<number, string>();
    for (let i = 0; i < ids.length; i += ROWS_PER_STATEMENT) {
      const rows = await this.trx.selectFrom('links').select(['id', 'code']).where('id', 'in', ids.slice(i, i + ROWS_PER_STATEMENT)).execute();
      for (const r of rows) codes.set(Number(r.id), r.code);
    }
    return codes;
  }

  async topLinks(spans: Record<Level, readonly Span[]>, bots: BotFilter, limit: number, include: readonly number[]): Promise<{ linkId: number; clicks: number }[]> {
    const perLink = this.trx.selectFrom('rollup_periods')
      .select((eb) => ['link_id', eb.fn.sum<number>('clicks').as('clicks')])
      .where('link_id', '<>', ALL_LINKS)
      .where(inSpans(spans))
      .where(botsMatch(bots))
      .groupBy('link_id');
    const rows = await perLink.orderBy('clicks', 'desc').limit(limit).execute();
    const seen = new Set(rows.map((r) => Number(r.link_id)));
    const missing = include.filter((id) => !seen.has(id));
    for (let i = 0; i < missing.length; i += ROWS_PER_STATEMENT) {
      rows.push(...await perLink.where('link_id', 'in', missing.slice(i, i + ROWS_PER_STATEMENT)).execute());
    }
    return rows.map((r) => ({ linkId: Number(r.link_id), clicks: Number(r.clicks) }));
  }
}
