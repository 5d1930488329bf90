import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { spawnServer, stopServer } from '../helpers/spawned-server.js';
import { tempDir } from '../helpers/temp-dir.js';
import { ADMIN_KEY } from '../helpers/test-server.js';

describe('the server process', () => {
  const dir = tempDir();
  const env = { LINKPULSE_DATABASE_URL: `sqlite:${dir.path}/linkpulse.db`, LINKPULSE_ADMIN_KEY: ADMIN_KEY };
  after(() => dir.cleanup());

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
