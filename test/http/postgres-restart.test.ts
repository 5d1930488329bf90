import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { postgresKind } from '../helpers/databases.js';
import { spawnServer, stopServer } from '../helpers/spawned-server.js';
import { ADMIN_KEY } from '../helpers/test-server.js';

// Stops and starts the machine's PostgreSQL: only where asked to (CI does).
const enabled = process.env.LINKPULSE_TEST_POSTGRES_RESTART === '1';
const skip = postgresKind.skip ?? (enabled ? undefined : 'set LINKPULSE_TEST_POSTGRES_RESTART=1 to stop and start the local PostgreSQL');
const REQUEST_TIMEOUT_MS = 5000;

function cluster(action: 'start' | 'stop'): void {
  const version = readdirSync('/etc/postgresql')[0] as string;
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action], { stdio: 'ignore' });
}

function isUp(): boolean {
  try {
    execFileSync('pg_isready', ['-h', '127.0.0.1', '-q']);
    return true;
  } catch {
    return false;
  }
}

/** Starts PostgreSQL unless it runs already: whatever a test did, the machine gets it back. */
function ensureStarted(): void {
  if (!isUp()) cluster('start');
}

async function until(withinMs: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const start = Date.now();
  while (Date.now() - start < withinMs) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${what} did not happen within ${withinMs} ms`);
}

describe('PostgreSQL restarted under load', { skip }, () => {
  after(() => ensureStarted());

  it('answers 503 quickly while the database is down, tells /readyz the truth, and recovers by itself', async (t) => {
    const database = await postgresKind.create();
    const server = await spawnServer({ LINKPULSE_DATABASE_URL: database.url, LINKPULSE_ADMIN_KEY: ADMIN_KEY });
    const auth = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
    try {
      assert.equal((await fetch(`${server.url}/api/links`, { method: 'POST', headers: auth, body: JSON.stringify({ url: 'https://example.com/', code: 'pgr' }) })).status, 201);
      const results: { status: number; ms: number; ua: string }[] = [];
      let stop = false;
      let sent = 0;
      const worker = async () => {
        while (!stop) {
          const ua = `restart/${sent++}`;
          const start = Date.now();
          const status = await fetch(`${server.url}/pgr`, { redirect: 'manual', headers: { 'user-agent': ua }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
            .then((r) => r.status, () => 0);
          results.push({ status, ms: Date.now() - start, ua });
          if (status !== 302) await new Promise((r) => setTimeout(r, 20));
        }
      };
      const load = Promise.all(Array.from({ length: 8 }, worker));
      await new Promise((r) => setTimeout(r, 500));

      cluster('stop');
      await until(3000, '/readyz answering 503', async () => (await fetch(`${server.url}/readyz`)).status === 503);
      await until(3000, 'a redirect answering 503', async () => results.some((r) => r.status === 503));
      await new Promise((r) => setTimeout(r, 1500));
      cluster('start');
      await until(20_000, '/readyz answering 200 again', async () => (await fetch(`${server.url}/readyz`)).status === 200);
      const recoveredFrom = results.length;
      await until(10_000, 'redirects answering 302 again', async () => results.slice(recoveredFrom).some((r) => r.status === 302));
      stop = true;
      await load;

      const unavailable = results.filter((r) => r.status === 503);
      t.diagnostic(`${results.length} requests: ${results.length - unavailable.length} × 302, ${unavailable.length} × 503 `
        + `(slowest 503: ${Math.max(0, ...unavailable.map((r) => r.ms))} ms)`);
      assert.equal(server.child.exitCode, null, 'the process is still running');
      const slow = results.filter((r) => r.status === 0 || r.ms >= REQUEST_TIMEOUT_MS);
      assert.deepEqual(slow, [], 'no request hung');
      assert.ok(results.every((r) => r.status === 302 || r.status === 503), [...new Set(results.map((r) => r.status))].join(','));

      const exported = await fetch(`${server.url}/api/links/pgr/clicks/export?format=ndjson`, { headers: auth });
      const stored = new Set((await exported.text()).trim().split('\n').map((l) => (JSON.parse(l) as { userAgent: string }).userAgent));
      const lost = results.filter((r) => r.status === 302 && !stored.has(r.ua));
      assert.deepEqual(lost, [], 'every answered redirect was stored');

      // Live events come back too: the LISTEN connection reconnects by itself.
      const controller = new AbortController();
      const live = await fetch(`${server.url}/api/links/pgr/live`, { headers: auth, signal: controller.signal });
      const reader = live.body!.getReader();
      let text = '';
      await until(5000, 'a live event after recovery', async () => {
        await fetch(`${server.url}/pgr`, { redirect: 'manual' });
        const chunk = await Promise.race([reader.read(), new Promise<undefined>((r) => setTimeout(() => r(undefined), 300))]);
        if (chunk?.value) text += new TextDecoder().decode(chunk.value);
        return text.includes('event: click');
      });
      controller.abort();
    } finally {
      await stopServer(server);
      ensureStarted();
      await until(20_000, 'PostgreSQL accepting connections', async () => isUp());
      await database.drop();
    }
  });
});
