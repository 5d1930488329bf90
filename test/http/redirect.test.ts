import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { openStorage } from '../../src/storage/open-storage.js';
import { defaultKind, startTestServer, type TestServer } from '../helpers/test-server.js';
import { linkKey } from '../../src/core/links/link-key.js';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

async function clicksOf(server: TestServer, code: string) {
  return (await (await server.api(`/api/links/${code}/clicks?limit=100`)).json()).items;
}

describe('redirects', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer(); });
  after(() => server.close());

  const link = async (json: Record<string, unknown>) => {
    const res = await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/landing?src=lp', ...json } });
    assert.equal(res.status, 201);
    return res.json();
  };
  const visit = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, { redirect: 'manual', ...init });

  it('answers 302 with Location and no-store, forwarding the query, and stores the enriched click first', async () => {
    await link({ code: 'go' });
    const res = await visit('/go?utm_source=mail&x=%20y', { headers: { 'user-agent': CHROME, referer: 'https://news.ycombinator.com/item?id=1', 'accept-language': 'pt-BR,pt;q=0.9' } });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://example.com/landing?src=lp&utm_source=mail&x=%20y');
    assert.equal(res.headers.get('cache-control'), 'private, no-store');
    // No waiting: the click was committed before the answer.
    const [click] = await clicksOf(server, 'go');
    assert.equal(click.browser, 'Chrome');
    assert.equal(click.os, 'Windows');
    assert.equal(click.device, 'desktop');
    assert.equal(click.bot, false);
    assert.equal(click.referrerHost, 'news.ycombinator.com');
    assert.equal(click.language, 'pt');
    assert.equal(click.ip, '127.0.0.1');
    assert.equal(click.userAgent, CHROME);
    assert.match(click.visitorId, /^[A-Za-z0-9_-]{22}$/);
    assert.match(click.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('records no click for HEAD, but answers the same status and Location', async () => {
    await link({ code: 'head' });
    const res = await visit('/head', { method: 'HEAD' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://example.com/landing?src=lp');
    assert.equal((await clicksOf(server, 'head')).length, 0);
  });

  it('uses the link redirect type', async () => {
    await link({ code: 'perm', redirectType: 301 });
    await link({ code: 'temp7', redirectType: 307 });
    assert.equal((await visit('/perm')).status, 301);
    assert.equal((await visit('/temp7')).status, 307);
  });

  it('flags bots and mobiles', async () => {
    await link({ code: 'devices' });
    await visit('/devices', { headers: { 'user-agent': GOOGLEBOT } });
    await visit('/devices', { headers: { 'user-agent': IPHONE } });
    const [phone, bot] = await clicksOf(server, 'devices');
    assert.deepEqual([bot.bot, bot.device], [true, 'bot']);
    assert.deepEqual([phone.bot, phone.device, phone.os], [false, 'mobile', 'iOS']);
  });

  it('answers 404 as a page for browsers and as a problem for JSON clients', async () => {
    const page = await visit('/nope<script>', { headers: { accept: 'text/html' } });
    assert.equal(page.status, 404);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.ok(!(await page.text()).includes('<script>'));
    const json = await visit('/nope', { headers: { accept: 'application/json' } });
    assert.equal(json.status, 404);
    assert.equal(json.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal((await visit('/api')).status, 404, 'reserved words are never codes');
  });

  it('answers 410 for disabled, expired and exhausted links', async () => {
    await link({ code: 'off' });
    await server.api('/api/links/off', { method: 'PATCH', json: { disabled: true } });
    assert.equal((await visit('/off')).status, 410);
    await link({ code: 'once', maxClicks: 1 });
    assert.equal((await visit('/once')).status, 302);
    assert.equal((await visit('/once')).status, 410);
    await link({ code: 'soon', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    await server.api('/api/links/soon', { method: 'PATCH', json: { expiresAt: new Date(Date.now() - 1000).toISOString() } });
    assert.equal((await visit('/soon')).status, 410);
    assert.equal((await clicksOf(server, 'off')).length, 0);
  });

  it('answers exactly maxClicks redirects to a burst, and 410 to the rest', async () => {
    await link({ code: 'burst', maxClicks: 5 });
    const statuses = await Promise.all(Array.from({ length: 40 }, () => visit('/burst').then((r) => r.status)));
    assert.equal(statuses.filter((s) => s === 302).length, 5, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 410).length, 35);
    assert.equal((await clicksOf(server, 'burst')).length, 5);
    assert.equal((await (await server.api('/api/links/burst')).json()).clicks, 5);
  });

  it('ignores X-Forwarded-For without a trusted proxy', async () => {
    await link({ code: 'xff' });
    await visit('/xff', { headers: { 'x-forwarded-for': '8.8.8.8' } });
    const [click] = await clicksOf(server, 'xff');
    assert.equal(click.ip, '127.0.0.1');
    assert.equal(click.country, null);
  });

  it('asks for the password of a protected link and redirects after the right one', async () => {
    await link({ code: 'secret', password: 'open sesame' });
    const form = await visit('/secret');
    assert.equal(form.status, 200);
    assert.match(await form.text(), /type="password"/);
    const post = (password: string) => visit('/secret', { method: 'POST', body: new URLSearchParams({ password }) });
    assert.equal((await post('wrong')).status, 401);
    const ok = await post('open sesame');
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get('location'), 'https://example.com/landing?src=lp');
    assert.equal((await clicksOf(server, 'secret')).length, 1);
    assert.equal((await (await server.api('/api/links/secret')).json()).hasPassword, true);
  });
});

describe('redirects behind a trusted proxy', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ env: { LINKPULSE_TRUST_PROXY: 'loopback', LINKPULSE_IP_STORAGE: 'anonymized' } }); });
  after(() => server.close());

  it('believes X-Forwarded-For, looks up the country offline and stores the /24 only', async () => {
    await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'geo' } });
    await fetch(`${server.url}/geo`, { redirect: 'manual', headers: { 'x-forwarded-for': '8.8.8.8', 'user-agent': CHROME } });
    await fetch(`${server.url}/geo`, { redirect: 'manual', headers: { 'x-forwarded-for': '81.2.69.142', 'user-agent': CHROME } });
    await fetch(`${server.url}/geo`, { redirect: 'manual', headers: { 'x-forwarded-for': '2a00:1450:4001::1', 'user-agent': CHROME } });
    const [ie, gb, us] = await clicksOf(server, 'geo');
    assert.deepEqual([ie.ip, ie.country], ['2a00:1450:4001::', 'IE']);
    assert.deepEqual([us.ip, us.country], ['8.8.8.0', 'US']);
    assert.deepEqual([gb.ip, gb.country], ['81.2.69.0', 'GB']);
    assert.notEqual(us.visitorId, gb.visitorId, 'visitor ids come from the full IP');
  });
});

describe('redirects with another GeoIP database', () => {
  let server: TestServer;
  // The same package's IPv4-only file stands in for "another .mmdb" (a city database, say).
  const ipv4Only = createRequire(import.meta.url).resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country-ipv4.mmdb');
  before(async () => { server = await startTestServer({ env: { LINKPULSE_TRUST_PROXY: 'loopback', LINKPULSE_GEOIP_DB: ipv4Only } }); });
  after(() => server.close());

  it('looks countries up in the file LINKPULSE_GEOIP_DB names', async () => {
    await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'geo6' } });
    await fetch(`${server.url}/geo6`, { redirect: 'manual', headers: { 'x-forwarded-for': '2a00:1450:4001::1' } });
    await fetch(`${server.url}/geo6`, { redirect: 'manual', headers: { 'x-forwarded-for': '81.2.69.142' } });
    const [v4, v6] = await clicksOf(server, 'geo6');
    assert.equal(v4.country, 'GB');
    assert.equal(v6.country, null, 'an IPv4-only database knows no IPv6 country (the bundled one says IE)');
  });
});

describe('redirects storing no IP', () => {
  let server: TestServer;
  before(async () => { server = await startTestServer({ env: { LINKPULSE_IP_STORAGE: 'none' } }); });
  after(() => server.close());

  it('keeps no IP but still counts unique visitors', async () => {
    await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'anon' } });
    for (const ua of [CHROME, CHROME, IPHONE]) await fetch(`${server.url}/anon`, { redirect: 'manual', headers: { 'user-agent': ua } });
    const clicks = await clicksOf(server, 'anon');
    assert.deepEqual(clicks.map((c: { ip: string | null }) => c.ip), [null, null, null]);
    const stats = await (await server.api('/api/links/anon/stats')).json();
    assert.deepEqual(stats.totals, { clicks: 3, humanClicks: 3, botClicks: 0, uniqueVisitors: 2 });
  });
});

describe('a link changed by another process on the same database', () => {
  it('is obeyed within a couple of seconds, though the server had it cached', async () => {
    const database = await defaultKind.create();
    const server = await startTestServer({ database });
    const other = openStorage(database.url); // as the CLI or another node would
    try {
      await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/before', code: 'moved' } });
      const location = async () => (await fetch(`${server.url}/moved`, { redirect: 'manual' })).headers.get('location');
      assert.equal(await location(), 'https://example.com/before'); // now in the server's link cache
      await other.links.update(linkKey('moved'), { updatedAt: Date.now(), url: 'https://example.com/after' });
      const deadline = Date.now() + 5000; // the cache keeps a link 60 s unless told or swept
      let seen = await location();
      while (seen !== 'https://example.com/after' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        seen = await location();
      }
      assert.equal(seen, 'https://example.com/after');
    } finally {
      await other.close();
      await server.close();
      await database.drop();
    }
  });
});
