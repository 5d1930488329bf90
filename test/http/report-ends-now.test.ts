import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock, startTestServer, type Json, type TestServer } from '../helpers/test-server.js';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

// A report without `to` reads the current hour whole from the rollups (see StatsService); with `to`
// at the same instant, that hour is cut and read from the raw clicks. Both must answer the same.
describe('a report that ends now', () => {
  const clock = new ManualClock(Date.parse('2026-11-20T10:20:00Z'));
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock, env: { LINKPULSE_TRUST_PROXY: 'loopback' } });
    await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/?utm_source=site', code: 'now' } });
    // Clicks in the hour before and in the current one, 10:27 to 11:44; the report at 11:45.
    for (let i = 0; i < 12; i++) {
      clock.advance(7 * 60_000);
      await fetch(`${server.url}/now?utm_campaign=c${i % 3}`, {
        redirect: 'manual', headers: { 'user-agent': FIREFOX, 'x-forwarded-for': `81.2.69.${i % 4}`, referer: i % 2 ? 'https://t.co/x' : '' },
      });
    }
    // The report's instant after the last click: one at that very instant is in the open report only.
    clock.advance(60_000);
    await waitForRollups(server);
  });
  after(() => server.close());

  const at = (ms: number) => new Date(ms).toISOString();

  for (const [name, query] of [
    ['hourly in UTC', 'interval=hour'],
    ['hourly at +05:45', 'interval=hour&tz=Asia/Kathmandu'],
    ['by the minute', 'from=2026-11-20T10:00:00Z&interval=minute'],
    ['daily in Berlin', 'interval=day&tz=Europe/Berlin'],
    ['filtered, with comparison', 'interval=hour&utmCampaign=c1,c2&compare=previous'],
  ] as const) {
    it(`counts what the same report with to=now counts (${name})`, async () => {
      const open = await (await server.api(`/api/links/now/stats?${query}`)).json() as Json;
      const closed = await (await server.api(`/api/links/now/stats?${query}&to=${at(clock.now())}`)).json() as Json;
      assert.equal(open.to, closed.to);
      assert.ok(open.totals.clicks > 0);
      assert.deepEqual(open, closed);
    });
  }
});

/** Until the roller has caught up with every stored click. */
async function waitForRollups(server: TestServer): Promise<void> {
  const value = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
  for (let i = 0; i < 100; i++) {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    if (value(metrics, 'linkpulse_rollup_clicks_total') === value(metrics, 'linkpulse_clicks_stored_total')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.fail('the roller did not catch up');
}
