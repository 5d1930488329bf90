import { sql, type Kysely, type Migration } from 'kysely';

type AnyDb = Kysely<Record<string, never>>;

/**
 * Day rollups for closed UTC days: every day before `days_closed` keeps, per link and bot flag, a
 * 'day' row that sums its hours (reports over weeks read 30 rows, not 720 hour sketches). The index
 * finds a day's hours across links when the roller closes it.
 */
export function dayRollups(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('rollup_state').addColumn('days_closed', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.createIndex('rollup_periods_level_start').on('rollup_periods').columns(['level', 'start']).execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropIndex('rollup_periods_level_start').execute();
      await sql`delete from rollup_periods where level = 'day'`.execute(db);
      await db.schema.alterTable('rollup_state').dropColumn('days_closed').execute();
    },
  };
}
