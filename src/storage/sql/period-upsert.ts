import type { Kysely } from 'kysely';
import type { Database, RollupPeriodsTable } from '../schema.js';

/**
 * How a stored period row with the same key is replaced: `next-only` where its version is the one
 * before the new row's (the roller merged with that version), `bump` whatever its version, which
 * goes up by one (a day's rows written again while the day is still open).
 */
export type PeriodReplace = 'next-only' | 'bump';

/** Inserts period rows in one statement, replacing the values of those that exist; answers how many it wrote. */
export async function upsertPeriods(db: Kysely<Database>, rows: readonly RollupPeriodsTable[], replace: PeriodReplace): Promise<number> {
  const result = await db.insertInto('rollup_periods').values(rows)
    .onConflict((oc) => {
      const update = oc.columns(['link_id', 'level', 'start', 'bot']).doUpdateSet((eb) => ({
        clicks: eb.ref('excluded.clicks'),
        visitors: eb.ref('excluded.visitors'),
        sketch: eb.ref('excluded.sketch'),
        dims: eb.ref('excluded.dims'),
        version: replace === 'bump' ? eb(eb.ref('rollup_periods.version'), '+', 1) : eb.ref('excluded.version'),
      }));
      return replace === 'bump' ? update : update.where((eb) => eb('rollup_periods.version', '=', eb(eb.ref('excluded.version'), '-', 1)));
    })
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows);
}
