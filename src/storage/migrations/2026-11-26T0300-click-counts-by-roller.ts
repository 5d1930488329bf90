import { sql, type Kysely, type Migration } from 'kysely';

type AnyDb = Kysely<Record<string, never>>;

/**
 * The link's click counter leaves the redirect's transaction too (one more page per click and link):
 * `click_count` now counts the clicks up to the roller's watermark, and the roller adds to it. Links
 * with a click budget still need an exact count at admission: `budget_clicks`, kept in the click's
 * transaction for them only.
 */
export function clickCountsByRoller(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.alterTable('links').addColumn('budget_clicks', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
      // Until now click_count was exact: it is the budget count, and without the clicks past the
      // watermark (which the roller will add) the rolled count.
      await sql`update links set budget_clicks = click_count`.execute(db);
      await sql`update links set click_count = click_count - recent.n
        from (select link_id, count(*) as n from clicks where id > (select watermark from rollup_state where id = 1) group by link_id) as recent
        where links.id = recent.link_id`.execute(db);
    },
    async down(db: AnyDb) {
      await sql`update links set click_count = budget_clicks`.execute(db);
      await db.schema.alterTable('links').dropColumn('budget_clicks').execute();
    },
  };
}
