import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock, startTestServer, type Json, type TestServer } from '../helpers/test-server.js';

// Tracking controls (track: false, excluded addresses, the no-track parameter) and fallback URLs
// (a link's own, or the default) over HTTP, on SQLite or, in CI's second run, PostgreSQL.

describe('tracking controls and fallback URLs', () => {
  const clock = new ManualClock(Date.parse('2026-05-01T12:00:00Z'));
  let server: TestServer;

  before(async () => {
    server = await startTestServer({
      clock,
      env: {
        LINKPULSE_TRUST_PROXY: 'loopback',
        LINKPULSE_EXCLUDED_IPS: '198.51.100.7, 203.0.113.0/24, 2001:db8::/32',
        LINKPULSE_NO_TRACK_PARAM: 'lp_notrack',
        LINKPULSE_FALLBACK_URL: 'https://example.com/default-fallback',
      },
    });
  });
  after(() => server.close());

  const create = async (json: Record<string, unknown>): Promise<Json> => {
    const res = await server.api('/api/links', { method: 'POST', json });
    assert.equal(res.status, 201, await res.clone().text());
    return res.json();
  };
  const visit = async (path: string, ip = '8.8.8.8', method = 'GET') => {
    const res = await fetch(`${server.url}${path}`, { method, redirect: 'manual', headers: { 'x-forwarded-for': ip } });
    await res.arrayBuffer();
    return { status: res.status, location: res.headers.get('location') };
  };
  const clicks = async (code: string): Promise<number> => {
    const page = await (await server.api(`/api/links/${code}/clicks?limit=100`)).json();
    return page.items.length;
  };

  it('redirects a link with track: false without recording, and can turn tracking on again', async () => {
    const link = await create({ url: 'https://example.com/quiet', code: 'quiet', track: false });
    assert.equal(link.track, false);
    assert.deepEqual(await visit('/quiet'), { status: 302, location: 'https://example.com/quiet' });
    assert.equal(await clicks('quiet'), 0);
    const changed = await (await server.api('/api/links/quiet', { method: 'PATCH', json: { track: true } })).json();
    assert.equal(changed.track, true);
    assert.equal((await visit('/quiet')).status, 302);
    assert.equal(await clicks('quiet'), 1);
  });

  it('records nothing from excluded addresses and networks, and the rest as before', async () => {
    await create({ url: 'https://example.com/ex', code: 'ex' });
    for (const ip of ['198.51.100.7', '203.0.113.99', '2001:db8:1::5']) assert.equal((await visit('/ex', ip)).status, 302, ip);
    assert.equal(await clicks('ex'), 0);
    for (const ip of ['198.51.100.8', '8.8.8.8', '2001:db9::1']) assert.equal((await visit('/ex', ip)).status, 302, ip);
    assert.equal(await clicks('ex'), 3);
  });

  it('records nothing for a request with the no-track parameter, and does not forward it', async () => {
    await create({ url: 'https://example.com/nt?a=1', code: 'nt' });
    assert.deepEqual(await visit('/nt?lp_notrack=1&b=2'), { status: 302, location: 'https://example.com/nt?a=1&b=2' });
    assert.deepEqual(await visit('/nt?lp_notrack'), { status: 302, location: 'https://example.com/nt?a=1' });
    assert.equal(await clicks('nt'), 0);
    assert.deepEqual(await visit('/nt?b=2'), { status: 302, location: 'https://example.com/nt?a=1&b=2' });
    assert.equal(await clicks('nt'), 1);
  });

  it('sends visitors of a disabled, expired or used-up link to its fallback, unrecorded', async () => {
    await create({ url: 'https://example.com/off', code: 'off', fallbackUrl: 'https://example.com/sorry' });
    await create({ url: 'https://example.com/soon', code: 'soon', fallbackUrl: 'https://example.com/over', expiresAt: '2026-05-01T13:00:00Z' });
    await create({ url: 'https://example.com/once', code: 'once', fallbackUrl: 'https://example.com/used', maxClicks: 1 });
    assert.equal((await server.api('/api/links/off', { method: 'PATCH', json: { disabled: true } })).status, 200);
    assert.deepEqual(await visit('/off'), { status: 302, location: 'https://example.com/sorry' });
    assert.deepEqual(await visit('/off', '8.8.8.8', 'HEAD'), { status: 302, location: 'https://example.com/sorry' });
    clock.advance(2 * 3600_000);
    assert.deepEqual(await visit('/soon'), { status: 302, location: 'https://example.com/over' });
    assert.deepEqual(await visit('/once'), { status: 302, location: 'https://example.com/once' });
    assert.deepEqual(await visit('/once'), { status: 302, location: 'https://example.com/used' });
    assert.equal(await clicks('off'), 0);
    assert.equal(await clicks('soon'), 0);
    assert.equal(await clicks('once'), 1, 'only the redirect to the target is a click');
  });

  it('falls back to the default when a link names none, and clears a fallback with null', async () => {
    await create({ url: 'https://example.com/d', code: 'dflt', fallbackUrl: 'https://example.com/own' });
    const cleared = await (await server.api('/api/links/dflt', { method: 'PATCH', json: { fallbackUrl: null, disabled: true } })).json();
    assert.equal(cleared.fallbackUrl, null);
    assert.deepEqual(await visit('/dflt'), { status: 302, location: 'https://example.com/default-fallback' });
  });

  it('refuses a fallback URL that is not an http(s) URL or points at this service', async () => {
    for (const fallbackUrl of ['not a url', 'javascript:alert(1)', 'http://sho.rt/x', 'http://SHO.RT./y']) {
      const res = await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', fallbackUrl } });
      assert.equal(res.status, 422, fallbackUrl);
      const problem = await res.json();
      assert.equal(problem.errors?.[0]?.field, 'fallbackUrl', JSON.stringify(problem));
    }
    const patched = await server.api('/api/links/dflt', { method: 'PATCH', json: { fallbackUrl: 'ftp://example.com/' } });
    assert.equal(patched.status, 422);
    assert.equal((await patched.json()).errors?.[0]?.field, 'fallbackUrl');
  });
});

describe('without a default fallback', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('answers 410 for a disabled link without a fallback', async () => {
    const res = await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'gone' } });
    assert.equal(res.status, 201);
    await server.api('/api/links/gone', { method: 'PATCH', json: { disabled: true } });
    const visit = await fetch(`${server.url}/gone`, { redirect: 'manual' });
    await visit.arrayBuffer();
    assert.equal(visit.status, 410);
  });
});
