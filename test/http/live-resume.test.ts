import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { STREAMS_PER_IP, STREAMS_PER_KEY } from '../../src/http/routes/stream-quota.js';
import { EventStream } from '../helpers/event-stream.js';
import { startTestServer, type Json, type TestServer } from '../helpers/test-server.js';

// Live streams over HTTP: a reconnect with Last-Event-ID catches up on the clicks it missed, and a
// client holds a bounded number of streams.

describe('live streams: resuming and limits', () => {
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ env: { LINKPULSE_TRUST_PROXY: 'loopback' } });
    for (const code of ['res1', 'res2', 'many']) {
      const res = await server.api('/api/links', { method: 'POST', json: { url: `https://example.com/${code}`, code } });
      assert.equal(res.status, 201);
      await res.arrayBuffer();
    }
  });
  after(() => server.close());

  const open = async (path: string, headers: Record<string, string> = {}) => {
    const res = await server.api(path, { headers });
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return new EventStream(res as unknown as Response);
  };
  /** One redirect; answers the stored click (the newest of its link). */
  const visit = async (path: string, ip = '8.8.8.8'): Promise<Json> => {
    const res = await fetch(`${server.url}${path}`, { redirect: 'manual', headers: { 'x-forwarded-for': ip } });
    assert.equal(res.status, 302);
    await res.arrayBuffer();
    const code = new URL(path, 'http://x').pathname.slice(1);
    const page = await (await server.api(`/api/links/${code}/clicks?limit=1`)).json();
    return page.items[0];
  };

  // First: streams the other tests close are given back a moment later.
  it('caps the live streams a client address and an API key hold', { timeout: 60_000 }, async () => {
    const held: EventStream[] = [];
    for (let i = 0; i < STREAMS_PER_IP; i++) held.push(await open('/api/live', { 'x-forwarded-for': '203.0.113.7' }));
    const refused = await server.api('/api/live', { headers: { 'x-forwarded-for': '203.0.113.7' } });
    assert.equal(refused.status, 429);
    assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.ok(Number(refused.headers.get('retry-after')) > 0, 'says when to retry');
    assert.match((await refused.json()).detail, /live streams/);
    // Another address still may; a closed stream gives its place back.
    const other = await open('/api/live', { 'x-forwarded-for': '203.0.113.8' });
    await other.close();
    await held.pop()?.close();
    await waitFor(async () => {
      const res = await server.api('/api/live', { headers: { 'x-forwarded-for': '203.0.113.7' } });
      if (res.status === 200) held.push(new EventStream(res as unknown as Response));
      else await res.arrayBuffer();
      return res.status === 200;
    });

    // The key's cap, from many addresses.
    for (let i = held.length; i < STREAMS_PER_KEY; i++) held.push(await open('/api/live', { 'x-forwarded-for': `198.51.100.${i % 200}` }));
    const overKey = await server.api('/api/live', { headers: { 'x-forwarded-for': '192.0.2.1' } });
    assert.equal(overKey.status, 429);
    assert.match((await overKey.json()).detail, /API key/);
    await Promise.all(held.map((s) => s.close()));
  });

  it('replays the clicks a stream missed, in order, once, then carries on live', async () => {
    const first = await open('/api/links/res1/live');
    const a = await visit('/res1');
    assert.deepEqual(await first.clicksUntil(a.id), [a]);
    await first.close();

    // Missed while disconnected: two of this link, one of another link.
    const b = await visit('/res1?utm_source=mail');
    await visit('/res2');
    const c = await visit('/res1');
    const resumed = await open('/api/links/res1/live', { 'last-event-id': String(a.id) });
    const d = await visit('/res1');
    assert.deepEqual(await resumed.clicksUntil(d.id), [b, c, d]);

    // Over all links, with a filter applied to the replay as to live clicks.
    const all = await open('/api/live?utmSource=mail', { 'last-event-id': String(a.id) });
    const e = await visit('/res2?utm_source=mail');
    assert.deepEqual(await all.clicksUntil(e.id), [b, e]);
    await resumed.close();
    await all.close();
  });

  it('starts afresh with `event: reset` when too many clicks were missed', { timeout: 120_000 }, async () => {
    const stream = await open('/api/links/many/live');
    const first = await visit('/many');
    assert.deepEqual(await stream.clicksUntil(first.id), [first]);
    await stream.close();
    for (let i = 0; i < 1050; i += 50) {
      await Promise.all(Array.from({ length: 50 }, async () => {
        const res = await fetch(`${server.url}/many`, { redirect: 'manual' });
        await res.arrayBuffer();
      }));
    }
    const resumed = await open('/api/links/many/live', { 'last-event-id': String(first.id) });
    assert.equal((await resumed.next()).event, 'reset');
    const next = await visit('/many');
    assert.deepEqual(await resumed.clicksUntil(next.id), [next], 'then live clicks, none replayed');
    await resumed.close();
  });

  it('refuses a Last-Event-ID that is not a click id', async () => {
    for (const value of ['abc', '-1', '1.5', '9'.repeat(16)]) {
      const res = await server.api('/api/live', { headers: { 'last-event-id': value } });
      if (res.ok) await res.body?.cancel();
      assert.equal(res.status, 422, value);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
      const problem = await res.json();
      assert.equal(problem.errors?.[0]?.field, 'Last-Event-ID', JSON.stringify(problem));
    }
  });

});

async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  assert.fail('the condition never held');
}
