import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../schema.js';

type AnyDb = Kysely<Record<string, never>>;

/**
 * Visits no link answered (the base URL, unknown codes, other 404s), enriched as clicks are. A table of
 * their own: the clicks' roller, rollups and per-link index never see them.
 */
export function orphanVisits(dialect: SqlDialect): Migration {
  const idType = dialect === 'sqlite' ? 'integer' : 'bigserial';
  return {
    async up(db: AnyDb) {
      await db.schema.createTable('orphan_visits')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('path', 'text', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('country', 'text')
        .addColumn('region', 'text')
        .addColumn('city', 'text')
        .addColumn('browser', 'text')
        .addColumn('os', 'text')
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('bot', 'integer', (c) => c.notNull())
        .addColumn('referrer', 'text')
        .addColumn('referrer_host', 'text')
        .addColumn('language', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('visitor_id', 'text', (c) => c.notNull())
        .addColumn('utm_source', 'text')
        .addColumn('utm_medium', 'text')
        .addColumn('utm_campaign', 'text')
        .addColumn('utm_term', 'text')
        .addColumn('utm_content', 'text')
        .execute();
      // Reports and pages read a time range, newest first.
      await db.schema.createIndex('orphan_visits_at').on('orphan_visits').columns(['at', 'id']).execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('orphan_visits').execute();
    },
  };
}
