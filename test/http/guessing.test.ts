import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock, startTestServer, ADMIN_KEY, type TestServer } from '../helpers/test-server.js';

// Guessing is throttled per client network: API keys and sign-ins, link passwords, short codes.
// Other clients, and the same client once its minute is over, are served as before.

const WRONG_KEY = 'lp_wrongwrongwr_wrongwrongwrongwrongwrongwrongwrongwrong';

describe('guessing throttles', () => {
  const clock = new ManualClock(Date.parse('2026-04-01T12:00:00Z'));
  let server: TestServer;

  before(async () => {
    server = await startTestServer({ clock, env: { LINKPULSE_TRUST_PROXY: 'loopback' } });
    for (const json of [{ url: 'https://example.com/open', code: 'open' }, { url: 'https://example.com/secret', code: 'locked', password: 'right horse' }]) {
      const res = await server.api('/api/links', { method: 'POST', json });
      assert.equal(res.status, 201);
      await res.arrayBuffer();
    }
  });
  after(() => server.close());

  const from = (ip: string, headers: Record<string, string> = {}) => ({ 'x-forwarded-for': ip, ...headers });
  const status = async (path: string, init: RequestInit) => {
    const res = await fetch(`${server.url}${path}`, { redirect: 'manual', ...init });
    await res.arrayBuffer();
    return res.status;
  };
  const apiAs = (ip: string, key: string) => status('/api/links', { headers: from(ip, { authorization: `Bearer ${key}` }) });
  const signInAs = (ip: string, key: string) => status('/dashboard/session', {
    method: 'POST', headers: from(ip, { origin: server.url, 'content-type': 'application/json' }), body: JSON.stringify({ key }),
  });
  const passwordAs = (ip: string, password: string) => status('/locked', {
    method: 'POST', headers: from(ip, { 'content-type': 'application/x-www-form-urlencoded' }), body: new URLSearchParams({ password }).toString(),
  });
  const visitAs = (ip: string, code: string) => status(`/${code}`, { headers: from(ip) });
  /** Statuses of `n` tries. */
  const tries = async (n: number, attempt: () => Promise<number>) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push(await attempt());
    return statuses;
  };

  it('refuses a network that tried too many wrong keys, valid key or not, until its minute ends', async () => {
    const statuses = await tries(22, () => apiAs('203.0.113.1', WRONG_KEY));
    assert.deepEqual(statuses, [...Array(21).fill(401), 429]);
    const refused = await fetch(`${server.url}/api/links`, { headers: from('203.0.113.1', { authorization: `Bearer ${ADMIN_KEY}` }) });
    assert.equal(refused.status, 429, 'a right key from there is refused too: a right guess must not show');
    assert.match(refused.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.match(((await refused.json()) as { detail: string }).detail, /Too many wrong API keys/);
    assert.equal(await apiAs('203.0.113.2', ADMIN_KEY), 200, 'another address is served');
    // Dashboard sign-ins share the count: the network stays refused there too.
    assert.equal(await signInAs('203.0.113.1', ADMIN_KEY), 429);
    clock.advance(60_000);
    assert.equal(await apiAs('203.0.113.1', ADMIN_KEY), 200, 'served again once the minute is over');
  });

  it('counts wrong dashboard sign-ins', async () => {
    const statuses = await tries(22, () => signInAs('203.0.113.3', WRONG_KEY));
    assert.deepEqual(statuses, [...Array(21).fill(401), 429]);
    assert.equal(await signInAs('203.0.113.4', ADMIN_KEY), 200);
    clock.advance(60_000);
  });

  it('refuses a network that tried too many wrong link passwords, before hashing another', async () => {
    const statuses = await tries(12, () => passwordAs('198.51.100.1', 'wrong'));
    assert.deepEqual(statuses, [...Array(11).fill(401), 429]);
    assert.equal(await passwordAs('198.51.100.1', 'right horse'), 429);
    assert.equal(await passwordAs('198.51.100.2', 'right horse'), 303, 'another address gets through');
    clock.advance(60_000);
    assert.equal(await passwordAs('198.51.100.1', 'right horse'), 303);
  });

  it('refuses a network that scans for codes, even for codes that exist; other visitors are redirected', async () => {
    const statuses = await tries(302, () => visitAs('192.0.2.1', `nope${Math.random().toString(36).slice(2)}`));
    assert.deepEqual(statuses, [...Array(301).fill(404), 429]);
    assert.equal(await visitAs('192.0.2.1', 'open'), 429, 'a scanner cannot tell a hit from a miss');
    assert.equal(await visitAs('192.0.2.2', 'open'), 302);
    clock.advance(60_000);
    assert.equal(await visitAs('192.0.2.1', 'open'), 302);
  });

  it('counts an IPv6 client by its /64', async () => {
    await tries(21, () => apiAs(`2001:db8:1:2::${Math.floor(Math.random() * 0xffff).toString(16)}`, WRONG_KEY));
    assert.equal(await apiAs('2001:db8:1:2:aaaa::1', ADMIN_KEY), 429, 'another address of the same /64');
    assert.equal(await apiAs('2001:db8:1:3::1', ADMIN_KEY), 200, 'the next /64 is someone else');
    clock.advance(60_000);
  });
});
