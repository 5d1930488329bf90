import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.js';

type AnyDb = Kysely<Record<string, never>>;

/**
 * The clicks' per-link index moves out of the redirect's transaction: an index on (link_id, at)
 * puts each click of a batch on a different page (one page write each, on every commit). The roller
 * now keeps `click_links` in its own large, rare transactions; clicks past the watermark are few and
 * read by id.
 */
export function clickLinkIndex(dialect: SqlDialect): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.createTable('click_links')
        .addColumn('link_id', 'bigint', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('id', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('click_links_pk', ['link_id', 'at', 'id'])
        .modifyEnd(dialect === 'sqlite' ? sql`without rowid` : sql``)
        .execute();
      await sql`insert into click_links (link_id, at, id)
        select link_id, at, id from clicks where id <= (select watermark from rollup_state where id = 1)`.execute(db);
      await db.schema.dropIndex('clicks_link_at').execute();
    },
    async down(db: AnyDb) {
      await db.schema.createIndex('clicks_link_at').on('clicks').columns(['link_id', 'at', 'id']).execute();
      await db.schema.dropTable('click_links').execute();
    },
  };
}
