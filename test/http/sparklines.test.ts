import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

// A link list's sparklines: daily clicks of many links in one request.

describe('sparklines', () => {
  let server: TestServer;
  const today = new Date().toISOString().slice(0, 10);
  const weekAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10);

  before(async () => {
    server = await startTestServer();
    for (const code of ['one', 'two']) {
      assert.equal((await server.api('/api/links', { method: 'POST', json: { url: `https://example.com/${code}`, code } })).status, 201);
    }
    for (let i = 0; i < 3; i++) assert.equal((await fetch(`${server.url}/two`, { redirect: 'manual' })).status, 302);
  });
  after(async () => {
    await server.close();
  });

  it('answers seven days of clicks per link, in the order asked, leaving unknown codes out', async () => {
    const res = await server.api(`/api/sparklines?codes=two,nope,one&from=${weekAgo}&tz=UTC`);
    assert.equal(res.status, 200);
    const { items } = await res.json();
    assert.deepEqual(items.map((i: { code: string }) => i.code), ['two', 'one']);
    assert.deepEqual(items[0].clicks, [0, 0, 0, 0, 0, 0, 3], `${weekAgo} to ${today}`);
    assert.deepEqual(items[1].clicks, [0, 0, 0, 0, 0, 0, 0]);
  });

  it('refuses bad input with problems', async () => {
    for (const [path, status] of [
      [`/api/sparklines?from=${weekAgo}`, 400],
      [`/api/sparklines?codes=one&from=yesterday`, 422],
      [`/api/sparklines?codes=one&from=${weekAgo}&tz=Mars/Base`, 422],
      [`/api/sparklines?codes=${Array.from({ length: 101 }, (_, i) => `c${i}`).join(',')}&from=${weekAgo}`, 422],
    ] as const) {
      const res = await server.api(path);
      assert.equal(res.status, status, `${path}: ${await res.clone().text()}`);
      assert.match(res.headers.get('content-type') ?? '', /problem\+json/);
    }
    assert.equal((await server.api(`/api/sparklines?codes=one&from=${weekAgo}`, { key: null })).status, 401);
  });
});
