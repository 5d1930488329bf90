import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../src/config.js';
import { startTestServer, type Json, type TestServer } from '../helpers/test-server.js';

// Orphan visits over HTTP: requests no link answers (the base URL, unknown codes, other 404s) are
// recorded as clicks are enriched, reported and listed with the click log's filters, capped per
// client network, and not at all when switched off.

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const BRITISH_IP = '81.2.69.142';

/** Waits until the server has stored `count` orphan visits (they are written after the 404 is sent). */
async function storedVisits(server: TestServer, count: number, query = ''): Promise<Json[]> {
  for (;;) {
    await server.lp.orphanRecorder?.flush();
    const page = await (await server.api(`/api/orphan-visits/clicks?limit=1000${query}`)).json();
    if (page.items.length >= count) return page.items;
    await sleep(20);
  }
}

describe('orphan visits', () => {
  let server: TestServer;
  const visit = (path: string, headers: Record<string, string> = {}, ip = BRITISH_IP) =>
    fetch(`${server.url}${path}`, { redirect: 'manual', headers: { 'user-agent': FIREFOX, 'x-forwarded-for': ip, ...headers } });

  before(async () => {
    server = await startTestServer({ env: { LINKPULSE_TRUST_PROXY: 'loopback' }, orphanCap: { perNetwork: 5, overall: 1000 } });
    assert.equal((await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/real', code: 'real' } })).status, 201);
  });
  after(async () => {
    await server.close();
  });

  it('records the base URL, an unknown code and any other 404 with the enrichment a click gets', async () => {
    const headers = { referer: 'https://news.example/thread', 'accept-language': 'de-CH,de;q=0.9' };
    assert.equal((await visit('/?utm_source=flyer&utm_campaign=spring', headers)).status, 404);
    assert.equal((await visit('/nope', headers)).status, 404);
    assert.equal((await visit('/wp-admin/setup.php', headers)).status, 404);
    const items = await storedVisits(server, 3);
    assert.deepEqual(items.map((v: Json) => [v.type, v.path]), [['regular_404', '/wp-admin/setup.php'], ['invalid_code', '/nope'], ['base_url', '/']]);
    for (const v of items) {
      assert.equal(v.ip, BRITISH_IP);
      assert.equal(v.country, 'GB');
      assert.equal(v.browser, 'Firefox');
      assert.equal(v.os, 'Linux');
      assert.equal(v.device, 'desktop');
      assert.equal(v.bot, false);
      assert.equal(v.referrer, 'https://news.example/thread');
      assert.equal(v.referrerHost, 'news.example');
      assert.equal(v.language, 'de');
      assert.match(v.visitorId, /^[\w-]{10,}$/);
    }
    assert.equal(items[2].utmSource, 'flyer');
    assert.equal(items[2].utmCampaign, 'spring');
    assert.equal(new Set(items.map((v: Json) => v.visitorId)).size, 1, 'one visitor');
  });

  it('does not record redirects, HEAD requests, or the API\'s and the dashboard\'s own 404s', async () => {
    assert.equal((await visit('/real')).status, 302);
    assert.equal((await fetch(`${server.url}/another-unknown`, { method: 'HEAD', headers: { 'x-forwarded-for': BRITISH_IP } })).status, 404);
    assert.equal((await server.api('/api/links/unknown')).status, 404);
    assert.equal((await visit('/share/unknown-share')).status, 404);
    assert.equal((await visit('/assets/missing.js')).status, 404);
    // One more orphan visit to know when the ones before it would have been written.
    assert.equal((await visit('/marker')).status, 404);
    const items = await storedVisits(server, 4);
    assert.deepEqual(items.map((v: Json) => v.path), ['/marker', '/wp-admin/setup.php', '/nope', '/']);
  });

  it('filters the log and the report as the click log and link reports are, and by type', async () => {
    assert.equal((await visit('/robots-scan', { 'user-agent': GOOGLEBOT }, '203.0.113.9')).status, 404);
    await storedVisits(server, 5);
    const byType = await (await server.api('/api/orphan-visits/clicks?limit=50&type=invalid_code')).json();
    assert.deepEqual(byType.items.map((v: Json) => v.path), ['/robots-scan', '/marker', '/nope']);
    const humans = await (await server.api('/api/orphan-visits/clicks?limit=50&type=invalid_code,base_url&bots=exclude&country=GB')).json();
    assert.deepEqual(humans.items.map((v: Json) => v.path), ['/marker', '/nope', '/']);
    const campaign = await (await server.api('/api/orphan-visits/clicks?limit=50&utmCampaign=spring')).json();
    assert.deepEqual(campaign.items.map((v: Json) => v.path), ['/']);

    const first = await (await server.api('/api/orphan-visits/clicks?limit=2')).json();
    const second = await (await server.api(`/api/orphan-visits/clicks?limit=2&cursor=${first.nextCursor}`)).json();
    assert.deepEqual([...first.items, ...second.items].map((v: Json) => v.path), ['/robots-scan', '/marker', '/wp-admin/setup.php', '/nope']);

    const stats = await (await server.api('/api/orphan-visits/stats')).json();
    assert.deepEqual(stats.totals, { clicks: 5, humanClicks: 4, botClicks: 1, uniqueVisitors: 2 });
    assert.deepEqual(stats.types.map((t: Json) => [t.key, t.clicks]), [['invalid_code', 3], ['base_url', 1], ['regular_404', 1]]);
    assert.equal(stats.timeseries.reduce((sum: number, b: Json) => sum + b.clicks, 0), 5);
    assert.equal(stats.code, undefined);
    assert.deepEqual(stats.targets, undefined);
    const filtered = await (await server.api('/api/orphan-visits/stats?type=invalid_code&bots=exclude&compare=previous')).json();
    assert.equal(filtered.totals.clicks, 2);
    assert.deepEqual(filtered.countries, [{ key: 'GB', clicks: 2, uniqueVisitors: 1 }]);
    assert.deepEqual(filtered.previous.totals.clicks, 0);
  });

  it('refuses filters that need a link and types it does not know, naming them', async () => {
    for (const [query, field] of [['type=nope', 'type'], ['tag=x', 'tag'], ['target=https://x.example', 'target'], ['colour=red', 'colour']]) {
      for (const path of ['/api/orphan-visits/clicks', '/api/orphan-visits/stats']) {
        const res = await server.api(`${path}?${query}`);
        assert.equal(res.status, 422, `${path}?${query}`);
        const problem = await res.json();
        assert.equal(problem.errors[0].field, field);
      }
    }
  });

  it('stores at most the cap per client network and minute, and counts the rest', async () => {
    const before = (await storedVisits(server, 5)).length;
    for (let i = 0; i < 8; i++) assert.equal((await visit(`/flood-${i}`, {}, '198.51.100.20')).status, 404);
    assert.equal((await visit('/after-flood', {}, '198.51.100.21')).status, 404);
    const items = await storedVisits(server, before + 6);
    const flood = items.filter((v: Json) => v.ip === '198.51.100.20');
    assert.deepEqual(flood.map((v: Json) => v.path).reverse(), ['/flood-0', '/flood-1', '/flood-2', '/flood-3', '/flood-4']);
    assert.ok(items.some((v: Json) => v.path === '/after-flood'), 'another network is recorded meanwhile');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /linkpulse_orphan_visits_total\{outcome="dropped"\} 3\b/);
  });
});

describe('orphan visits switched off', () => {
  it('LINKPULSE_TRACK_ORPHANS=false records none; a wrong value stops the start naming the variable', async () => {
    const server = await startTestServer({ env: { LINKPULSE_TRACK_ORPHANS: 'false' } });
    try {
      assert.equal((await fetch(`${server.url}/`)).status, 404);
      assert.equal((await fetch(`${server.url}/nope`)).status, 404);
      assert.equal(server.lp.orphanRecorder, undefined);
      const page = await (await server.api('/api/orphan-visits/clicks')).json();
      assert.deepEqual(page.items, []);
    } finally {
      await server.close();
    }
    assert.throws(() => loadConfig({ LINKPULSE_TRACK_ORPHANS: 'maybe' }), /LINKPULSE_TRACK_ORPHANS: must be true or false \(got "maybe"\)/);
    assert.equal(loadConfig({}).trackOrphans, true);
    assert.equal(loadConfig({ LINKPULSE_TRACK_ORPHANS: '0' }).trackOrphans, false);
  });
});
