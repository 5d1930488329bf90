import type { Kysely } from 'kysely';
import { DAY_MS, startOf } from '../../core/analytics/rollup.js';
import { DIMENSIONS } from '../../core/analytics/analytics-store.js';
import { VisitorSketch } from '../../core/analytics/visitor-sketch.js';
import { yieldToEventLoop } from '../../core/shared/time-slices.js';
import type { Database } from '../schema.js';
import { addEncodedDims, encodeDims } from './rollup-dims.js';
import { chunks } from './chunks.js';

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
 * The sums are made outside the transaction; it writes them only if no hour of the day changed since.
 */
export async function closeDay(db: Kysely<Database>, reads: Kysely<Database>, endedBefore: number): Promise<boolean> {
  const state = await db.selectFrom('rollup_state').select(['watermark', 'days_closed']).where('id', '=', 1).executeTakeFirstOrThrow();
  const closed = Number(state.days_closed);
  const watermark = Number(state.watermark);
  const limit = startOf(endedBefore, 'day');
  const first = await db.selectFrom('rollup_periods').select((eb) => eb.fn.min('start').as('start'))
    .where('level', '=', 'hour').where('start', '>=', closed).executeTakeFirst();
  const day = first?.start == null ? limit : Math.min(limit, startOf(Number(first.start), 'day'));
  if (day >= limit) {
    // No clicks in the ended days left: they close empty.
    if (closed < limit) await moveDaysClosed(db, closed, limit, watermark);
    return false;
  }
  const { rows, seen } = await sumDay(reads, day);
  return db.transaction().execute(async (trx) => {
    // First, as rollers and link deletions do: none of them is midway while this runs.
    if (!await moveDaysClosed(trx, closed, day + DAY_MS, watermark)) return false;
    const now = await fingerprint(trx, day);
    if (now.count !== seen.count || now.versions !== seen.versions) throw new DayChanged(); // rolls back
    for (const chunk of chunks(rows)) await trx.insertInto('rollup_periods').values(chunk).execute();
    return true;
  }).catch((error: unknown) => {
    if (error instanceof DayChanged) return false;
    throw error;
  });
}

class DayChanged extends Error {}

async function moveDaysClosed(db: Kysely<Database>, from: number, to: number, watermark: number): Promise<boolean> {
  const moved = await db.updateTable('rollup_state').set({ days_closed: to })
    .where('id', '=', 1).where('days_closed', '=', from).where('watermark', '=', watermark).executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

/** How many hour rows the day has and their versions' sum: any write to them changes one or the other. */
async function fingerprint(db: Kysely<Database>, day: number): Promise<{ count: number; versions: number }> {
  const row = await db.selectFrom('rollup_periods')
    .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.sum<number>('version').as('versions')])
    .where('level', '=', 'hour').where('start', '>=', day).where('start', '<', day + DAY_MS).executeTakeFirst();
  return { count: Number(row?.count ?? 0), versions: Number(row?.versions ?? 0) };
}

/** The day's hour rows summed per link and bot flag, a few links at a time. */
async function sumDay(reads: Kysely<Database>, day: number): Promise<{ rows: DayRow[]; seen: { count: number; versions: number } }> {
  const links = await reads.selectFrom('rollup_periods').select('link_id').distinct()
    .where('level', '=', 'hour').where('start', '>=', day).where('start', '<', day + DAY_MS).execute();
  const rows: DayRow[] = [];
  const seen = { count: 0, versions: 0 };
  for (const ids of chunks(links.map((l) => Number(l.link_id)), LINKS_PER_READ)) {
    const hours = await reads.selectFrom('rollup_periods').select(['link_id', 'bot', 'clicks', 'sketch', 'dims', 'version'])
      .where('link_id', 'in', ids).where('level', '=', 'hour').where('start', '>=', day).where('start', '<', day + DAY_MS).execute();
    const sums = new Map<string, { link: number; bot: number; clicks: number; sketch: VisitorSketch; dims: Map<string | null, number>[] }>();
    for (const hour of hours) {
      const key = `${hour.link_id}|${hour.bot}`;
      let sum = sums.get(key);
      if (!sum) sums.set(key, (sum = { link: Number(hour.link_id), bot: Number(hour.bot), clicks: 0, sketch: new VisitorSketch(), dims: DIMENSIONS.map(() => new Map()) }));
      sum.clicks += Number(hour.clicks);
      sum.sketch.merge(new Uint8Array(hour.sketch));
      addEncodedDims(sum.dims, hour.dims);
      seen.count++;
      seen.versions += Number(hour.version);
    }
    for (const sum of sums.values()) {
      rows.push({
        link_id: sum.link, level: 'day', start: day, bot: sum.bot, clicks: sum.clicks, visitors: sum.sketch.estimate(),
        sketch: Buffer.from(sum.sketch.encode()), dims: encodeDims(sum.dims), version: 1,
      });
    }
    await yieldToEventLoop(); // let redirects through
  }
  return { rows, seen };
}
