import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { ManualClock, startTestServer, type TestServer } from '../helpers/test-server.js';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const BINGBOT = 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)';

describe('analytics over HTTP', () => {
  const clock = new ManualClock(Date.parse('2026-10-24T21:00:00Z'));
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock, env: { LINKPULSE_TRUST_PROXY: 'loopback' } });
    await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'dst' } });
    await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'other' } });
    // One click every 20 minutes through the Berlin fall-back night, a bot every hour.
    for (let i = 0; i < 90; i++) {
      clock.advance(20 * 60_000);
      const bot = i % 3 === 0;
      await fetch(`${server.url}/dst`, {
        redirect: 'manual',
        headers: { 'user-agent': bot ? BINGBOT : FIREFOX, 'x-forwarded-for': `81.2.69.${i % 5}`, referer: i % 2 ? 'https://t.co/x' : 'https://www.reddit.com/r/y' },
      });
    }
    await fetch(`${server.url}/other`, { redirect: 'manual', headers: { 'user-agent': FIREFOX } });
  });
  after(() => server.close());

  it('sums the hourly series in Europe/Berlin across the DST change to the total', async () => {
    const res = await server.api('/api/links/dst/stats?from=2026-10-24T21:00:00Z&to=2026-10-26T08:00:00Z&interval=hour&tz=Europe/Berlin');
    assert.equal(res.status, 200);
    const stats = await res.json();
    assert.equal(stats.totals.clicks, 90);
    assert.equal(stats.timeseries.reduce((sum: number, b: { clicks: number }) => sum + b.clicks, 0), stats.totals.clicks);
    assert.equal(stats.timeseries.length, 35, '1 local hour on the 24th, 25 on the 25th, 9 on the 26th');
    const starts = stats.timeseries.map((b: { t: string }) => b.t);
    assert.ok(starts.includes('2026-10-25T00:00:00.000Z') && starts.includes('2026-10-25T01:00:00.000Z'), 'local 02:00 twice');
    assert.equal(stats.totals.botClicks, 30);
    assert.equal(stats.totals.humanClicks, 60);
    assert.deepEqual(stats.countries, [{ key: 'GB', clicks: 90 }]);
    assert.deepEqual(stats.referrers.map((r: { key: string }) => r.key).sort(), ['t.co', 'www.reddit.com']);
    assert.deepEqual(stats.browsers.find((b: { key: string }) => b.key === 'Firefox'), { key: 'Firefox', clicks: 60 });
    assert.ok(stats.os.length > 0 && stats.devices.length > 0 && Array.isArray(stats.languages));
  });

  it('filters bots and counts daily unique visitors', async () => {
    const url = '/api/links/dst/stats?from=2026-10-24T00:00:00Z&to=2026-10-27T00:00:00Z&interval=day';
    const humans = await (await server.api(`${url}&bots=exclude`)).json();
    assert.deepEqual([humans.totals.clicks, humans.totals.botClicks], [60, 0]);
    assert.ok(humans.devices.every((d: { key: string }) => d.key !== 'bot'));
    const bots = await (await server.api(`${url}&bots=only`)).json();
    assert.equal(bots.totals.clicks, 30);
    // 5 IPs × 2 agents over three UTC days: visitor ids change daily by design.
    const all = await (await server.api(url)).json();
    assert.ok(all.totals.uniqueVisitors > 10 && all.totals.uniqueVisitors <= 30, String(all.totals.uniqueVisitors));
  });

  it('defaults to the last 30 days and refuses bad parameters', async () => {
    const stats = await (await server.api('/api/links/dst/stats')).json();
    assert.equal(stats.interval, 'day');
    assert.equal(stats.tz, 'UTC');
    assert.equal(Date.parse(stats.to) - Date.parse(stats.from), 30 * 86_400_000);
    assert.equal((await (await server.api('/api/links/dst/stats?tz=europe/berlin')).json()).tz, 'Europe/Berlin', 'the canonical name');
    for (const [query, field] of [['tz=Mars/Base', 'tz'], ['interval=fortnight', 'interval'], ['bots=maybe', 'bots'],
      ['from=2026-02-30', 'from'], ['from=2026-11-02&to=2026-11-01', 'from'], ['interval=minute&from=2026-01-01', 'interval']]) {
      const res = await server.api(`/api/links/dst/stats?${query}`);
      assert.equal(res.status, 422, query);
      assert.ok((await res.json()).errors.some((e: { field: string }) => e.field === field), query);
    }
    assert.equal((await server.api('/api/links/missing/stats')).status, 404);
  });

  it('reports over all links with top links', async () => {
    const stats = await (await server.api('/api/stats?from=2026-10-20&to=2026-11-01')).json();
    assert.equal(stats.code, null);
    assert.equal(stats.totals.clicks, 91);
    assert.deepEqual(stats.topLinks, [{ code: 'dst', domain: 'sho.rt', clicks: 90 }, { code: 'other', domain: 'sho.rt', clicks: 1 }]);
  });

  it('pages the click log newest first', async () => {
    const first = await (await server.api('/api/links/dst/clicks?limit=50')).json();
    assert.equal(first.items.length, 50);
    const second = await (await server.api(`/api/links/dst/clicks?limit=50&cursor=${first.nextCursor}`)).json();
    assert.equal(second.items.length, 40);
    assert.equal(second.nextCursor, null);
    const times = [...first.items, ...second.items].map((c: { at: string }) => Date.parse(c.at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    assert.equal(new Set([...first.items, ...second.items].map((c: { id: number }) => c.id)).size, 90);
  });
});

describe('exports and live events', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'exp' } });
  });
  after(() => server.close());

  it('exports CSV with formulas neutralised, and NDJSON', async () => {
    await fetch(`${server.url}/exp`, { redirect: 'manual', headers: { 'user-agent': '=HYPERLINK("http://evil.example","click me")' } });
    await fetch(`${server.url}/exp`, { redirect: 'manual', headers: { 'user-agent': FIREFOX } });
    const res = await server.api('/api/links/exp/clicks/export?format=csv');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="exp-clicks.csv"/);
    const text = await res.text();
    assert.ok(!/(^|,)"?=HYPERLINK/m.test(text), 'no cell starts with =');
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 2);
    assert.equal(rows[1]?.userAgent, `'=HYPERLINK("http://evil.example","click me")`);
    const ndjson = await (await server.api('/api/links/exp/clicks/export?format=ndjson')).text();
    const lines = ndjson.trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.equal(lines[0].userAgent, FIREFOX);
  });

  it('streams a click to a live subscriber', async () => {
    const controller = new AbortController();
    const res = await server.api('/api/links/exp/live', { signal: controller.signal });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    await fetch(`${server.url}/exp?live=1`, { redirect: 'manual', headers: { 'user-agent': FIREFOX } });
    let text = '';
    while (!text.includes('event: click')) text += new TextDecoder().decode((await reader.read()).value);
    while (!text.includes('\n\n', text.indexOf('event: click'))) text += new TextDecoder().decode((await reader.read()).value);
    const data = JSON.parse(/data: (.*)\n/.exec(text.slice(text.indexOf('event: click')))![1]!);
    assert.equal(data.code, 'exp');
    assert.equal(data.browser, 'Firefox');
    controller.abort();
  });

  it('draws QR codes as SVG and PNG', async () => {
    const svg = await server.api('/api/links/exp/qr');
    assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
    assert.match(await svg.text(), /^<svg/);
    const png = await server.api('/api/links/exp/qr?format=png');
    assert.equal(png.headers.get('content-type'), 'image/png');
    assert.deepEqual([...new Uint8Array(await png.arrayBuffer()).slice(1, 4)], [0x50, 0x4e, 0x47]);
  });

  it('serves health, readiness, metrics and the OpenAPI document', async () => {
    assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
    assert.deepEqual(await (await fetch(`${server.url}/readyz`)).json(), { status: 'ready' });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /linkpulse_redirects_total\{status="302"\} \d+/);
    assert.match(metrics, /linkpulse_clicks_stored_total \d+/);
    assert.match(metrics, /linkpulse_http_request_duration_seconds_bucket/);
    // Every stored click went through a timed group commit, and the roller reports rolling them all up.
    const value = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    const stored = value(metrics, 'linkpulse_clicks_stored_total');
    assert.ok(stored > 0);
    assert.equal(value(metrics, 'linkpulse_click_commit_clicks_sum'), stored);
    assert.ok(value(metrics, 'linkpulse_click_commit_seconds_count') >= 1);
    let rolled = metrics;
    for (let i = 0; i < 50 && value(rolled, 'linkpulse_rollup_clicks_total') !== stored; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      rolled = await (await fetch(`${server.url}/metrics`)).text();
    }
    assert.equal(value(rolled, 'linkpulse_rollup_clicks_total'), stored);
    assert.ok(value(rolled, 'linkpulse_rollup_step_seconds_count') >= 1);
    const behind = value(rolled, 'linkpulse_rollup_behind_clicks');
    assert.ok(behind >= 1 && behind <= stored, `behind ${behind} of ${stored}`);
    const doc = await (await server.api("/api/openapi.json", { key: null })).json();
    assert.equal(doc.openapi.slice(0, 2), '3.');
    for (const path of ['/api/links', '/api/links/{code}', '/api/links/{code}/stats', '/api/links/{code}/clicks', '/api/stats', '/api/keys']) {
      assert.ok(doc.paths[path], `${path} is documented`);
    }
    assert.ok(doc.paths['/api/links'].post.responses['201'], 'responses are documented');
    const docs = await fetch(`${server.url}/api/docs`, { redirect: 'follow' });
    assert.equal(docs.status, 200);
  });
});
