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
// The last migration before links had domains.
const BEFORE_DOMAINS = '2026-12-03T0300-orphan-visits';
// Deliveries of clicks.recorded kept a copy of their clicks.
const BEFORE_CLICK_RANGES = '2026-12-03T0300-orphan-visits';

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

    it('give every link the default domain, keeping ids, codes, tags, shares and clicks; a code is then unique per domain', async () => {
      const database = await kind.create();
      databases.push(database);
      const db = connect(database.url);
      const migrator = new Migrator({ db, provider: migrationProvider(kind.name) });
      assert.equal((await migrator.migrateTo(BEFORE_DOMAINS)).error, undefined);
      // Ids with a gap, as deletions leave them.
      await sql`insert into links (id, code, url, created_at, updated_at, max_clicks, redirect_type, title, track, rules)
        values (3, 'a', 'https://example.com/a', 1, 2, null, 302, 'A', 1, null), (7, 'b', 'https://example.com/b', 1, 2, 10, 301, null, 0, '[]')`.execute(db);
      await sql`insert into link_tags (link_id, tag) values (3, 'x'), (7, 'y')`.execute(db);
      await sql`insert into link_shares (id, link_id, created_at, expires_at) values ('s', 7, 1, null)`.execute(db);
      for (const [linkId, at] of [[3, 100], [7, 200], [3, 300]] as const) {
        await sql`insert into clicks (link_id, at, device, bot, visitor_id) values (${linkId}, ${at}, 'desktop', 0, 'v')`.execute(db);
      }
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      await db.destroy();

      const storage = openStorage(database.url);
      try {
        const [a, b] = [await storage.links.find(linkKey('a')), await storage.links.find(linkKey('b'))];
        assert.deepEqual([a?.id, a?.domain, a?.title, a?.tags, a?.updatedAt], [3, '', 'A', ['x'], 2]);
        assert.deepEqual([b?.id, b?.domain, b?.maxClicks, b?.redirectType, b?.track, b?.tags], [7, '', 10, 301, false, ['y']]);
        assert.deepEqual((await storage.shares.find('s'))?.code, 'b');
        const clicksOf = async (linkId: number) => (await storage.clicks.list({ linkId, from: 0, to: 1000, limit: 10 })).map((c) => c.at);
        assert.deepEqual([await clicksOf(3), await clicksOf(7)], [[300, 100], [200]]);
        // The same code on another domain; not twice on one.
        await storage.domains.insert({ host: 'go.example.com', baseUrlRedirect: null, notFoundRedirect: null, createdAt: 1 });
        const link = { code: 'a', url: 'https://example.com/', title: null, tags: [], createdAt: 5, updatedAt: 5, expiresAt: null, maxClicks: null, redirectType: 302 as const,
          disabled: false, passwordHash: null, fallbackUrl: null, track: true, preview: null, rules: [], variants: [] };
        const other = await storage.links.insert({ ...link, domain: 'go.example.com' });
        assert.equal(typeof other, 'object');
        assert.equal(await storage.links.insert({ ...link, domain: '' }), 'code-taken');
        assert.equal(await storage.links.insert({ ...link, domain: 'go.example.com' }), 'code-taken');
        assert.equal((await storage.links.find(linkKey('a', 'go.example.com')))?.url, 'https://example.com/');
        assert.equal(await storage.domains.delete('go.example.com'), 'has-links');
      } finally {
        await storage.close();
      }
    });

    it('turn kept clicks.recorded deliveries into ranges of click ids that read the same clicks', async () => {
      const database = await kind.create();
      databases.push(database);
      const db = connect(database.url);
      const migrator = new Migrator({ db, provider: migrationProvider(kind.name) });
      assert.equal((await migrator.migrateTo(BEFORE_CLICK_RANGES)).error, undefined);
      await sql`insert into links (code, url, created_at, updated_at, redirect_type, click_count) values ('w', 'https://example.com/w', 1, 1, 302, 0)`.execute(db);
      for (const at of [100, 200, 300, 400]) {
        await sql`insert into clicks (link_id, at, device, bot, visitor_id) select id, ${at}, 'desktop', 0, 'v' from links where code = 'w'`.execute(db);
      }
      await sql`insert into webhooks (id, url, events, all_links, secret, created_at, click_cursor)
        values ('wh', 'https://receiver.example/hook', 'clicks.recorded,link.created', 1, 'whsec_x', 1, 4)`.execute(db);
      const delivery = (id: string, type: string, payload: string) => sql`insert into webhook_deliveries
        (id, webhook_id, type, payload, created_at, status, attempts, next_attempt_at, give_up_at) values (${id}, 'wh', ${type}, ${payload}, 1, 'pending', 0, 1, ${Date.now() + 86_400_000})`;
      await delivery('msg_clicks', 'clicks.recorded', JSON.stringify({ clicks: [{ id: 2 }, { id: 3 }] })).execute(db);
      await delivery('msg_link', 'link.created', '{"code":"w"}').execute(db);
      assert.equal((await migrator.migrateToLatest()).error, undefined);
      await db.destroy();

      const storage = openStorage(database.url);
      try {
        const claimed = await storage.webhooks.claim(Date.now(), 10, Date.now() + 60_000, 'token');
        const clicks = claimed.find((d) => d.id === 'msg_clicks');
        assert.deepEqual(clicks?.clicks, { after: 1, upTo: 3 });
        assert.deepEqual(JSON.parse(`[${await storage.webhooks.clicksJson('wh', { after: 1, upTo: 3 }, 'sho.rt')}]`).map((c: { id: number; at: string }) => [c.id, c.at]),
          [[2, new Date(200).toISOString()], [3, new Date(300).toISOString()]]);
        const link = claimed.find((d) => d.id === 'msg_link');
        assert.equal(link?.payload, '{"code":"w"}');
        assert.equal(link?.clicks, null);
      } finally {
        await storage.close();
      }
    });
  });
}
