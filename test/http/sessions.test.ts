import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SESSION_DAYS } from '../../src/core/keys/session-service.js';
import { defaultKind, ManualClock, startTestServer, ADMIN_KEY, type TestServer } from '../helpers/test-server.js';
import type { TestDatabase } from '../helpers/databases.js';

// Dashboard sessions over HTTP: the cookie holds a random id, never the key; signing out, revoking
// the key, changing the configured admin key and time each end a session.

describe('dashboard sessions', () => {
  const clock = new ManualClock(Date.parse('2026-03-01T12:00:00Z'));
  let database: TestDatabase;
  let server: TestServer;

  before(async () => {
    database = await defaultKind.create();
    server = await startTestServer({ clock, database });
  });
  after(async () => {
    await server.close();
    await database.drop();
  });

  /** Signs in as the dashboard does; answers the session cookie's value. */
  const signIn = async (key: string): Promise<string> => {
    const res = await fetch(`${server.url}/dashboard/session`, {
      method: 'POST', headers: { origin: server.url, 'content-type': 'application/json' }, body: JSON.stringify({ key }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    await res.arrayBuffer();
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('lp_session='));
    assert.ok(cookie, 'a session cookie');
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Strict/i);
    const value = /^lp_session=([^;]*)/.exec(cookie)?.[1] ?? '';
    assert.ok(!value.includes(key) && !decodeURIComponent(value).includes(key), 'the cookie does not hold the key');
    return value;
  };
  const statusWith = async (session: string, path = '/api/links') => {
    const res = await fetch(`${server.url}${path}`, { headers: { cookie: `lp_session=${session}` } });
    await res.arrayBuffer();
    return res.status;
  };

  it('opens the API with a session, and signing out ends it on the server', async () => {
    const session = await signIn(ADMIN_KEY);
    assert.equal(await statusWith(session), 200);
    assert.equal(await statusWith(session, '/dashboard/session'), 200);
    const out = await fetch(`${server.url}/dashboard/signout`, { method: 'POST', headers: { origin: server.url, cookie: `lp_session=${session}` } });
    assert.equal(out.status, 204);
    assert.match(out.headers.getSetCookie().join('\n'), /lp_session=;/, 'the cookie is cleared');
    assert.equal(await statusWith(session), 401, 'the same cookie, replayed, opens nothing');
  });

  it('ends the sessions of a revoked key, and only those', async () => {
    const created = await (await server.api('/api/keys', { method: 'POST', json: { name: 'colleague', role: 'viewer' } })).json();
    const viewer = await signIn(created.secret);
    const admin = await signIn(ADMIN_KEY);
    assert.equal(await statusWith(viewer), 200);
    assert.equal((await server.api(`/api/keys/${created.key.id}`, { method: 'DELETE' })).status, 204);
    assert.equal(await statusWith(viewer), 401);
    assert.equal(await statusWith(admin), 200);
  });

  it('ends a session after its days, and refuses made-up or old-style cookies', async () => {
    const session = await signIn(ADMIN_KEY);
    clock.advance(SESSION_DAYS * 86_400_000 - 1000);
    assert.equal(await statusWith(session), 200);
    clock.advance(1000);
    assert.equal(await statusWith(session), 401);
    for (const made of ['x', 'A'.repeat(43), `${session}x`, ADMIN_KEY]) assert.equal(await statusWith(made), 401, made);
    // A cookie that held the key itself opens nothing, and the dashboard clears it.
    const old = await fetch(`${server.url}/dashboard/session`, { headers: { cookie: `lp_key=${ADMIN_KEY}` } });
    assert.equal(old.status, 401);
    assert.match(old.headers.getSetCookie().join('\n'), /lp_key=;/);
    assert.equal((await fetch(`${server.url}/api/links`, { headers: { cookie: `lp_key=${ADMIN_KEY}` } })).status, 401);
  });

  it('ends the sessions of the configured admin key when it changes', async () => {
    const session = await signIn(ADMIN_KEY);
    await server.close();
    server = await startTestServer({ clock, database, env: { LINKPULSE_ADMIN_KEY: 'another-admin-key-0123456789abcdef' } });
    assert.equal(await statusWith(session), 401);
  });
});
