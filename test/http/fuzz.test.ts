import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { FILTER_DIMENSIONS } from '../../src/core/analytics/filters.js';
import { DATABASE_KINDS, type TestDatabase } from '../helpers/databases.js';
import { startTestServer, type TestServer } from '../helpers/test-server.js';

// Runs per property: about 10 s per database on two cores; LINKPULSE_FUZZ_RUNS asks for more.
const RUNS = Number(process.env.LINKPULSE_FUZZ_RUNS ?? 250);

const NASTY = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\u0007', '\t', '\n', '(none)', '!', '!(none)', ',', ',,', '!a,b', '%', '%00',
  '%E0%A4%A', '😀', 'Ä', 'DE', 'de,fr', '!US', 'mobile', 'bot', 'en', 'include', 'exclude', 'only', 'minute', 'hour', 'day', 'month',
  'previous', 'year', 'created', 'clicks', 'csv', 'ndjson', 'svg', 'Europe/Berlin', 'UTC', 'Mars/Olympus', '2026-01-01',
  '2026-01-01T00:00:00Z', '0001-01-01', '9999-12-31', '275760-09-13', '-1', '0', '1', '1000', '1001', '1e400', 'NaN', 'null', 'true',
  '12345678901234567890123456789', 'x'.repeat(300), 'x'.repeat(3000), 'https://example.com/', 'http://sho.rt/x', 'javascript:alert(1)',
];

/** Any UTF-16 text: lone surrogates and control characters included. */
const codeUnits = fc.string({ unit: fc.nat(0xffff).map((n) => String.fromCharCode(n)), maxLength: 40 });
const text = fc.oneof(fc.constantFrom(...NASTY), codeUnits, fc.string({ unit: 'grapheme', maxLength: 40 }));

/** Any JSON value, with odd strings and numbers JSON.stringify can write. */
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' },
    text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constantFrom(Number.MAX_SAFE_INTEGER + 2, -1, 0, 1e300, 301, 302, 308),
    fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(text, tie('value'), { maxKeys: 4 })),
})).value;

const LINK_FIELDS = ['url', 'code', 'title', 'tags', 'expiresAt', 'maxClicks', 'redirectType', 'password', 'disabled'];
const linkBody = fc.oneof(
  fc.record(Object.fromEntries(LINK_FIELDS.map((f) => [f, json])), { requiredKeys: [] }),
  fc.record({ url: fc.oneof(text, fc.webUrl()), title: fc.option(text), tags: fc.array(text, { maxLength: 3 }), code: fc.option(text, { nil: undefined }) }, { requiredKeys: ['url'] }),
  json,
);

/** A body as sent: JSON of a value, or raw text JSON.parse makes odd numbers of, or is not JSON at all. */
const rawBody = fc.oneof(
  linkBody.map((value) => JSON.stringify(value) ?? 'null'),
  fc.constantFrom('{"url":"https://example.com/","maxClicks":1e400}', '{"url":"https://example.com/","maxClicks":123456789012345678901234567890}',
    '{"url":', '', '[]', 'null', '{"__proto__":{"x":1},"url":"https://example.com/"}', '{"url":"https://example.com/","title":"\\ud800"}',
    '{"url":"https://example.com/","title":"\\u0000"}'),
);

const STATS_PARAMS = ['from', 'to', 'interval', 'tz', 'bots', 'limit', 'compare', ...FILTER_DIMENSIONS];
const LIST_PARAMS = ['q', 'tag', 'sort', 'limit', 'cursor'];
const CLICK_PARAMS = ['limit', 'cursor', 'from', 'to', 'bots', 'format', ...FILTER_DIMENSIONS];

/** UTF-8 percent-encoding that, unlike encodeURIComponent, takes lone surrogates (as U+FFFD, as a browser would). */
function encode(value: string): string {
  return [...Buffer.from(value, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');
}

function queryOf(names: readonly string[]): fc.Arbitrary<string> {
  const pair = fc.tuple(fc.oneof(fc.constantFrom(...names), text), text, fc.boolean())
    // Raw: what a client might send without encoding, broken percent-escapes included.
    .map(([name, value, raw]) => (raw ? `${name.replace(/[^\x21-\x7e]/g, '')}=${value.replace(/[^\x21-\x7e]/g, '').replace(/[#&]/g, '')}` : `${encode(name)}=${encode(value)}`));
  return fc.array(pair, { maxLength: 5 }).map((pairs) => (pairs.length === 0 ? '' : `?${pairs.join('&')}`));
}

const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((n) => String.fromCharCode(n)), maxLength: 60 });
const visitorHeaders = fc.record({
  'user-agent': headerValue, referer: fc.oneof(headerValue, fc.webUrl()), 'accept-language': headerValue, 'x-forwarded-for': headerValue,
  accept: fc.constantFrom('application/json', 'text/html', '*/*'),
}, { requiredKeys: [] });
const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/problem+json', undefined);

for (const kind of DATABASE_KINDS) {
  describe(`fuzzed requests never get a 5xx, and every 4xx is a problem, on ${kind.name}`, { skip: kind.skip }, () => {
    let database: TestDatabase;
    let server: TestServer;
    before(async () => {
      database = await kind.create();
      server = await startTestServer({ database, apiRateLimit: 1_000_000 });
      for (const code of ['fuzz', 'edit']) {
        assert.equal((await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/?utm_source=seed', code, tags: ['t'] } })).status, 201);
      }
      await server.api('/fuzz?utm_campaign=spring', { key: null, headers: { 'user-agent': 'Mozilla/5.0 Firefox/133.0' } });
    });
    after(async () => {
      await server.close();
      await database.drop();
    });

    /** The property: whatever came in, no 5xx; a 4xx is problem+json with a detail (or, for a browser off the API, a page). */
    async function check(path: string, init: RequestInit & { key?: string | null } = {}): Promise<void> {
      const res = await server.api(path, init);
      const body = await res.text();
      const where = `${init.method ?? 'GET'} ${path.slice(0, 300)} → ${res.status}: ${body.slice(0, 300)}`;
      assert.ok(res.status < 500, where);
      if (res.status < 400) return;
      const type = res.headers.get('content-type') ?? '';
      // fetch resolves dot segments: what the server saw is the response's URL.
      if (!new URL(res.url).pathname.startsWith('/api/') && type.startsWith('text/html')) return;
      assert.match(type, /^application\/problem\+json/, where);
      const problem = JSON.parse(body) as { type?: unknown; title?: unknown; status?: unknown; detail?: unknown };
      assert.equal(problem.status, res.status, where);
      assert.ok(typeof problem.type === 'string' && typeof problem.title === 'string', where);
      assert.ok(typeof problem.detail === 'string' && problem.detail.trim().length > 0, where);
    }

    const run = (property: fc.IAsyncProperty<never> | fc.IAsyncPropertyWithHooks<never>) => fc.assert(property, { numRuns: RUNS });
    const code = fc.oneof(fc.constantFrom('fuzz', 'edit', 'none'), text);

    it('POST /api/links', () => run(fc.asyncProperty(rawBody, contentType, async (body, type) => {
      await check('/api/links', { method: 'POST', body, headers: type === undefined ? {} : { 'content-type': type } });
    }) as never));

    it('PATCH /api/links/{code}', () => run(fc.asyncProperty(code, rawBody, async (c, body) => {
      await check(`/api/links/${encode(c)}`, { method: 'PATCH', body, headers: { 'content-type': 'application/json' } });
    }) as never));

    it('GET /api/links', () => run(fc.asyncProperty(queryOf(LIST_PARAMS), visitorHeaders, async (query, headers) => {
      await check(`/api/links${query}`, { headers });
    }) as never));

    it('GET /api/links/{code}/stats and /api/stats', () => run(fc.asyncProperty(code, queryOf(STATS_PARAMS), fc.boolean(), visitorHeaders, async (c, query, overall, headers) => {
      await check(overall ? `/api/stats${query}` : `/api/links/${encode(c)}/stats${query}`, { headers });
    }) as never));

    it('GET /api/links/{code}/clicks and its export', () => run(fc.asyncProperty(code, queryOf(CLICK_PARAMS), fc.boolean(), async (c, query, exported) => {
      await check(`/api/links/${encode(c)}/clicks${exported ? '/export' : ''}${query}`);
    }) as never));

    it('POST, GET and DELETE /api/keys', () => run(fc.asyncProperty(
      fc.oneof(fc.record({ name: json, role: json }, { requiredKeys: [] }), json), text,
      async (body, id) => {
        await check('/api/keys', { method: 'POST', body: JSON.stringify(body) ?? 'null', headers: { 'content-type': 'application/json' } });
        await check('/api/keys');
        await check(`/api/keys/${encode(id)}`, { method: 'DELETE' });
      },
    ) as never));

    it('redirects, with any query and visitor headers', () => run(fc.asyncProperty(code, queryOf(['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'x']), visitorHeaders,
      async (c, query, headers) => {
        await check(`/${encode(c)}${query}`, { key: null, headers });
      }) as never));

    it('any path and method under /api', () => run(fc.asyncProperty(
      fc.array(fc.oneof(fc.constantFrom('links', 'stats', 'keys', 'fuzz', 'clicks', 'export', 'qr', '%E0%A4%A', '%', '..'), text), { minLength: 1, maxLength: 4 }),
      fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'), fc.option(rawBody, { nil: undefined }),
      async (segments, method, body) => {
        const path = `/api/${segments.map((s) => (s.startsWith('%') || s === '..' ? s : encode(s))).join('/')}`;
        await check(path, { method, ...(body !== undefined && method !== 'GET' && { body, headers: { 'content-type': 'application/json' } }) });
      },
    ) as never));
  });
}
