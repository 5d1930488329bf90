import type BetterSqlite3 from 'better-sqlite3';
import type { RollupPeriodsTable } from '../schema.js';
import type { PeriodWriter } from '../sql/sql-rollup-store.js';

/**
 * The roller's hour and day rows on SQLite, one prepared upsert a row, run in the step's transaction
 * (Kysely's, on this same connection). Building Kysely's multi-row statements of 500 rows cost about
 * as much as SQLite writing them: by hand, 1 000 rows of 5 KB in 27-31 ms instead of 45-58.
 */
export function sqlitePeriodWriter(database: BetterSqlite3.Database): PeriodWriter {
  let upsert: BetterSqlite3.Statement<[RollupPeriodsTable]> | undefined;
  return (rows) => {
    // Prepared on first use: the table exists only once migrations ran.
    upsert ??= database.prepare(`insert into rollup_periods (link_id, level, start, bot, clicks, visitors, sketch, dims, version)
      values (@link_id, @level, @start, @bot, @clicks, @visitors, @sketch, @dims, @version)
      on conflict (link_id, level, start, bot) do update set clicks = excluded.clicks, visitors = excluded.visitors,
        sketch = excluded.sketch, dims = excluded.dims, version = excluded.version
      where rollup_periods.version = excluded.version - 1`);
    let written = 0;
    for (const row of rows) written += upsert.run(row).changes;
    return Promise.resolve(written);
  };
}
