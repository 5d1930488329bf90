import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock, startTestServer, type Json, type TestServer } from '../helpers/test-server.js';

// LINKPULSE_RETENTION_IP_DAYS over HTTP, on SQLite or, in CI's second run, PostgreSQL: old clicks lose
// their IP and user agent, newer ones keep them, and every report reads the same before and after.

const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
];
const IPS = ['8.8.8.8', '5.9.1.1', '81.2.69.142'];
const DAY = 86_400_000;

describe('forgetting old IPs and user agents', () => {
  const t0 = Date.parse('2026-01-10T10:00:00Z');
  const clock = new ManualClock(t0);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock, env: { LINKPULSE_TRUST_PROXY: 'loopback', LINKPULSE_RETENTION_IP_DAYS: '30' } });
    const res = await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/r', code: 'ret' } });
    assert.equal(res.status, 201);
    for (const day of [0, 1, 45]) {
      clock.ms = t0 + day * DAY;
      for (let i = 0; i < 9; i++) {
        clock.advance(60_000);
        const visit = await fetch(`${server.url}/ret?utm_source=s${i % 2}`, {
          redirect: 'manual', headers: { 'user-agent': AGENTS[i % 3] as string, 'x-forwarded-for': IPS[(i + day) % 3] as string },
        });
        assert.equal(visit.status, 302);
        await visit.arrayBuffer();
      }
    }
  });
  after(() => server.close());

  const reports = async (): Promise<Json[]> => Promise.all([
    '/api/links/ret/stats?from=2026-01-01&to=2026-03-01&interval=day',
    '/api/links/ret/stats?from=2026-01-01&to=2026-03-01&interval=week&tz=Europe/Berlin&bots=exclude',
    '/api/links/ret/stats?from=2026-01-01&to=2026-03-01&interval=day&country=DE,US&browser=!Firefox',
    '/api/stats?from=2026-01-01&to=2026-03-01&interval=month',
    '/api/links/ret',
  ].map(async (path) => (await server.api(path)).json()));
  const clicks = async (): Promise<Json[]> => (await (await server.api('/api/links/ret/clicks?limit=100')).json()).items;

  it('blanks them past the retention only, and every report reads the same', async () => {
    await server.lp.roller.catchUp();
    const before = await reports();
    const clicksBefore = await clicks();
    const blanked = (await server.lp.retention?.catchUp())?.identities;
    assert.equal(blanked, 18, 'the clicks of days 0 and 1 (45 days old), not those of day 45');
    assert.deepEqual(await reports(), before);
    const clicksAfter = await clicks();
    const old = (c: Json) => Date.parse(c.at) < clock.ms - 30 * DAY;
    assert.equal(clicksAfter.filter(old).length, 18);
    for (const click of clicksAfter.filter(old)) {
      assert.equal(click.ip, null);
      assert.equal(click.userAgent, null);
    }
    const strip = (c: Json) => ({ ...c, ip: undefined, userAgent: undefined });
    assert.deepEqual(clicksAfter.map(strip), clicksBefore.map(strip), 'nothing else changed');
    assert.deepEqual(clicksAfter.filter((c: Json) => !old(c)), clicksBefore.filter((c: Json) => !old(c)), 'newer clicks untouched');
    assert.deepEqual(await server.lp.retention?.catchUp(), { identities: 0, clicks: 0 }, 'nothing left to do');
  });
});

// LINKPULSE_RETENTION_CLICK_DAYS: old raw clicks go once the rollups hold them in closed days; every
// count and unfiltered report reads the same, while the click log and filters cover the clicks kept.
describe('deleting old raw clicks', () => {
  const t0 = Date.parse('2026-01-10T10:00:00Z');
  const clock = new ManualClock(t0);
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock, env: { LINKPULSE_TRUST_PROXY: 'loopback', LINKPULSE_RETENTION_CLICK_DAYS: '30' } });
    for (const code of ['old', 'mixed']) {
      const res = await server.api('/api/links', { method: 'POST', json: { url: `https://example.com/${code}`, code, tags: [code] } });
      assert.equal(res.status, 201);
    }
    // "old" has clicks on days 0 and 1 only, so its newest click is old too; "mixed" on days 0, 1 and 45.
    for (const day of [0, 1, 45]) {
      clock.ms = t0 + day * DAY;
      for (let i = 0; i < 12; i++) {
        clock.advance(7 * 60_000);
        const code = day === 45 || i % 2 === 0 ? 'mixed' : 'old';
        const visit = await fetch(`${server.url}/${code}?utm_source=s${i % 3}`, {
          redirect: 'manual', headers: { 'user-agent': AGENTS[i % 3] as string, 'x-forwarded-for': IPS[(i + day) % 3] as string },
        });
        assert.equal(visit.status, 302);
        await visit.arrayBuffer();
      }
    }
  });
  after(() => server.close());

  const unfiltered = async (): Promise<Json[]> => Promise.all([
    '/api/links/old/stats?from=2026-01-01&to=2026-03-01&interval=day',
    '/api/links/mixed/stats?from=2026-01-01&to=2026-03-01&interval=hour&from=2026-01-10&to=2026-01-12',
    '/api/links/mixed/stats?from=2026-01-01&to=2026-03-01&interval=week&tz=Europe/Berlin&bots=exclude&compare=previous',
    '/api/stats?from=2026-01-01&to=2026-03-01&interval=day',
    '/api/stats?from=2026-01-05T00:00:00Z&to=2026-02-28T00:00:00Z&interval=month&bots=only',
    '/api/links/old',
    '/api/links/mixed',
    '/api/links?sort=clicks',
  ].map(async (path) => (await server.api(path)).json()));
  const logged = async (code: string): Promise<Json[]> => (await (await server.api(`/api/links/${code}/clicks?limit=100`)).json()).items;

  it('deletes the rolled-up old clicks only, and unfiltered reports and counts read the same', async () => {
    await server.lp.roller.catchUp();
    await server.lp.roller.closeDays();
    const before = await unfiltered();
    const mixedBefore = await logged('mixed');
    const forgotten = await server.lp.retention?.catchUp();
    assert.equal(forgotten?.clicks, 24, 'the clicks of days 0 and 1');
    assert.deepEqual(await unfiltered(), before);
    const horizon = clock.ms - 30 * DAY;
    assert.deepEqual(await logged('mixed'), mixedBefore.filter((c: Json) => Date.parse(c.at) >= horizon), 'the log keeps the newer clicks');
    assert.equal((await logged('old')).length, 0);
    const filtered = await (await server.api('/api/links/mixed/stats?from=2026-01-01&to=2026-03-01&interval=day&utmSource=s0')).json();
    assert.equal(filtered.totals.clicks, mixedBefore.filter((c: Json) => Date.parse(c.at) >= horizon && c.utmSource === 's0').length);
    assert.equal((await server.lp.retention?.catchUp())?.clicks, 0, 'nothing left to do');
  });

  it('keeps the newest click when every click is old, and counts a new click once', async () => {
    clock.advance(100 * DAY);
    const reports = await unfiltered();
    // SQLite numbers a new click after the highest id left: with that one deleted, a new click would
    // take an id the rollups already passed, and never be counted.
    assert.equal((await server.lp.retention?.catchUp())?.clicks, 11);
    assert.deepEqual(await unfiltered(), reports);
    const year = '/api/links/old/stats?from=2026-01-01&to=2027-01-01&interval=month';
    const before = await (await server.api('/api/links/old')).json();
    const statsBefore = await (await server.api(year)).json();
    const visit = await fetch(`${server.url}/old`, { redirect: 'manual', headers: { 'user-agent': AGENTS[0] as string } });
    assert.equal(visit.status, 302);
    await server.lp.roller.catchUp();
    const after = await (await server.api('/api/links/old')).json();
    assert.equal(after.clicks, before.clicks + 1);
    const stats = await (await server.api(year)).json();
    assert.equal(stats.totals.clicks, statsBefore.totals.clicks + 1);
    assert.equal((await logged('old')).length, 1);
  });
});
