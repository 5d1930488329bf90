import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

describe('links API', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer(); });
  after(() => server.close());

  const create = (json: unknown, key?: string) => server.api('/api/links', { method: 'POST', json, ...(key && { key }) });

  it('shortens a URL into a 7-character code and answers the contract Link', async () => {
    const res = await create({ url: 'https://example.com/page?a=1', title: 'Example', tags: ['launch', 'q4'] });
    assert.equal(res.status, 201);
    const link = await res.json();
    assert.match(link.code, /^[0-9A-Za-z]{7}$/);
    assert.equal(res.headers.get('location'), `/api/links/${link.code}`);
    assert.deepEqual(Object.keys(link).sort(), ['clicks', 'code', 'createdAt', 'domain', 'disabled', 'expiresAt', 'fallbackUrl', 'hasPassword', 'maxClicks', 'preview', 'redirectType', 'rules', 'shortUrl', 'tags', 'title', 'track', 'updatedAt', 'url', 'variants'].sort());
    assert.equal(link.shortUrl, `http://sho.rt/${link.code}`);
    assert.equal(link.domain, 'sho.rt');
    assert.equal(link.redirectType, 302);
    assert.equal(link.clicks, 0);
    assert.equal(link.hasPassword, false);
  });

  it('takes a custom code once and answers 409 the second time', async () => {
    assert.equal((await create({ url: 'https://example.com/', code: 'My-Code_1' })).status, 201);
    const again = await create({ url: 'https://example.com/', code: 'My-Code_1' });
    assert.equal(again.status, 409);
    assert.equal(again.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal((await create({ url: 'https://example.com/', code: 'my-code_1' })).status, 201, 'codes are case-sensitive');
  });

  it('refuses bad input with a problem naming the field, and stores nothing', async () => {
    const before = (await (await server.api('/api/links?limit=100')).json()).items.length;
    const cases: [unknown, number, string][] = [
      [{ url: 'ftp://example.com/' }, 422, 'url'],
      [{ url: 'https://u:p@example.com/' }, 422, 'url'],
      [{ url: 'http://sho.rt/loop' }, 422, 'url'],
      [{ url: `https://example.com/${'x'.repeat(8000)}` }, 422, 'url'],
      [{ url: 'https://example.com/', code: 'api' }, 422, 'code'],
      [{ url: 'https://example.com/', code: 'has space' }, 422, 'code'],
      [{ url: 'https://example.com/', expiresAt: 'tomorrow' }, 422, 'expiresAt'],
      [{ url: 'https://example.com/', expiresAt: '2001-01-01T00:00:00Z' }, 422, 'expiresAt'],
      [{ url: 'https://example.com/', maxClicks: 0 }, 422, 'maxClicks'],
      [{ url: 'https://example.com/', redirectType: 303 }, 400, 'redirectType'],
      [{ url: 42 }, 400, 'url'],
      [{ url: 'https://example.com/', tags: 'one' }, 400, 'tags'],
      [{}, 400, 'url'],
      [{ url: 'https://example.com/', evil: true }, 400, 'evil'],
    ];
    for (const [body, status, field] of cases) {
      const res = await create(body);
      assert.equal(res.status, status, JSON.stringify(body).slice(0, 80));
      const problem = await res.json();
      assert.equal(problem.status, status);
      assert.ok(problem.type && problem.title, 'problem has type and title');
      assert.ok(problem.errors.some((e: { field: string }) => e.field.includes(field)), `${JSON.stringify(problem.errors)} names ${field}`);
    }
    assert.equal((await (await server.api('/api/links?limit=100')).json()).items.length, before);
  });

  it('answers malformed JSON, huge bodies and wrong media types with 4xx problems', async () => {
    const post = (body: string, type = 'application/json') =>
      server.api('/api/links', { method: 'POST', body, headers: { 'content-type': type } });
    assert.equal((await post('{"url": ')).status, 400);
    assert.equal((await post(JSON.stringify({ url: `https://e.com/${'a'.repeat(200_000)}` }))).status, 413);
    assert.equal((await post('<url/>', 'application/xml')).status, 415);
    assert.equal((await post('url=x', 'text/plain')).status, 415, 'the API reads JSON only');
    assert.equal((await post('null')).status, 400);
    assert.equal((await post('[]')).status, 400);
    assert.equal((await post('{"__proto__": {"x": 1}, "url": "https://e.com"}')).status, 400);
  });

  it('lists with a cursor, search, tag filter and sort by clicks', async () => {
    for (let i = 0; i < 5; i++) await create({ url: `https://list.example/${i}`, code: `pg${i}`, tags: i < 2 ? ['pick'] : [] });
    const first = await (await server.api('/api/links?limit=2&q=list.example')).json();
    assert.deepEqual(first.items.map((l: { code: string }) => l.code), ['pg4', 'pg3']);
    const second = await (await server.api(`/api/links?limit=5&q=list.example&cursor=${first.nextCursor}`)).json();
    assert.deepEqual(second.items.map((l: { code: string }) => l.code), ['pg2', 'pg1', 'pg0']);
    assert.equal(second.nextCursor, null);
    const tagged = await (await server.api('/api/links?tag=pick')).json();
    assert.deepEqual(tagged.items.map((l: { code: string }) => l.code), ['pg1', 'pg0']);
    await fetch(`${server.url}/pg2`, { redirect: 'manual' });
    // The order by clicks follows the stored counts, which the roller brings up to date (every second).
    await server.lp.roller.catchUp();
    const byClicks = await (await server.api('/api/links?sort=clicks&limit=1')).json();
    assert.equal(byClicks.items[0].code, 'pg2');
    assert.equal(byClicks.items[0].clicks, 1);
    assert.equal((await server.api('/api/links?cursor=garbage')).status, 422);
    assert.equal((await server.api('/api/links?limit=0')).status, 400);
    assert.equal((await server.api('/api/links?sort=random')).status, 400);
  });

  it('reads, patches and deletes a link with its clicks', async () => {
    await create({ url: 'https://example.com/old', code: 'editme', tags: ['a'] });
    await fetch(`${server.url}/editme`, { redirect: 'manual' });
    const patched = await server.api('/api/links/editme', { method: 'PATCH', json: { url: 'https://example.com/new', tags: ['b'], redirectType: 301, title: null } });
    assert.equal(patched.status, 200);
    const link = await patched.json();
    assert.equal(link.url, 'https://example.com/new');
    assert.deepEqual(link.tags, ['b']);
    assert.equal(link.clicks, 1);
    assert.equal((await server.api('/api/links/editme', { method: 'PATCH', json: { url: 'mailto:x@y' } })).status, 422);
    assert.equal((await (await server.api('/api/links/editme')).json()).url, 'https://example.com/new', 'a refused patch changes nothing');
    assert.equal((await server.api('/api/links/editme', { method: 'DELETE' })).status, 204);
    assert.equal((await server.api('/api/links/editme')).status, 404);
    assert.equal((await server.api('/api/links/editme', { method: 'DELETE' })).status, 404);
    assert.equal((await fetch(`${server.url}/editme`, { redirect: 'manual' })).status, 404);
  });

  it('needs a key, and a viewer key can read but not write', async () => {
    assert.equal((await server.api('/api/links', { key: null })).status, 401);
    assert.equal((await server.api('/api/links', { key: 'lp_AAAAAAAAAAAA_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB' })).status, 401);
    const created = await (await server.api('/api/keys', { method: 'POST', json: { name: 'reader', role: 'viewer' } })).json();
    assert.match(created.secret, /^lp_/);
    const viewer = created.secret as string;
    assert.equal((await server.api('/api/links', { key: viewer })).status, 200);
    const refused = await create({ url: 'https://example.com/' }, viewer);
    assert.equal(refused.status, 403);
    assert.equal((await refused.json()).status, 403);
    assert.equal((await server.api('/api/keys', { key: viewer })).status, 403);
    const keys = await (await server.api('/api/keys')).json();
    assert.ok(keys.items.some((k: { id: string; name: string }) => k.id === created.key.id && k.name === 'reader'));
    assert.ok(!JSON.stringify(keys).includes(viewer), 'secrets are never listed');
    assert.equal((await server.api(`/api/keys/${created.key.id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await server.api('/api/links', { key: viewer })).status, 401);
  });

  it('never answers 500 to odd paths, methods and bodies', async () => {
    const paths = ['/%', '/%E0%A4%A', '/..%2f..%2fetc/passwd', '/a/b/c', '/api/links/%00', `/${'x'.repeat(3000)}`, '/api/links/x/stats?from=%ZZ',
      '/api/links/abc/clicks?limit=-1', '/api/stats?tz=Mars/Base', '/api/stats?interval=minute&from=2000-01-01', '/api/stats?from=2026-13-45',
      '/api/links?limit=abc', '/api/nothing', '/dashboard/../api', '/favicon.ico', '/robots.txt', '/api/links/x/qr?format=gif', '/api/links/x/clicks/export?format=xml'];
    for (const path of paths) {
      for (const method of ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS']) {
        const res = await server.api(path, { method, ...(method !== 'GET' && method !== 'OPTIONS' && { body: '{"x":', headers: { 'content-type': 'application/json' } }) });
        assert.ok(res.status < 500, `${method} ${path.slice(0, 40)} → ${res.status}`);
        await res.arrayBuffer();
      }
    }
  });
});

describe('API rate limit', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ apiRateLimit: 3 }); });
  after(() => server.close());

  it('answers 429 as a problem once a client exceeds its budget, and redirects are never limited', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await server.api('/api/links')).status);
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    const limited = await server.api('/api/links');
    assert.equal(limited.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal((await limited.json()).status, 429);
    for (let i = 0; i < 5; i++) assert.equal((await fetch(`${server.url}/nothing`)).status, 404);
  });
});
