import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { linkKey } from '../../src/core/links/link-key.js';
import { NO_CAMPAIGN_PLACE_TARGET } from '../helpers/click-fields.js';
import { DATABASE_KINDS, type TestDatabase } from '../helpers/databases.js';

// A database as the rollups migration left it: clicks indexed by link in their table, exact counts.
const BEFORE_CLICK_LINKS = '2026-11-26T0100-rollups';

function connect(url: string): Kysely<Record<string, never>> {
  return url.startsWith('sqlite:')
    ? new Kysely({ dialect: new SqliteDialect({ database: new BetterSqlite3(url.slice('sqlite:'.length)) }) })
    : new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url }) }) });
}

for (const kind of DATABASE_KINDS) {
  describe(`migrations on ${kind.name}`, { skip: kind.skip }, () => {
    const databases: TestDatabase[] = [];
    after(async () => Promise.all(databases.map((d) => d.drop())));

    it('move a database with clicks to click_links and rolled-up counts, losing no click', async () => {
      const database = await kind.create();
      databases.push(database);
      const db = connect(database.url);
      const migrator = new Migrator({ db, provider: migrationProvider(kind.name) });
      assert.equal((await migrator.migrateTo(BEFORE_CLICK_LINKS)).error, undefined);
      await sql`insert into links (code, url, created_at, updated_at, max_clicks, redirect_type, click_count)
        values ('a', 'https://example.com/a', 1, 1, null, 302, 5), ('b', 'https://example.com/b', 1, 1, 10, 302, 2)`.execute(db);
      const at = [100, 200, 300, 400, 500, 600, 700];
      const linkOf = ['a', 'b', 'a', 'a', 'b', 'a', 'a'];
      for (let i = 0; i < at.length; i++) {
        await sql`insert into clicks (link_id, at, device, bot, visitor_id)
          select id, ${at[i]}, 'desktop', 0, 'v' from links where code = ${linkOf[i]}`.execute(db);
      }
      await sql`update rollup_state set watermark = 4`.execute(db); // clicks 1–4 rolled up
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      await db.destroy();

      const storage = openStorage(database.url);
      try {
        const [a, b] = [await storage.links.find(linkKey('a')), await storage.links.find(linkKey('b'))];
        assert.ok(a && b);
        // Counted: clicks 1, 3, 4 of a and 2 of b; the rest is the roller's to count.
        assert.deepEqual([a.clicks, b.clicks], [3, 1]);
        const exact = await storage.links.exactClicks([a.id, b.id]);
        assert.deepEqual([exact.get(a.id), exact.get(b.id)], [5, 2]);
        const pageOf = async (linkId: number) => (await storage.clicks.list({ linkId, from: 0, to: 1000, limit: 10 })).map((c) => c.at);
        assert.deepEqual(await pageOf(a.id), [700, 600, 400, 300, 100]);
        assert.deepEqual(await pageOf(b.id), [500, 200]);
        // b's budget goes on from its exact count: 8 more clicks, not 9.
        const outcomes = await storage.clicks.insertBatch(Array.from({ length: 9 }, (_, i) => ({
          linkId: b.id, at: 800 + i, ip: null, country: null, browser: null, os: null, device: 'desktop' as const, bot: false,
          referrer: null, referrerHost: null, language: null, userAgent: null, visitorId: 'w', ...NO_CAMPAIGN_PLACE_TARGET,
        })));
        assert.equal(outcomes.filter((o) => typeof o === 'object').length, 8);
      } finally {
        await storage.close();
      }
    });
  });
}
