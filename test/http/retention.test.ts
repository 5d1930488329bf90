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
    const blanked = await server.lp.identityRetention?.catchUp();
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
    assert.equal(await server.lp.identityRetention?.catchUp(), 0, 'nothing left to do');
  });
});
