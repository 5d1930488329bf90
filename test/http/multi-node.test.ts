import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { postgresKind, type TestDatabase } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

/** Polls `check` until it is true or `withinMs` passed; answers how long it took, or fails. */
async function eventually(withinMs: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < withinMs) {
    if (await check()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`${what} did not happen within ${withinMs} ms`);
}

describe('two nodes on one PostgreSQL database', { skip: postgresKind.skip }, () => {
  let database: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    database = await postgresKind.create();
    a = await startTestServer({ database });
    b = await startTestServer({ database });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  it('redirects on B a link created on A, and A streams the click live', async (t) => {
    assert.equal((await a.api('/api/links', { method: 'POST', json: { url: 'https://example.com/one', code: 'shared' } })).status, 201);
    const controller = new AbortController();
    const live = await a.api('/api/links/shared/live', { signal: controller.signal });
    const reader = live.body!.getReader();
    const clicked = Date.now();
    const redirect = await fetch(`${b.url}/shared`, { redirect: 'manual' });
    assert.equal(redirect.status, 302);
    assert.equal(redirect.headers.get('location'), 'https://example.com/one');
    let text = '';
    // A second is the promise; two are allowed so a busy machine does not fail the run.
    const deadline = setTimeout(() => controller.abort(), 2000);
    try {
      while (!/event: click\ndata: .*\n\n/.test(text)) text += new TextDecoder().decode((await reader.read()).value);
    } finally {
      clearTimeout(deadline);
      controller.abort();
    }
    t.diagnostic(`A streamed B's click ${Date.now() - clicked} ms after it was sent`);
    assert.equal(JSON.parse(/data: (.*)\n/.exec(text)![1]!).code, 'shared');
  });

  it('makes B obey an edit, a disable and a delete made on A within a second', async () => {
    await fetch(`${b.url}/shared`, { redirect: 'manual' }); // B now has the link cached
    await a.api('/api/links/shared', { method: 'PATCH', json: { url: 'https://example.com/two' } });
    await eventually(1000, 'B redirecting to the new target', async () =>
      (await fetch(`${b.url}/shared`, { redirect: 'manual' })).headers.get('location') === 'https://example.com/two');
    await a.api('/api/links/shared', { method: 'PATCH', json: { disabled: true } });
    await eventually(1000, 'B answering 410', async () => (await fetch(`${b.url}/shared`, { redirect: 'manual' })).status === 410);
    await a.api('/api/links/shared', { method: 'PATCH', json: { disabled: false } });
    await a.api('/api/links/shared', { method: 'DELETE' });
    await eventually(1000, 'B answering 404', async () => (await fetch(`${b.url}/shared`, { redirect: 'manual' })).status === 404);
  });

  it('agrees on counts across nodes', async () => {
    await a.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'counted' } });
    await Promise.all(Array.from({ length: 30 }, (_, i) => fetch(`${(i % 2 ? a : b).url}/counted`, { redirect: 'manual' })));
    const [onA, onB] = await Promise.all([a, b].map(async (s) => (await s.api('/api/links/counted')).json()));
    assert.equal(onA.clicks, 30);
    assert.equal(onB.clicks, 30);
    const [statsA, statsB] = await Promise.all([a, b].map(async (s) => (await s.api('/api/links/counted/stats')).json()));
    assert.deepEqual(statsA.totals, statsB.totals);
  });
});
