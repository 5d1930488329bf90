import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ADMIN_KEY, startTestServer, type Json, type TestResponse, type TestServer } from '../helpers/test-server.js';

/** A request exactly as given: fetch would add a Content-Type to any body, and normalize the URL. */
function rawRequest(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; }).on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function problemOf(res: TestResponse, status: number): Promise<Json> {
  assert.equal(res.status, status);
  assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
  const problem = await res.json();
  assertProblem(problem, status);
  return problem;
}

function assertProblem(problem: Json, status: number): void {
  assert.equal(problem.status, status);
  assert.match(problem.type, /^urn:linkpulse:problem:/);
  assert.ok(problem.title, 'a title');
  assert.ok(typeof problem.detail === 'string' && problem.detail.length > 0, 'a detail');
}

function messageFor(problem: Json, field: string): string {
  const found = (problem.errors as { field: string; message: string }[]).filter((e) => e.field === field);
  assert.equal(found.length, 1, `one error for ${field}: ${JSON.stringify(problem.errors)}`);
  return found[0]?.message ?? '';
}

describe('errors are problem documents a person can act on', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'there' } });
  });
  after(() => server.close());

  it('answers a URL with broken percent-encoding with a 400 problem', async () => {
    const res = await rawRequest(server.url, 'GET', '/api/links/%E0%A4%A', {});
    assert.equal(res.status, 400);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    const problem = JSON.parse(res.body);
    assertProblem(problem, 400);
    assert.match(problem.detail, /percent-encoding/);
  });

  it('answers a request line too large for the HTTP parser with a 431 problem', async () => {
    const res = await rawRequest(server.url, 'GET', `/api/links?q=${'x'.repeat(20_000)}`, {});
    assert.equal(res.status, 431);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    assertProblem(JSON.parse(res.body), 431);
  });

  it('answers malformed JSON, an empty JSON body and a body too large with problems', async () => {
    const json = { 'content-type': 'application/json' };
    assert.match((await problemOf(await server.api('/api/links', { method: 'POST', headers: json, body: '{"url":' }), 400)).detail, /not valid JSON/);
    assert.match((await problemOf(await server.api('/api/links', { method: 'POST', headers: json, body: '' }), 400)).detail, /empty/);
    const big = JSON.stringify({ url: `https://example.com/${'x'.repeat(70_000)}` });
    assert.match((await problemOf(await server.api('/api/links', { method: 'POST', headers: json, body: big }), 413)).detail, /too large/);
  });

  it('answers a body that is not declared JSON with a 415 naming the Content-Type', async () => {
    const body = JSON.stringify({ url: 'https://example.com/' });
    for (const headers of [{}, { 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'text/plain' }, { 'content-type': 'text/xml' }] as Record<string, string>[]) {
      const res = await rawRequest(server.url, 'POST', '/api/links', { ...headers, 'content-length': String(body.length) }, body);
      assert.equal(res.status, 415, JSON.stringify(headers));
      const problem = JSON.parse(res.body);
      assertProblem(problem, 415);
      assert.match(problem.detail, /Content-Type: application\/json/);
      assert.doesNotMatch(problem.detail, /unknown field|not a known field/);
    }
    assert.equal((await rawRequest(server.url, 'POST', '/api/links', { 'content-type': 'application/json; charset=utf-8' }, body)).status, 201);
  });

  it('answers an unknown API path with a 404 problem and a wrong method with a 405 and Allow', async () => {
    assert.match((await problemOf(await server.api('/api/nothing-here'), 404)).detail, /\/api\/nothing-here/);
    const put = await server.api('/api/links', { method: 'PUT', json: {} });
    assert.equal(put.headers.get('allow'), 'GET, HEAD, POST');
    assert.match((await problemOf(put, 405)).detail, /PUT is not allowed.*GET, HEAD, POST/);
    const post = await server.api('/api/links/there', { method: 'POST', json: {} });
    assert.equal(post.headers.get('allow'), 'DELETE, GET, HEAD, PATCH');
    await problemOf(post, 405);
  });

  it('says which field is wrong, what it got and what is allowed', async () => {
    const create = (json: unknown) => server.api('/api/links', { method: 'POST', json });
    const cases: [Promise<TestResponse>, string, RegExp][] = [
      [create({ url: 'https://example.com/', redirectType: 303 }), 'redirectType', /^must be one of 301, 302, 307, 308 \(got 303\)$/],
      [create({ url: 'https://example.com/', title: 5 }), 'title', /^must be a string or null \(got 5\)$/],
      [create({ url: 'https://example.com/', maxClicks: 'ten' }), 'maxClicks', /^must be a whole number or null \(got "ten"\)$/],
      [create({ url: 'https://example.com/', tags: 'one' }), 'tags', /^must be a list \(got "one"\)$/],
      [create({ url: 'https://example.com/', code: 'x'.repeat(201) }), 'code', /^must be at most 200 characters \(got 201\)$/],
      [create({ url: 'https://example.com/', colour: 'red' }), 'colour', /^is not a known field; known fields: url, code, domain, title/],
      [create({}), 'url', /^is required$/],
      [server.api('/api/links?sort=size'), 'sort', /^must be one of "created", "clicks" \(got "size"\)$/],
      [server.api('/api/links?limit=0'), 'limit', /^must be at least 1 \(got 0\)$/],
      [server.api('/api/links?limit=500'), 'limit', /^must be at most 100 \(got 500\)$/],
      [server.api('/api/links?limit=many'), 'limit', /^must be a whole number \(got "many"\)$/],
      [server.api('/api/keys', { method: 'POST', json: { name: 'ci', role: 'owner' } }), 'role', /^must be one of "admin", "viewer" \(got "owner"\)$/],
      [server.api('/api/links/there/clicks/export?format=xml'), 'format', /^must be one of "csv", "ndjson" \(got "xml"\)$/],
    ];
    for (const [response, field, message] of cases) {
      const problem = await problemOf(await response, 400);
      assert.match(messageFor(problem, field), message);
      assert.ok(problem.detail.includes(field), `the detail names ${field}: ${problem.detail}`);
    }
  });

  describe('a report range', () => {
    const stats = async (query: string) => problemOf(await server.api(`/api/stats?${query}`), 422);

    it('blames from when it starts after now and to was not given', async () => {
      const problem = await stats('from=2999-01-01');
      assert.match(messageFor(problem, 'from'), /before now/);
      assert.ok(!problem.errors.some((e: { field: string }) => e.field === 'to' || e.field === 'interval'));
    });

    it('blames from when it is after to', async () => {
      assert.match(messageFor(await stats('from=2026-02-01&to=2026-01-01'), 'from'), /before to \(got from 2026-02-01T00:00:00.000Z, to 2026-01-01T00:00:00.000Z\)/);
    });

    it('blames the range, not an interval nobody gave, when no interval could cover it', async () => {
      const problem = await stats('from=0001-01-01&to=2026-01-01');
      assert.match(messageFor(problem, 'from'), /too long/);
      assert.ok(!problem.errors.some((e: { field: string }) => e.field === 'interval'), JSON.stringify(problem.errors));
      const onlyTo = await stats('to=9999-01-01&from=1000-01-01&interval=month');
      assert.match(messageFor(onlyTo, 'from'), /too long/);
    });

    it('blames an interval that was given when a coarser one would do, and names those', async () => {
      const problem = await stats('from=2020-01-01&to=2026-01-01&interval=minute');
      assert.match(messageFor(problem, 'interval'), /^"minute" gives more than 1000 buckets from 2020-01-01T00:00:00.000Z to 2026-01-01T00:00:00.000Z: use week, month, or a shorter range$/);
    });
  });
});
