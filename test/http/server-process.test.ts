import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { spawnServer, stopServer } from '../helpers/spawned-server.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { tempDir } from '../helpers/temp-dir.js';
import { ADMIN_KEY } from '../helpers/test-server.js';

const WORKERS = 24;
// The kill comes once this many redirects were answered, however long a busy machine takes to get there.
const ANSWERED_BEFORE_KILL = 200;
const LOAD_TIMEOUT_MS = 60_000;

describe('the server process', () => {
  const dir = tempDir();
  const env = { LINKPULSE_DATABASE_URL: `sqlite:${dir.path}/linkpulse.db`, LINKPULSE_ADMIN_KEY: ADMIN_KEY };
  after(() => dir.cleanup());

  for (const kind of DATABASE_KINDS) {
    it(`keeps every answered redirect as a stored click across kill -9 under load, on ${kind.name}`, { skip: kind.skip }, async (t) => {
      const database = await kind.create();
      const nodeEnv = { ...env, LINKPULSE_DATABASE_URL: database.url };
      let server = await spawnServer(nodeEnv);
      const auth = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
      const created = await fetch(`${server.url}/api/links`, { method: 'POST', headers: auth, body: JSON.stringify({ url: 'https://example.com/', code: 'load' }) });
      assert.equal(created.status, 201);

      const answered = new Set<string>();
      let sent = 0;
      let stop = false;
      const worker = async () => {
        while (!stop) {
          const ua = `load-test/${sent++}`;
          try {
            const res = await fetch(`${server.url}/load`, { redirect: 'manual', headers: { 'user-agent': ua } });
            if (res.status === 302) answered.add(ua);
          } catch {
            return; // the server is gone: this request was never answered
          }
        }
      };
      const load = Promise.all(Array.from({ length: WORKERS }, worker));
      const deadline = Date.now() + LOAD_TIMEOUT_MS;
      while (answered.size < ANSWERED_BEFORE_KILL && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      await stopServer(server, 'SIGKILL');
      stop = true;
      await load;
      assert.ok(answered.size >= ANSWERED_BEFORE_KILL, `only ${answered.size} redirects were answered in ${LOAD_TIMEOUT_MS / 1000} s`);
      t.diagnostic(`${answered.size} redirects answered before kill -9`);

      server = await spawnServer(nodeEnv);
      try {
        const exported = await fetch(`${server.url}/api/links/load/clicks/export?format=ndjson`, { headers: auth });
        const stored = new Set((await exported.text()).trim().split('\n').map((line) => (JSON.parse(line) as { userAgent: string }).userAgent));
        const lost = [...answered].filter((ua) => !stored.has(ua));
        assert.deepEqual(lost, [], `${lost.length} of ${answered.size} answered clicks were lost`);
        const link = (await (await fetch(`${server.url}/api/links/load`, { headers: auth })).json()) as { clicks: number };
        assert.equal(link.clicks, stored.size, 'the link count agrees with the stored clicks');
      } finally {
        await stopServer(server);
        await database.drop();
      }
    });
  }


  it('prints a first admin key once, and never writes keys into its log', async () => {
    const fresh = tempDir();
    try {
      const freshEnv = { LINKPULSE_DATABASE_URL: `sqlite:${fresh.path}/first.db` };
      const first = await spawnServer(freshEnv);
      const key = /\n\s+(lp_\w+)\n/.exec(first.output())?.[1];
      assert.ok(key, `no key printed:\n${first.output()}`);
      const res = await fetch(`${first.url}/api/links`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(res.status, 200);
      await fetch(`${first.url}/api/links`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{"url":' });
      await stopServer(first);
      const logged = first.output().replace(key, '');
      assert.ok(!logged.includes(key), 'the key appears only where it was printed');
      const second = await spawnServer(freshEnv);
      await stopServer(second);
      assert.ok(!/lp_\w{12}_/.test(second.output()), 'no key on the second start');
    } finally {
      fresh.cleanup();
    }
  });

  it('finishes in-flight clicks on SIGTERM and exits 0', async () => {
    const auth = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
    let server = await spawnServer(env);
    await fetch(`${server.url}/api/links`, { method: 'POST', headers: auth, body: JSON.stringify({ url: 'https://example.com/', code: 'term' }) });
    const pending = Array.from({ length: 200 }, (_, i) =>
      fetch(`${server.url}/term`, { redirect: 'manual', headers: { 'user-agent': `term/${i}` } }).then((r) => r.status, () => 0));
    await Promise.race(pending);
    const code = await stopServer(server, 'SIGTERM');
    const statuses = await Promise.all(pending);
    assert.equal(code, 0);
    assert.ok(statuses.every((s) => s === 0 || s === 302 || s === 503), statuses.join(','));
    const redirected = statuses.filter((s) => s === 302).length;
    assert.ok(redirected > 0, 'some redirects were answered before the shutdown');
    server = await spawnServer(env);
    try {
      const link = (await (await fetch(`${server.url}/api/links/term`, { headers: auth })).json()) as { clicks: number };
      assert.ok(link.clicks >= redirected, `${link.clicks} stored < ${redirected} answered`);
    } finally {
      await stopServer(server);
    }
  });
});
