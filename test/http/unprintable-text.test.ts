import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DATABASE_KINDS, type TestDatabase } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

const NUL = '\u0000';

// Each request carries text no database keeps (U+0000 above all: PostgreSQL refuses it, SQLite takes it).
const REQUESTS: { name: string; path: string; method?: string; json?: unknown; field: string }[] = [
  { name: 'a link title', path: '/api/links', method: 'POST', json: { url: 'https://example.com/', title: `a${NUL}b` }, field: 'title' },
  { name: 'a tag', path: '/api/links', method: 'POST', json: { url: 'https://example.com/', tags: ['ok', `a${NUL}b`] }, field: 'tags[1]' },
  { name: 'a URL', path: '/api/links', method: 'POST', json: { url: `https://example.com/${NUL}` }, field: 'url' },
  { name: 'a custom code', path: '/api/links', method: 'POST', json: { url: 'https://example.com/', code: `a${NUL}` }, field: 'code' },
  { name: 'a password', path: '/api/links', method: 'POST', json: { url: 'https://example.com/', password: `pw${NUL}` }, field: 'password' },
  { name: 'a lone surrogate in a title', path: '/api/links', method: 'POST', json: { url: 'https://example.com/', title: 'a\ud800b' }, field: 'title' },
  { name: 'another control character', path: '/api/links', method: 'POST', json: { url: 'https://example.com/', title: 'bell\u0007' }, field: 'title' },
  { name: 'a field name', path: '/api/links', method: 'POST', json: { url: 'https://example.com/', [`x${NUL}`]: 1 }, field: `x${NUL}` },
  { name: 'a changed title', path: '/api/links/kept', method: 'PATCH', json: { title: `a${NUL}b` }, field: 'title' },
  { name: 'changed tags', path: '/api/links/kept', method: 'PATCH', json: { tags: [`${NUL}`] }, field: 'tags[0]' },
  { name: 'an API key name', path: '/api/keys', method: 'POST', json: { name: `ci${NUL}`, role: 'viewer' }, field: 'name' },
  { name: 'a search', path: '/api/links?q=a%00b', field: 'q' },
  { name: 'a tag filter of the link list', path: '/api/links?tag=a%00b', field: 'tag' },
  { name: 'a cursor', path: '/api/links?cursor=%00', field: 'cursor' },
  { name: 'a code in the path', path: '/api/links/a%00b', field: 'code' },
  { name: 'a key id in the path', path: '/api/keys/a%00b', method: 'DELETE', field: 'id' },
  { name: 'a report filter', path: '/api/links/kept/stats?city=a%00b', field: 'city' },
  { name: 'a tag filter of the overall report', path: '/api/stats?tag=a%00b', field: 'tag' },
  { name: 'a time zone', path: '/api/stats?tz=UTC%00', field: 'tz' },
  { name: 'a time', path: '/api/stats?from=2026-01-01%00', field: 'from' },
  { name: 'a click page filter', path: '/api/links/kept/clicks?utmSource=%00', field: 'utmSource' },
  { name: 'an export filter', path: '/api/links/kept/clicks/export?target=%00', field: 'target' },
  { name: 'an unknown parameter', path: '/api/stats?x%00=1', field: 'x\u0000' },
];

for (const kind of DATABASE_KINDS) {
  describe(`text no database can keep, on ${kind.name}`, { skip: kind.skip }, () => {
    let database: TestDatabase;
    let server: TestServer;
    before(async () => {
      database = await kind.create();
      server = await startTestServer({ database });
      assert.equal((await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/kept', code: 'kept', title: 'Kept' } })).status, 201);
    });
    after(async () => {
      await server.close();
      await database.drop();
    });

    for (const request of REQUESTS) {
      it(`refuses ${request.name} with a 422 naming the field, and changes nothing`, async () => {
        const res = await server.api(request.path, { method: request.method ?? 'GET', ...(request.json !== undefined && { json: request.json }) });
        assert.equal(res.status, 422, await res.clone().text());
        assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
        const problem = await res.json();
        assert.equal(problem.status, 422);
        assert.match(problem.detail, /control characters/);
        assert.ok(problem.errors.some((e: { field: string }) => e.field === request.field), `${JSON.stringify(problem.errors)} names ${request.field}`);
        const links = (await (await server.api('/api/links')).json()).items;
        assert.deepEqual(links.map((l: { code: string; title: string; tags: string[] }) => [l.code, l.title, l.tags]), [['kept', 'Kept', []]]);
        assert.equal((await (await server.api('/api/keys')).json()).items.length, 0);
      });
    }

    it('redirects a visit whose campaign tags hold U+0000, storing them without it', async () => {
      const res = await server.api('/kept?utm_source=mail%00box&utm_medium=%00', { key: null });
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), 'https://example.com/kept?utm_source=mail%00box&utm_medium=%00');
      const clicks = (await (await server.api('/api/links/kept/clicks')).json()).items;
      assert.equal(clicks.length, 1);
      assert.equal(clicks[0].utmSource, 'mailbox');
      assert.equal(clicks[0].utmMedium, null);
    });

    it('answers a path with U+0000 where a code would be like any unknown code', async () => {
      const res = await server.api('/a%00b', { key: null, headers: { accept: 'application/json' } });
      assert.equal(res.status, 404);
      assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    });

    it('keeps tabs and line breaks, which are text', async () => {
      const res = await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', title: 'two\tcolumns\nand lines' } });
      assert.equal(res.status, 201);
      assert.equal((await res.json()).title, 'two\tcolumns\nand lines');
      await server.api('/api/links?limit=100').then(async (r) => {
        const created = (await r.json()).items.find((l: { code: string }) => l.code !== 'kept');
        await server.api(`/api/links/${created.code}`, { method: 'DELETE' });
      });
    });
  });
}
