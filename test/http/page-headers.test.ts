import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestResponse, type TestServer } from '../helpers/test-server.js';

// The headers the dashboard is served with, which every HTML page must carry the same.
const SECURITY_HEADERS = [
  'content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy',
  'cross-origin-opener-policy', 'cross-origin-resource-policy', 'x-permitted-cross-domain-policies',
];

function inlineStyleSources(html: string): string[] {
  return [...html.matchAll(/<style>([^<]*)<\/style>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1] ?? '').digest('base64')}'`);
}

describe('HTML pages and security headers', () => {
  let server: TestServer;
  let dashboard: TestResponse;
  before(async () => {
    server = await startTestServer();
    await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/landing?ref=1', code: 'locked', password: 'open sesame' } });
    await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'off' } });
    await server.api('/api/links/off', { method: 'PATCH', json: { disabled: true } });
    dashboard = await server.api('/dashboard', { key: null });
    assert.equal(dashboard.status, 200, 'the dashboard is built (npm run build)');
  });
  after(() => server.close());

  const pages: [string, string, RequestInit, number][] = [
    ['the password page', '/locked?utm_source=mail', {}, 200],
    ['the wrong-password page', '/locked', { method: 'POST', body: new URLSearchParams({ password: 'nope' }) }, 401],
    ['the 404 page of an unknown code', '/nothing', {}, 404],
    ['the 404 page of an unknown path', '/a/b/c', {}, 404],
    ['the 410 page of a disabled link', '/off', {}, 410],
  ];
  for (const [name, path, init, status] of pages) {
    it(`serves ${name} with the dashboard's security headers, its style allowed by hash`, async () => {
      const res = await server.api(path, { key: null, ...init });
      assert.equal(res.status, status);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      for (const header of SECURITY_HEADERS) assert.equal(res.headers.get(header), dashboard.headers.get(header), header);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      const styles = inlineStyleSources(await res.text());
      assert.ok(styles.length > 0);
      for (const source of styles) assert.ok(csp.includes(source), `the CSP allows the page's style ${source}`);
    });
  }

  it('keeps the query string of the protected link through the password form', async () => {
    const form = await server.api('/locked?utm_source=mail&x=%C3%A4', { key: null });
    const action = /<form method="post" action="([^"]+)"/.exec(await form.text())?.[1]?.replace(/&amp;/g, '&');
    assert.equal(action, '/locked?utm_source=mail&x=%C3%A4');
    const posted = await server.api(action, { key: null, method: 'POST', body: new URLSearchParams({ password: 'open sesame' }) });
    assert.equal(posted.status, 303);
    assert.equal(posted.headers.get('location'), 'https://example.com/landing?ref=1&utm_source=mail&x=%C3%A4');
    const clicks = (await (await server.api('/api/links/locked/clicks')).json()).items;
    assert.equal(clicks[0].utmSource, 'mail');
  });

  it('tells caches to keep no copy of the dashboard page', async () => {
    assert.equal(dashboard.headers.get('cache-control'), 'no-store');
    assert.equal((await server.api('/dashboard/links/locked', { key: null })).headers.get('cache-control'), 'no-store');
  });

  it('sends no Strict-Transport-Security over plain HTTP, even when an untrusted client claims HTTPS', async () => {
    for (const path of ['/dashboard', '/api/links', '/nothing', '/locked', '/healthz']) {
      for (const headers of [{}, { 'x-forwarded-proto': 'https' }] as Record<string, string>[]) {
        const res = await server.api(path, { key: null, headers });
        assert.equal(res.headers.get('strict-transport-security'), null, `${path} ${JSON.stringify(headers)}`);
      }
    }
  });
});

describe('Strict-Transport-Security behind a trusted proxy', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ env: { LINKPULSE_TRUST_PROXY: 'loopback' } }); });
  after(() => server.close());

  it('is sent when the trusted proxy says the request came over HTTPS, and only then', async () => {
    for (const path of ['/dashboard', '/api/links', '/nothing']) {
      const https = await server.api(path, { key: null, headers: { 'x-forwarded-proto': 'https' } });
      assert.equal(https.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains', path);
      const http = await server.api(path, { key: null, headers: { 'x-forwarded-proto': 'http' } });
      assert.equal(http.headers.get('strict-transport-security'), null, path);
    }
  });
});
