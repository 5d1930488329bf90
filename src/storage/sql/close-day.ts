import { sql, type Kysely, type Transaction } from 'kysely';
import { ALL_LINKS, DAY_MS, startOf } from '../../core/analytics/rollup.js';
import { DIMENSIONS } from '../../core/analytics/analytics-store.js';
import { VisitorSketch } from '../../core/analytics/visitor-sketch.js';
import { yieldToEventLoop } from '../../core/shared/time-slices.js';
import type { Database } from '../schema.js';
import { addEncodedDims, encodeDims } from './rollup-dims.js';
import { chunks } from './chunks.js';
import { upsertPeriods } from './period-upsert.js';

// Links whose hours of the day are read and summed at a time.
const LINKS_PER_READ = 200;

export async function readDaysClosed(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('rollup_state').select('days_closed').where('id', '=', 1).executeTakeFirstOrThrow();
  return Number(row.days_closed);
}

interface DayRow {
  link_id: number; level: 'day'; start: number; bot: number; clicks: number; visitors: number; sketch: Buffer; dims: string; version: number;
}

/**
 * Sums the first open day's hour rows into day rows and closes the day (see RollupStore.closeDay).
 * The day rows are written first, while the day is open; the closing transaction closes it only if
 * no hour of the day changed since before they were summed (else a later attempt writes them again).
 */
export async function closeDay(db: Kysely<Database>, reads: Kysely<Database>, endedBefore: number): Promise<boolean> {
  const closed = await readDaysClosed(db);
  const limit = startOf(endedBefore, 'day');
  const first = await db.selectFrom('rollup_periods').select((eb) => eb.fn.min('start').as('start'))
    .where('level', '=', 'hour').where('start', '>=', closed).executeTakeFirst();
  const day = first?.start == null ? limit : Math.min(limit, startOf(Number(first.start), 'day'));
  if (day >= limit) {
    // No clicks in the ended days left: they close empty.
    if (closed < limit) await moveDaysClosed(db, closed, limit);
    return false;
  }
  const seen = await fingerprint(db, day);
  if (!await writeDayRows(db, reads, day, closed)) return false;
  return db.transaction().execute(async (trx) => {
    // First, as rollers and link deletions do: none of them is midway while this runs. Rollers that
    // stepped meanwhile refuse the close only if they wrote the day's hours (the fingerprint): with
    // several nodes, one of them steps every second under load, and a long close could never get through.
    if (!await moveDaysClosed(trx, closed, day + DAY_MS)) return false;
    const now = await fingerprint(trx, day);
    if (now.count !== seen.count || now.versions !== seen.versions) throw new DayChanged(); // rolls back
    return true;
  }).catch((error: unknown) => {
    if (error instanceof DayChanged) return false;
    throw error;
  });
}

class DayChanged extends Error {}

async function moveDaysClosed(db: Kysely<Database>, from: number, to: number): Promise<boolean> {
  const moved = await db.updateTable('rollup_state').set({ days_closed: to })
    .where('id', '=', 1).where('days_closed', '=', from).executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

/**
 * How many hour rows of all links the day has and their versions' sum. Every write to a day's hour
 * rows also writes its all-links rows (the roller sums each click into both; a deleted link's rows
 * are subtracted from them), so these change whenever any of the day's hours does: 48 rows at most
 * to read (the closing transaction in 1 ms, by hand), where reading every hour row of a day of
 * 200 k links (600 k rows) held SQLite's writer for 0.9 s.
 */
async function fingerprint(db: Kysely<Database>, day: number): Promise<{ count: number; versions: number }> {
  const row = await db.selectFrom('rollup_periods')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.sum<number>('version').as('versions')])
    .where('link_id', '=', ALL_LINKS).where('level', '=', 'hour').where('start', '>=', day).where('start', '<', day + DAY_MS).executeTakeFirst();
  return { count: Number(row?.count ?? 0), versions: Number(row?.versions ?? 0) };
}

/**
 * Writes the day's hour rows summed per link and bot flag, a few links at a time, each batch in a
 * short transaction of its own while the day is still open (reports read the day rows of closed
 * days only): memory and the writer's hold stay bounded however many links the day has, where one
 * transaction of every link's day rows held SQLite's writer, and the rows in memory, all at once.
 * False once the day was closed meanwhile.
 */
async function writeDayRows(db: Kysely<Database>, reads: Kysely<Database>, day: number, closed: number): Promise<boolean> {
  // As one string: 200 k ids as rows (objects cloned from the worker) raised RSS by ~100 MB (by hand).
  const { rows: [list] } = await sql<{ ids: string | null }>`select string_agg(cast(link_id as text), ',' order by link_id) as ids
    from (select distinct link_id from rollup_periods where level = 'hour' and start >= ${day} and start < ${day + DAY_MS}) d`.execute(reads);
  const links = list?.ids ? list.ids.split(',').map(Number) : [];
  for (const ids of chunks(links, LINKS_PER_READ)) {
    const hours = await reads.selectFrom('rollup_periods').select(['link_id', 'bot', 'clicks', 'sketch', 'dims'])
      .where('link_id', 'in', ids).where('level', '=', 'hour').where('start', '>=', day).where('start', '<', day + DAY_MS).execute();
    const sums = new Map<string, { link: number; bot: number; clicks: number; sketch: VisitorSketch; dims: Map<string | null, number>[] }>();
    for (const hour of hours) {
      const key = `${hour.link_id}|${hour.bot}`;
      let sum = sums.get(key);
      if (!sum) sums.set(key, (sum = { link: Number(hour.link_id), bot: Number(hour.bot), clicks: 0, sketch: new VisitorSketch(), dims: DIMENSIONS.map(() => new Map()) }));
      sum.clicks += Number(hour.clicks);
      sum.sketch.merge(new Uint8Array(hour.sketch));
      addEncodedDims(sum.dims, hour.dims);
    }
    const rows = [...sums.values()].map((sum): DayRow => ({
      link_id: sum.link, level: 'day', start: day, bot: sum.bot, clicks: sum.clicks, visitors: sum.sketch.estimate(),
      sketch: Buffer.from(sum.sketch.encode()), dims: encodeDims(sum.dims), version: 1,
    }));
    if (!await db.transaction().execute((trx) => upsertWhileOpen(trx, rows, closed))) return false;
    await yieldToEventLoop(); // let redirects through
  }
  return true;
}

/**
 * Writes day rows of a day that is still open (`days_closed` still `closed`, its row held against a
 * close by another node meanwhile, whose later late clicks these rows would overwrite). Rows left
 * by an earlier attempt are replaced with a new version (the roller keeps rows by version).
 */
async function upsertWhileOpen(trx: Transaction<Database>, rows: readonly DayRow[], closed: number): Promise<boolean> {
  const held = await trx.updateTable('rollup_state').set((eb) => ({ days_closed: eb.ref('days_closed') }))
    .where('id', '=', 1).where('days_closed', '=', closed).executeTakeFirst();
  if (Number(held.numUpdatedRows) !== 1) return false;
  for (const chunk of chunks(rows)) await upsertPeriods(trx, chunk, 'bump');
  return true;
}
