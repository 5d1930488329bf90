import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import pg from 'pg';
import { spawnServer, stopServer } from '../helpers/spawned-server.js';
import { postgresKind } from '../helpers/databases.js';
import { ADMIN_KEY } from '../helpers/test-server.js';

// PostgreSQL's connections killed again and again under load (pg_terminate_backend: mid-query,
// mid-transaction): no redirect hangs or fails with anything but 503, every answered one is stored,
// and the server recovers by itself.

const KILLS = 10;
const WORKERS = 16;
const auth = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };

describe('PostgreSQL connections killed under load', { skip: postgresKind.skip }, () => {
  it('answers 302 or 503, stores every answered click, and recovers', { timeout: 180_000 }, async (t) => {
    const database = await postgresKind.create();
    const server = await spawnServer({ LINKPULSE_DATABASE_URL: database.url, LINKPULSE_ADMIN_KEY: ADMIN_KEY });
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const created = await fetch(`${server.url}/api/links`, { method: 'POST', headers: auth, body: JSON.stringify({ url: 'https://example.com/', code: 'term' }) });
      assert.equal(created.status, 201);
      const statuses = new Map<number, number>();
      const answered = new Set<string>();
      let sent = 0;
      let stop = false;
      const worker = async () => {
        while (!stop) {
          const ua = `term/${sent++}`;
          // 0: no answer at all (a reset connection, a hang past 10 s).
          const status = await fetch(`${server.url}/term`, { redirect: 'manual', headers: { 'user-agent': ua }, signal: AbortSignal.timeout(10_000) })
            .then(async (res) => (await res.arrayBuffer(), res.status), () => 0);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          if (status === 302) answered.add(ua);
        }
      };
      const load = Promise.all(Array.from({ length: WORKERS }, worker));
      let killed = 0;
      for (let i = 0; i < KILLS; i++) {
        await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 200));
        const { rows } = await admin.query<{ n: string }>(
          'select count(pg_terminate_backend(pid)) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
        killed += Number(rows[0]?.n ?? 0);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      stop = true;
      await load;
      t.diagnostic(`${killed} connections killed; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
      assert.ok(killed >= KILLS, 'connections were killed');
      assert.deepEqual([...statuses.keys()].filter((s) => s !== 302 && s !== 503), [], 'only 302 and 503');

      // Recovered by itself: ready, redirecting, and every answered click is stored.
      let ready = 0;
      for (let i = 0; i < 100 && ready !== 200; i++) {
        ready = (await fetch(`${server.url}/readyz`)).status;
        if (ready !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      assert.equal(ready, 200);
      const last = await fetch(`${server.url}/term`, { redirect: 'manual', headers: { 'user-agent': 'term/last' } });
      assert.equal(last.status, 302);
      answered.add('term/last');
      const exported = await fetch(`${server.url}/api/links/term/clicks/export?format=ndjson`, { headers: auth });
      const stored = new Set((await exported.text()).trim().split('\n').map((line) => (JSON.parse(line) as { userAgent: string }).userAgent));
      const lost = [...answered].filter((ua) => !stored.has(ua));
      assert.deepEqual(lost, [], `${lost.length} of ${answered.size} answered clicks were lost`);
    } catch (error) {
      t.diagnostic(`exit ${server.child.exitCode}: ${server.output().split('\n').slice(-40).join('\n')}`);
      throw error;
    } finally {
      await admin.end();
      await stopServer(server);
      await database.drop();
    }
  });
});
