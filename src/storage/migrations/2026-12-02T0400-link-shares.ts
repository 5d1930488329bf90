import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<Record<string, never>>;

/** Public, read-only shares of one link's report. */
export function linkShares(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.createTable('link_shares')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('link_id', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .execute();
      // A link's shares are listed on its page and deleted with it.
      await db.schema.createIndex('link_shares_link').on('link_shares').column('link_id').execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('link_shares').execute();
    },
  };
}
