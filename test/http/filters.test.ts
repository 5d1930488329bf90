import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { writeCityMmdb } from '../helpers/city-mmdb.js';
import { EventStream } from '../helpers/event-stream.js';
import { tempDir } from '../helpers/temp-dir.js';
import { ManualClock, startTestServer, type Json, type TestServer } from '../helpers/test-server.js';

// Filters, campaign tags, region and city over real HTTP: reports, click pages, exports, live streams.

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

// Where the bundled country database puts these addresses.
const US = '8.8.8.8';
const US2 = '8.8.4.4';
const GB = '81.2.69.142';
const CA = '24.114.0.1';
const DE = '5.9.1.1';

/** The columns campaign tags, place and target added, last in exports, in this order. */
const NEW_COLUMNS = ['utmSource', 'utmMedium', 'utmCampaign', 'utmTerm', 'utmContent', 'region', 'city', 'target', 'domain'];

interface Visit {
  readonly ip?: string;
  readonly ua?: string;
  readonly referer?: string;
}

/** Redirects one second after the last, as a client behind the (trusted) loopback proxy at `ip`. */
function visitor(server: () => TestServer, clock: ManualClock) {
  return async (path: string, { ip, ua = CHROME, referer }: Visit = {}): Promise<void> => {
    clock.advance(1000);
    const headers: Record<string, string> = { 'user-agent': ua };
    if (ip !== undefined) headers['x-forwarded-for'] = ip;
    if (referer !== undefined) headers.referer = referer;
    const res = await fetch(`${server().url}${path}`, { redirect: 'manual', headers });
    assert.equal(res.status, 302, path);
    await res.arrayBuffer();
  };
}

async function ok(server: TestServer, path: string): Promise<Json> {
  const res = await server.api(path);
  assert.equal(res.status, 200, `${path}: ${res.status} ${res.status === 200 ? '' : await res.text()}`);
  return res.json();
}

/** A link's click log, oldest first (the API answers newest first). */
async function clicksOf(server: TestServer, code: string, query = ''): Promise<Json[]> {
  const page = await ok(server, `/api/links/${code}/clicks?limit=1000${query ? `&${query}` : ''}`);
  assert.equal(page.nextCursor, null);
  return [...page.items].reverse();
}

const ids = (clicks: readonly { id: number }[]) => clicks.map((c) => c.id);
const keyCounts = (entries: readonly { key: string | null; clicks: number }[]) => entries.map(({ key, clicks }) => ({ key, clicks }));
const sum = (series: readonly { clicks: number }[]) => series.reduce((total, b) => total + b.clicks, 0);

async function createLink(server: TestServer, json: Record<string, unknown>): Promise<void> {
  const res = await server.api('/api/links', { method: 'POST', json });
  assert.equal(res.status, 201, await res.clone().text());
  await res.arrayBuffer();
}

/** A refused request: 4xx problem+json naming `field` with a message matching `message`. */
async function assertRefused(server: TestServer, path: string, field: string, message: RegExp, status?: number): Promise<void> {
  const res = await server.api(path);
  if (res.ok) await res.body?.cancel(); // an accepted live stream would never end
  assert.ok(res.status >= 400 && res.status < 500, `${path}: ${res.status}`);
  if (status !== undefined) assert.equal(res.status, status, path);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/, path);
  const problem = await res.json();
  assert.equal(problem.status, res.status, path);
  const error = (problem.errors ?? []).find((e: { field: string }) => e.field === field);
  assert.ok(error, `${path}: no error on ${field} in ${JSON.stringify(problem)}`);
  assert.match(error.message, message, `${path}: ${error.message}`);
}

/** The clicks of a live stream opened with the admin key. */
class ClickEvents {
  private constructor(private readonly events: EventStream, private readonly controller: AbortController) {}

  static async open(server: TestServer, path: string): Promise<ClickEvents> {
    const controller = new AbortController();
    const res = await server.api(path, { signal: controller.signal });
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    // The server subscribes before it writes the headers: from here on no click is missed.
    return new ClickEvents(new EventStream(res as unknown as Response), controller);
  }

  /** The clicks received, up to and with the click `lastId`. */
  until(lastId: number): Promise<Json[]> {
    return this.events.clicksUntil(lastId);
  }

  /** Lets go of the stream on this side; see the live test for why only after the server closed. */
  close(): void {
    this.controller.abort();
  }
}

describe('filters, campaigns and live streams over HTTP (bundled country database)', () => {
  const clock = new ManualClock(Date.parse('2025-06-15T10:00:00Z'));
  let server: TestServer;
  const visit = visitor(() => server, clock);
  /** The filter fixture's clicks of `flt` (f[1]…f[7]) and `flt2` (g[1], g[2]), in the order sent. */
  const f: Json[] = [];
  const g: Json[] = [];
  const streams: ClickEvents[] = [];
  const DAY_F = 'from=2026-07-01T00:00:00Z&to=2026-07-02T00:00:00Z';

  before(async () => {
    server = await startTestServer({ clock, env: { LINKPULSE_TRUST_PROXY: 'loopback' } });
    await createLink(server, { url: 'https://example.com/cmp', code: 'cmp' });
    await createLink(server, { url: 'https://example.com/f', code: 'flt', tags: ['x'] });
    await createLink(server, { url: 'https://example.com/g', code: 'flt2' });

    // Comparisons: one click a year before, two in the previous 12 hours, three in the period.
    clock.ms = Date.parse('2025-06-15T10:00:00Z');
    await visit('/cmp', { ip: US });
    clock.ms = Date.parse('2026-06-15T02:00:00Z');
    await visit('/cmp', { ip: US });
    await visit('/cmp', { ip: GB });
    clock.ms = Date.parse('2026-06-15T10:00:00Z');
    await visit('/cmp', { ip: US });
    await visit('/cmp', { ip: GB });
    await visit('/cmp', { ip: DE });

    // Filters: 2026-07-01 around noon.
    clock.ms = Date.parse('2026-07-01T12:00:00Z');
    await visit('/flt?utm_source=mail', { ip: US, referer: 'https://t.co/a' }); // f1: desktop
    await visit('/flt', { ip: GB, ua: IPHONE }); // f2: mobile
    await visit('/flt', { ip: CA, ua: FIREFOX, referer: 'https://www.reddit.com/r/x' }); // f3
    await visit('/flt', { ip: DE, ua: GOOGLEBOT }); // f4: bot
    await visit('/flt?utm_source=mail'); // f5: no X-Forwarded-For, no country
    await visit('/flt', { ip: US, ua: GOOGLEBOT }); // f6: bot
    await visit('/flt', { ip: US }); // f7: the visitor of f1 again
    await visit('/flt2', { ip: US2 }); // g1
    await visit('/flt2', { ip: DE, ua: IPHONE }); // g2
    f.push(null, ...(await clicksOf(server, 'flt')));
    g.push(null, ...(await clicksOf(server, 'flt2')));
    assert.deepEqual(f.slice(1).map((c) => c.country), ['US', 'GB', 'CA', 'DE', null, 'US', 'US']);
    assert.deepEqual(g.slice(1).map((c) => c.country), ['US', 'DE']);
    assert.equal(f[1].visitorId, f[7].visitorId);
  });
  after(async () => {
    await server?.close();
    for (const stream of streams) stream.close();
  });

  it('stores UTM tags from the request, else from the target URL, trimmed, capped and case kept', async () => {
    const url = 'https://example.com/landing?utm_source=site&utm_medium=web';
    await createLink(server, { url, code: 'utm' });
    clock.ms = Date.parse('2026-07-02T12:00:00Z');
    await visit('/utm?utm_source=mail&utm_campaign=spring', { ip: GB });
    await visit('/utm', { ip: GB });
    await visit(`/utm?utm_source=%20%20News%20Letter%20&utm_medium=%20&utm_term=${'T'.repeat(300)}&utm_content=%20%20`, { ip: GB });
    await visit('/utm?utm_medium=Email&other=1', { ip: GB });

    const clicks = await clicksOf(server, 'utm');
    const tags = (c: Json) => [c.utmSource, c.utmMedium, c.utmCampaign, c.utmTerm, c.utmContent];
    assert.deepEqual(clicks.map(tags), [
      ['mail', 'web', 'spring', null, null],
      ['site', 'web', null, null, null],
      ['News Letter', 'web', null, 'T'.repeat(255), null],
      ['site', 'Email', null, null, null],
    ]);
    for (const click of clicks) {
      assert.equal(click.target, url, 'the link URL, without the forwarded query');
      assert.deepEqual([click.country, click.region, click.city], ['GB', null, null], 'no region or city from a country database');
    }

    // Exports: the new columns last, in order, with the same values.
    const csv = await server.api('/api/links/utm/clicks/export?format=csv');
    assert.equal(csv.status, 200);
    const [header, ...rows] = parse(await csv.text()) as string[][];
    assert.deepEqual(header!.slice(-NEW_COLUMNS.length), NEW_COLUMNS);
    assert.equal(rows.length, 4);
    const newest = Object.fromEntries(header!.map((column, i) => [column, rows[0]![i]]));
    assert.deepEqual(NEW_COLUMNS.map((column) => newest[column]), ['site', 'Email', '', '', '', '', '', url, 'sho.rt']);
    const oldest = Object.fromEntries(header!.map((column, i) => [column, rows[3]![i]]));
    assert.deepEqual(NEW_COLUMNS.map((column) => oldest[column]), ['mail', 'web', 'spring', '', '', '', '', url, 'sho.rt']);
    const ndjson = await server.api('/api/links/utm/clicks/export?format=ndjson');
    const lines = (await ndjson.text()).trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 4);
    assert.deepEqual(Object.keys(lines[0]).slice(-NEW_COLUMNS.length), NEW_COLUMNS);
    assert.deepEqual(lines.reverse(), clicks, 'NDJSON lines are the click log entries');

    // Reports break down by campaign tag and target, from the rollups and from the raw clicks.
    const range = 'from=2026-07-02T00:00:00Z&to=2026-07-03T00:00:00Z';
    const stats = await ok(server, `/api/links/utm/stats?${range}`);
    assert.equal(stats.totals.clicks, 4);
    assert.deepEqual(stats.filters, {});
    assert.deepEqual(keyCounts(stats.utmSources), [{ key: 'site', clicks: 2 }, { key: 'News Letter', clicks: 1 }, { key: 'mail', clicks: 1 }]);
    assert.deepEqual(keyCounts(stats.utmMediums), [{ key: 'web', clicks: 3 }, { key: 'Email', clicks: 1 }]);
    assert.deepEqual(keyCounts(stats.utmCampaigns), [{ key: null, clicks: 3 }, { key: 'spring', clicks: 1 }]);
    assert.deepEqual(keyCounts(stats.utmTerms), [{ key: null, clicks: 3 }, { key: 'T'.repeat(255), clicks: 1 }]);
    assert.deepEqual(keyCounts(stats.targets), [{ key: url, clicks: 4 }]);
    assert.deepEqual(keyCounts(stats.regions), [{ key: null, clicks: 4 }]);
    assert.deepEqual(keyCounts(stats.cities), [{ key: null, clicks: 4 }]);

    const bySource = await ok(server, `/api/links/utm/stats?${range}&utmSource=mail`);
    assert.deepEqual([bySource.totals.clicks, bySource.filters], [1, { utmSource: ['mail'] }]);
    assert.deepEqual(bySource.utmCampaigns, [{ key: 'spring', clicks: 1, uniqueVisitors: 1 }]);
    assert.equal((await ok(server, `/api/links/utm/stats?${range}&utmSource=Mail`)).totals.clicks, 0, 'values match exactly');
    assert.equal((await ok(server, `/api/links/utm/stats?${range}&utmSource=site&utmMedium=web`)).totals.clicks, 1);
    assert.equal((await ok(server, `/api/links/utm/stats?${range}&utmCampaign=(none)`)).totals.clicks, 3);
    assert.equal((await ok(server, `/api/links/utm/stats?${range}&utmCampaign=!(none)`)).totals.clicks, 1);
    const byTarget = await ok(server, `/api/links/utm/stats?${range}&target=${encodeURIComponent(url)}`);
    assert.deepEqual([byTarget.totals.clicks, byTarget.filters], [4, { target: [url] }]);
    assert.deepEqual(ids(await clicksOf(server, 'utm', 'utmSource=mail')), [clicks[0].id]);
    assert.deepEqual(ids(await clicksOf(server, 'utm', 'utmMedium=Email,web&utmSource=!site')), ids(clicks.slice(0, 3).filter((_, i) => i !== 1)));
  });

  it('filters a link report: the filters echo, lists, negation, (none), AND and bots', async () => {
    const stats = (query: string) => ok(server, `/api/links/flt/stats?${DAY_F}&${query}`);
    const all = await stats('');
    assert.deepEqual([all.totals.clicks, all.filters], [7, {}]);
    assert.deepEqual(keyCounts(all.countries), [{ key: 'US', clicks: 3 }, { key: 'CA', clicks: 1 }, { key: 'DE', clicks: 1 }, { key: 'GB', clicks: 1 }, { key: null, clicks: 1 }]);

    const neither = await stats('country=!US,CA');
    assert.deepEqual(neither.filters, { country: ['!US', 'CA'] });
    assert.deepEqual(neither.totals, { clicks: 3, humanClicks: 2, botClicks: 1, uniqueVisitors: 3 });
    assert.deepEqual(neither.countries, [
      { key: 'DE', clicks: 1, uniqueVisitors: 1 }, { key: 'GB', clicks: 1, uniqueVisitors: 1 }, { key: null, clicks: 1, uniqueVisitors: 1 },
    ], 'a negated list keeps the clicks without a value');
    assert.equal(sum(neither.timeseries), 3);

    const none = await stats('country=(none)');
    assert.deepEqual([none.totals.clicks, none.filters], [1, { country: ['(none)'] }]);
    const anyOf = await stats('country=us,%20ca');
    assert.deepEqual([anyOf.totals.clicks, anyOf.filters], [4, { country: ['US', 'CA'] }], 'codes are canonical, values trimmed');

    // Exact unique visitors per entry: f1 and f7 are one visitor.
    const us = await stats('country=US');
    assert.deepEqual(us.countries, [{ key: 'US', clicks: 3, uniqueVisitors: 2 }]);
    assert.equal(us.totals.uniqueVisitors, 2);
    assert.deepEqual(us.devices, [{ key: 'desktop', clicks: 2, uniqueVisitors: 1 }, { key: 'bot', clicks: 1, uniqueVisitors: 1 }]);

    const and = await stats('country=US&device=desktop');
    assert.deepEqual(and.filters, { country: ['US'], device: ['desktop'] });
    assert.deepEqual([and.totals.clicks, and.totals.uniqueVisitors], [2, 1]);
    assert.equal((await stats('country=US&device=mobile')).totals.clicks, 0);
    assert.equal((await stats('utmSource=mail&referrerHost=(none)')).totals.clicks, 1, 'f5 only');
    assert.equal((await stats('referrerHost=t.co,www.reddit.com&browser=!Chrome')).totals.clicks, 1, 'f3 only');

    const onlyBots = await stats('country=US&bots=only');
    assert.deepEqual([onlyBots.bots, onlyBots.totals.clicks, onlyBots.totals.botClicks], ['only', 1, 1]);
    const humans = await stats('country=US&bots=exclude');
    assert.deepEqual([humans.bots, humans.totals.clicks, humans.totals.botClicks], ['exclude', 2, 0]);
    const notUsHumans = await stats('country=!US&bots=exclude');
    assert.deepEqual(keyCounts(notUsHumans.countries), [{ key: 'CA', clicks: 1 }, { key: 'GB', clicks: 1 }, { key: null, clicks: 1 }]);
  });

  it('filters the report over all links by tag and domain', async () => {
    const stats = (query: string) => ok(server, `/api/stats?${DAY_F}&${query}`);
    const tagged = await stats('tag=x');
    assert.deepEqual([tagged.totals.clicks, tagged.filters], [7, { tag: ['x'] }]);
    assert.deepEqual(tagged.topLinks, [{ code: 'flt', domain: 'sho.rt', clicks: 7 }]);
    assert.deepEqual(keyCounts(tagged.tags), [{ key: 'x', clicks: 7 }]);
    const untagged = await stats('tag=(none)');
    assert.deepEqual([untagged.totals.clicks, untagged.topLinks], [2, [{ code: 'flt2', domain: 'sho.rt', clicks: 2 }]]);
    assert.deepEqual(keyCounts(untagged.tags), [{ key: null, clicks: 2 }]);
    assert.equal((await stats('tag=!x')).totals.clicks, 2);
    assert.equal((await stats('tag=x,(none)')).totals.clicks, 9);
    assert.equal((await stats('tag=x&country=US&bots=exclude')).totals.clicks, 2);

    const here = await stats('domain=sho.rt');
    assert.deepEqual([here.totals.clicks, here.filters], [9, { domain: ['sho.rt'] }]);
    assert.deepEqual(here.domains, [{ key: 'sho.rt', clicks: 9, uniqueVisitors: here.totals.uniqueVisitors }]);
    assert.equal(here.totals.uniqueVisitors, 8);
    const elsewhere = await stats('domain=other.example');
    assert.deepEqual([elsewhere.totals.clicks, elsewhere.filters], [0, { domain: ['other.example'] }]);
    assert.deepEqual([elsewhere.domains, elsewhere.topLinks, elsewhere.countries], [[], [], []]);
    assert.equal(sum(elsewhere.timeseries), 0);
    assert.equal((await stats('domain=!other.example')).totals.clicks, 9);
    // On a link's own routes `domain` names the host the link lives on.
    assert.equal((await ok(server, `/api/links/flt/stats?${DAY_F}&domain=sho.rt`)).totals.clicks, 7);
    assert.equal((await server.api(`/api/links/flt/stats?${DAY_F}&domain=other.example`)).status, 404);
  });

  it('limits breakdowns', async () => {
    const one = await ok(server, `/api/links/flt/stats?${DAY_F}&limit=1`);
    assert.deepEqual(keyCounts(one.countries), [{ key: 'US', clicks: 3 }]);
    assert.equal(one.browsers.length, 1);
    assert.equal(one.totals.clicks, 7, 'the limit does not cut the totals');
    const filtered = await ok(server, `/api/links/flt/stats?${DAY_F}&country=!CA&limit=2`);
    assert.deepEqual(filtered.countries, [{ key: 'US', clicks: 3, uniqueVisitors: 2 }, { key: 'DE', clicks: 1, uniqueVisitors: 1 }]);
    const overall = await ok(server, `/api/stats?${DAY_F}&limit=1`);
    assert.equal(overall.countries.length, 1);
    for (const limit of ['0', '1001', 'x', '1.5']) {
      for (const path of ['/api/links/flt/stats', '/api/stats']) {
        await assertRefused(server, `${path}?limit=${limit}`, 'limit', /at most 1000|at least 1|whole number/);
      }
    }
  });

  it('answers a filter that passes every click as the unfiltered report does (raw clicks against rollups)', async () => {
    // country=!ZZ keeps every click but sends the report to the raw clicks; without filters it reads the rollups.
    const strip = (report: Json) => Object.fromEntries(Object.entries(report).filter(([key]) => key !== 'filters')
      .map(([key, value]) => [key, Array.isArray(value) && key !== 'timeseries' && key !== 'topLinks' ? keyCounts(value) : value]));
    for (const path of ['/api/links/flt/stats', '/api/stats']) {
      for (const extra of ['', '&bots=exclude&limit=2', '&interval=hour&tz=Europe/Berlin', '&compare=previous']) {
        const rollups = await ok(server, `${path}?${DAY_F}${extra}`);
        const raw = await ok(server, `${path}?${DAY_F}${extra}&country=!ZZ`);
        assert.deepEqual(raw.filters, { country: ['!ZZ'] });
        assert.deepEqual(strip(raw), strip(rollups), `${path} ${extra}`);
      }
    }
  });

  it('lists the same top links with a filter as without, whatever the breakdown limit', async () => {
    const plain = await ok(server, `/api/stats?${DAY_F}&limit=1`);
    assert.deepEqual(plain.topLinks, [{ code: 'flt', domain: 'sho.rt', clicks: 7 }, { code: 'flt2', domain: 'sho.rt', clicks: 2 }]);
    const filtered = await ok(server, `/api/stats?${DAY_F}&limit=1&country=!ZZ`);
    assert.deepEqual(filtered.topLinks, plain.topLinks);
  });

  it('compares with the previous period and with the year before', async () => {
    const range = 'from=2026-06-15T06:30:15.250Z&to=2026-06-15T18:30:15.250Z';
    const plain = await ok(server, `/api/links/cmp/stats?${range}`);
    assert.equal(plain.totals.clicks, 3);
    assert.ok(!('previous' in plain), 'no comparison unless asked');

    const previous = await ok(server, `/api/links/cmp/stats?${range}&compare=previous`);
    assert.equal(previous.totals.clicks, 3);
    assert.deepEqual(Object.keys(previous.previous).sort(), ['from', 'timeseries', 'to', 'totals']);
    assert.deepEqual([previous.previous.from, previous.previous.to], ['2026-06-14T18:30:15.250Z', '2026-06-15T06:30:15.250Z']);
    assert.deepEqual(previous.previous.totals, { clicks: 2, humanClicks: 2, botClicks: 0, uniqueVisitors: 2 });
    assert.equal(previous.previous.timeseries.length, previous.timeseries.length);
    assert.deepEqual(previous.previous.timeseries.filter((b: { clicks: number }) => b.clicks > 0).map((b: { t: string; clicks: number }) => [b.t, b.clicks]),
      [['2026-06-15T02:00:00.000Z', 2]]);

    const year = await ok(server, `/api/links/cmp/stats?${range}&compare=year`);
    assert.deepEqual([year.previous.from, year.previous.to], ['2025-06-15T06:30:15.250Z', '2025-06-15T18:30:15.250Z']);
    assert.equal(year.previous.totals.clicks, 1);
    assert.equal(year.previous.timeseries.length, year.timeseries.length);
    assert.deepEqual(year.previous.timeseries.filter((b: { clicks: number }) => b.clicks > 0).map((b: { t: string; clicks: number }) => [b.t, b.clicks]),
      [['2025-06-15T10:00:00.000Z', 1]]);

    // The filters apply to the earlier period too.
    const gb = await ok(server, `/api/links/cmp/stats?${range}&compare=previous&country=GB`);
    assert.deepEqual([gb.totals.clicks, gb.previous.totals.clicks, gb.filters], [1, 1, { country: ['GB'] }]);
    assert.equal(sum(gb.previous.timeseries), 1);
    const gbYear = await ok(server, `/api/links/cmp/stats?${range}&compare=year&country=GB`);
    assert.deepEqual([gbYear.totals.clicks, gbYear.previous.totals.clicks], [1, 0]);
    const usYear = await ok(server, `/api/links/cmp/stats?${range}&compare=year&country=US`);
    assert.deepEqual([usYear.totals.clicks, usYear.previous.totals.clicks], [1, 1]);

    const overall = await ok(server, `/api/stats?${range}&compare=previous`);
    assert.deepEqual([overall.totals.clicks, overall.previous.totals.clicks], [3, 2]);
    assert.deepEqual([overall.previous.from, overall.previous.to], ['2026-06-14T18:30:15.250Z', '2026-06-15T06:30:15.250Z']);
  });

  it('filters the click log and exports', async () => {
    assert.deepEqual(ids(await clicksOf(server, 'flt', 'country=!US,CA')), ids([f[2], f[4], f[5]]));
    assert.deepEqual(ids(await clicksOf(server, 'flt', 'country=!US,CA&bots=exclude')), ids([f[2], f[5]]));
    assert.deepEqual(ids(await clicksOf(server, 'flt', 'country=US&bots=only')), ids([f[6]]));
    assert.deepEqual(ids(await clicksOf(server, 'flt', 'device=bot,mobile&country=!DE')), ids([f[2], f[6]]));
    assert.deepEqual(ids(await clicksOf(server, 'flt', 'referrerHost=(none)&utmSource=(none)')), ids([f[2], f[4], f[6], f[7]]));
    assert.deepEqual(ids(await clicksOf(server, 'flt', 'domain=sho.rt')), ids(f.slice(1)));
    assert.equal((await server.api('/api/links/flt/clicks?domain=other.example')).status, 404);
    assert.deepEqual(ids(await clicksOf(server, 'flt', 'tag=x')), ids(f.slice(1)));
    assert.deepEqual(await clicksOf(server, 'flt', 'tag=(none)'), []);
    assert.deepEqual(ids(await clicksOf(server, 'flt2', 'tag=(none)')), ids(g.slice(1)));

    const csv = await server.api('/api/links/flt/clicks/export?format=csv&country=!US,CA&bots=exclude');
    assert.equal(csv.status, 200);
    const rows = parse(await csv.text(), { columns: true }) as Record<string, string>[];
    assert.deepEqual(rows.map((r) => [Number(r.id), r.country]), [[f[5].id, ''], [f[2].id, 'GB']]);
    const ndjson = await (await server.api('/api/links/flt/clicks/export?format=ndjson&country=!US,CA&bots=exclude')).text();
    assert.deepEqual(ndjson.trim().split('\n').map((line) => JSON.parse(line)), [f[5], f[2]]);
    const nothing = await server.api('/api/links/flt/clicks/export?format=csv&country=ZZ');
    assert.equal(nothing.status, 200);
    assert.deepEqual(parse(await nothing.text(), { columns: true }), [], 'the header only');
    assert.equal(await (await server.api('/api/links/flt/clicks/export?format=ndjson&country=ZZ')).text(), '');
    assert.equal((await server.api('/api/links/flt/clicks/export?format=ndjson&domain=other.example')).status, 404);
    const here = await (await server.api('/api/links/flt/clicks/export?format=ndjson&domain=sho.rt')).text();
    assert.equal(here.trim().split('\n').length, 7);
  });

  it('refuses unknown parameters and malformed values with a 422 naming them, on every route', async () => {
    const routes = ['/api/links/flt/stats', '/api/stats', '/api/links/flt/clicks', '/api/links/flt/clicks/export', '/api/links/flt/live', '/api/live'];
    for (const route of routes) {
      const stats = route.endsWith('/stats');
      const cases: [string, string, RegExp][] = [
        ['cuntry=DE', 'cuntry', /not a known parameter.*\bcountry\b/],
        ['country=Germany', 'country', /"Germany" is not allowed.*ISO 3166-1 alpha-2/],
        ['device=phone', 'device', /desktop, mobile, tablet, bot, other/],
        ['country=DE,,FR', 'country', /comma-separated list.*empty value/],
        ['region=berlin', 'region', /ISO 3166-2/],
        ['language=english', 'language', /primary language tags/],
        ['compare=month', 'compare', stats ? /previous, year/ : /not a known parameter/],
        ['bots=maybe', 'bots', /include, exclude or only/],
        ['country=DE&country=FR', 'country', /given 2 times.*comma-separated list/],
      ];
      // The service's own checks answer 422.
      for (const [query, field, message] of cases) await assertRefused(server, `${route}?${query}`, field, message, 422);
      // Every problem at once.
      const res = await server.api(`${route}?cuntry=DE&device=phone`);
      if (res.ok) await res.body?.cancel();
      assert.equal(res.status, 422, route);
      assert.deepEqual((await res.json()).errors.map((e: { field: string }) => e.field).sort(), ['cuntry', 'device'], route);
    }
    await assertRefused(server, '/api/links/flt/clicks?from=2026-07-02&to=2026-07-01', 'from', /after to/, 422);
    await assertRefused(server, '/api/links/flt/clicks/export?from=2026-07-02&to=2026-07-01', 'from', /after to/, 422);
  });

  it('streams only the clicks that pass a live stream\'s filters', { timeout: 60_000 }, async () => {
    clock.ms = Date.parse('2026-07-03T12:00:00Z');
    await createLink(server, { url: 'https://example.com/l1', code: 'live1', tags: ['x'] });
    await createLink(server, { url: 'https://example.com/l2', code: 'live2' });
    // Closed by the server's shutdown (after): a stream the client aborts leaves undici opening a spare
    // connection that holds the server's close for undici's 4 s keep-alive.
    const open = async (path: string) => {
      const stream = await ClickEvents.open(server, path);
      streams.push(stream);
      return stream;
    };
    const mail = await open('/api/links/live1/live?utmSource=mail');
    const spring = await open('/api/live?utmCampaign=spring&bots=exclude');
    const tagged = await open('/api/live?tag=x');
    const untagged = await open('/api/live?tag=(none)');
    await visit('/live1?utm_source=mail'); // a
    await visit('/live1?utm_source=web'); // b
    await visit('/live1?utm_campaign=spring', { ua: GOOGLEBOT }); // c: a bot
    await visit('/live2?utm_campaign=spring'); // d
    await visit('/live2?utm_source=mail'); // e
    await visit('/live2'); // m2: the untagged stream's marker
    await visit('/live1?utm_source=mail&utm_campaign=spring'); // m1: the other streams' marker
    const log = [...(await clicksOf(server, 'live1')), ...(await clicksOf(server, 'live2'))].sort((x, y) => x.id - y.id);
    const [a, b, c, d, e, m2, m1] = log;
    assert.deepEqual(log.map((click) => [click.code, click.utmSource, click.utmCampaign, click.bot]), [
      ['live1', 'mail', null, false], ['live1', 'web', null, false], ['live1', null, 'spring', true],
      ['live2', null, 'spring', false], ['live2', 'mail', null, false], ['live2', null, null, false], ['live1', 'mail', 'spring', false],
    ]);
    // Each event is the click as the log has it; nothing else arrived before the marker.
    assert.deepEqual(await mail.until(m1.id), [a, m1]);
    assert.deepEqual(await spring.until(m1.id), [d, m1]);
    assert.deepEqual(await tagged.until(m1.id), [a, b, c, m1]);
    assert.deepEqual(await untagged.until(m2.id), [d, e, m2]);
  });

  it('caps a UTM value between code points, the live event and the click log agreeing', async () => {
    clock.ms = Date.parse('2026-07-04T12:00:00Z');
    await createLink(server, { url: 'https://example.com/cap', code: 'cap' });
    const events = await ClickEvents.open(server, '/api/links/cap/live');
    streams.push(events);
    await visit(`/cap?utm_source=${encodeURIComponent(`${'a'.repeat(254)}😀`)}`);
    const [click] = await clicksOf(server, 'cap');
    assert.deepEqual(await events.until(click.id), [click], 'the live event is the stored click');
    assert.ok(click.utmSource.startsWith('a'.repeat(254)), click.utmSource);
    assert.ok([...click.utmSource].length <= 255, `${[...click.utmSource].length} characters`);
    assert.doesNotMatch(click.utmSource, /[\uD800-\uDFFF\uFFFD]/u, 'neither half a surrogate pair nor a replacement character');
  });

  it('documents the filter parameters in the OpenAPI document', async () => {
    const doc = await (await server.api('/api/openapi.json', { key: null })).json();
    const routes = ['/api/links/{code}/stats', '/api/stats', '/api/links/{code}/clicks', '/api/links/{code}/clicks/export', '/api/links/{code}/live', '/api/live'];
    for (const route of routes) {
      const parameters: Json[] = doc.paths[route]?.get?.parameters ?? [];
      const named = (name: string) => parameters.find((p) => p.name === name && p.in === 'query');
      for (const name of ['country', 'region', 'city', 'utmSource', 'utmCampaign', 'target', 'domain', 'tag', 'bots']) {
        const parameter = named(name);
        assert.ok(parameter, `${route} documents ${name}`);
        assert.equal(parameter.required, false);
        assert.ok(typeof parameter.description === 'string' && parameter.description.length > 10, `${route} ${name} has a description`);
        assert.ok(parameter.example !== undefined || Object.keys(parameter.examples ?? {}).length > 0, `${route} ${name} has examples`);
      }
      assert.match(named('country').description, /comma-separated.*`!`.*\(none\)/);
      assert.ok(Object.values(named('utmCampaign').examples ?? {}).some((e) => (e as { value: string }).value === 'spring'));
      if (route.endsWith('/stats')) {
        for (const name of ['limit', 'compare']) assert.ok(named(name)?.description, `${route} documents ${name}`);
        assert.match(named('compare').description, /previous.*year/);
      } else {
        assert.equal(named('compare'), undefined, `${route} takes no compare`);
      }
    }
    const stats = doc.components.schemas.Stats.properties;
    for (const property of ['regions', 'cities', 'utmSources', 'utmMediums', 'utmCampaigns', 'targets', 'filters', 'previous']) {
      assert.ok(stats[property], `Stats has ${property}`);
    }
    assert.deepEqual(Object.keys(stats.previous.properties).sort(), ['from', 'timeseries', 'to', 'totals']);
    const click = doc.components.schemas.Click.properties;
    for (const property of NEW_COLUMNS) assert.ok(click[property], `Click has ${property}`);
  });
});

describe('region and city from a City database over HTTP', () => {
  const clock = new ManualClock(Date.parse('2026-07-01T12:00:00Z'));
  const dir = tempDir();
  let server: TestServer;
  const visit = visitor(() => server, clock);
  const DAY = 'from=2026-07-01T00:00:00Z&to=2026-07-02T00:00:00Z';
  let r: Json[] = [];

  before(async () => {
    const db = join(dir.path, 'city.mmdb');
    writeCityMmdb(db, [
      { cidr: '81.2.69.0/24', country: 'GB', subdivision: 'ENG', city: 'London' },
      { cidr: '5.9.0.0/16', country: 'DE', subdivision: 'BE', city: 'Berlin' },
      { cidr: '8.8.8.0/24', country: 'US' },
    ]);
    server = await startTestServer({ clock, env: { LINKPULSE_GEOIP_DB: db, LINKPULSE_TRUST_PROXY: 'loopback' } });
    await createLink(server, { url: 'https://example.com/geo', code: 'geo' });
    await visit('/geo', { ip: '81.2.69.1' });
    await visit('/geo', { ip: '81.2.69.2', ua: FIREFOX });
    await visit('/geo', { ip: '5.9.1.1' });
    await visit('/geo', { ip: '8.8.8.8' });
    await visit('/geo'); // loopback: nowhere
    r = [null, ...(await clicksOf(server, 'geo'))];
  });
  after(async () => {
    await server?.close();
    dir.cleanup();
  });

  it('stores country, region and city', () => {
    assert.deepEqual(r.slice(1).map((c) => [c.country, c.region, c.city]), [
      ['GB', 'GB-ENG', 'London'], ['GB', 'GB-ENG', 'London'], ['DE', 'DE-BE', 'Berlin'], ['US', null, null], [null, null, null],
    ]);
  });

  it('breaks reports down by region and city', async () => {
    const stats = await ok(server, `/api/links/geo/stats?${DAY}`);
    assert.equal(stats.totals.clicks, 5);
    assert.deepEqual(keyCounts(stats.regions), [{ key: 'GB-ENG', clicks: 2 }, { key: null, clicks: 2 }, { key: 'DE-BE', clicks: 1 }]);
    assert.deepEqual(keyCounts(stats.cities), [{ key: 'London', clicks: 2 }, { key: null, clicks: 2 }, { key: 'Berlin', clicks: 1 }]);
    const overall = await ok(server, `/api/stats?${DAY}`);
    assert.deepEqual(keyCounts(overall.regions), keyCounts(stats.regions));
    assert.deepEqual(keyCounts(overall.cities), keyCounts(stats.cities));
  });

  it('filters on region and city', async () => {
    const stats = (query: string) => ok(server, `/api/links/geo/stats?${DAY}&${query}`);
    const berlin = await stats('region=DE-BE');
    assert.deepEqual([berlin.totals.clicks, berlin.filters], [1, { region: ['DE-BE'] }]);
    assert.deepEqual(berlin.regions, [{ key: 'DE-BE', clicks: 1, uniqueVisitors: 1 }]);
    assert.deepEqual(berlin.cities, [{ key: 'Berlin', clicks: 1, uniqueVisitors: 1 }]);
    assert.deepEqual(berlin.countries, [{ key: 'DE', clicks: 1, uniqueVisitors: 1 }]);
    const lower = await stats('region=de-be');
    assert.deepEqual([lower.totals.clicks, lower.filters], [1, { region: ['DE-BE'] }]);
    const london = await stats('city=London');
    assert.deepEqual([london.totals.clicks, london.filters], [2, { city: ['London'] }]);
    assert.deepEqual(london.cities, [{ key: 'London', clicks: 2, uniqueVisitors: 2 }]);
    assert.equal((await stats('city=london')).totals.clicks, 0, 'city names match exactly');
    assert.equal((await stats('region=(none)')).totals.clicks, 2);
    assert.equal((await stats('region=!GB-ENG')).totals.clicks, 3);
    assert.equal((await stats('region=!DE-BE,(none)')).totals.clicks, 2);
    assert.equal((await stats('region=DE-BE&city=London')).totals.clicks, 0);
    assert.equal((await stats('region=GB-ENG,DE-BE&city=!London')).totals.clicks, 1);
    assert.equal((await ok(server, `/api/stats?${DAY}&city=Berlin`)).totals.clicks, 1);

    assert.deepEqual(ids(await clicksOf(server, 'geo', 'region=DE-BE')), ids([r[3]]));
    assert.deepEqual(ids(await clicksOf(server, 'geo', 'city=London')), ids([r[1], r[2]]));
    const csv = await (await server.api('/api/links/geo/clicks/export?format=csv&city=London')).text();
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    assert.deepEqual(rows.map((row) => [row.country, row.region, row.city]), [['GB', 'GB-ENG', 'London'], ['GB', 'GB-ENG', 'London']]);
  });
});
