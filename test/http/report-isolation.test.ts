import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { sqliteKind, type TestDatabase } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const CLICKS = 300_000;

describe('a long report on SQLite', () => {
  let database: TestDatabase;
  let server: TestServer;
  before(async () => {
    database = await sqliteKind.create();
    server = await startTestServer({ database });
    await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'heavy' } });
    await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'light' } });
    // Seed straight into the file: the report must have real work to do.
    const db = new BetterSqlite3(database.url.replace(/^sqlite:/, ''));
    const linkId = (db.prepare('select id from links where code = ?').get('heavy') as { id: number }).id;
    const insert = db.prepare(`insert into clicks (link_id, at, device, bot, visitor_id, country, browser)
      values (?, ?, 'desktop', 0, ?, 'DE', 'Firefox')`);
    const now = Date.now();
    db.transaction(() => {
      for (let i = 0; i < CLICKS; i++) insert.run(linkId, now - (i % 2_000_000_000) % (29 * 86_400_000), `v${i % 5000}`);
    })();
    db.prepare('update links set click_count = ? where id = ?').run(CLICKS, linkId);
    db.close();
  });
  after(async () => {
    await server.close();
    await database.drop();
  });

  it('does not hold up redirects: they are answered while it runs', async () => {
    const order: string[] = [];
    const report = server.api('/api/links/heavy/stats?interval=hour').then(async (res) => {
      assert.equal(res.status, 200);
      assert.equal((await res.json()).totals.clicks, CLICKS);
      order.push('report');
    });
    await new Promise((r) => setTimeout(r, 20)); // the report is under way
    const redirects = Promise.all(Array.from({ length: 5 }, () => fetch(`${server.url}/light`, { redirect: 'manual' })))
      .then((responses) => {
        assert.ok(responses.every((r) => r.status === 302));
        order.push('redirects');
      });
    await Promise.all([report, redirects]);
    assert.deepEqual(order, ['redirects', 'report']);
  });
});
