import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../schema.js';

type AnyDb = Kysely<Record<string, never>>;

/** Hourly and daily rollups of clicks (counts, visitor sketches, dimension counts) and the roller's watermark. */
export function rollups(dialect: SqlDialect): Migration {
  const blob = dialect === 'sqlite' ? 'blob' : 'bytea';
  return {
    async up(db: AnyDb) {
      await db.schema.createTable('rollup_state')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('watermark', 'bigint', (c) => c.notNull())
        .execute();
      // Existing clicks are rolled up from the start.
      await db.insertInto('rollup_state' as never).values({ id: 1, watermark: 0 } as never).execute();
      await db.schema.createTable('rollup_periods')
        .addColumn('link_id', 'bigint', (c) => c.notNull())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('start', 'bigint', (c) => c.notNull())
        .addColumn('bot', 'integer', (c) => c.notNull())
        .addColumn('clicks', 'bigint', (c) => c.notNull())
        .addColumn('visitors', 'bigint', (c) => c.notNull())
        .addColumn('sketch', blob, (c) => c.notNull())
        // Clicks per dimension value as JSON: one row per period and step, not one per value.
        .addColumn('dims', 'text', (c) => c.notNull())
        // Bumped by every write: a roller's cached copy of the row is good while it matches.
        .addColumn('version', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('rollup_periods_pk', ['link_id', 'level', 'start', 'bot'])
        .execute();
    },
    async down(db: AnyDb) {
      for (const table of ['rollup_periods', 'rollup_state']) await db.schema.dropTable(table).execute();
    },
  };
}
