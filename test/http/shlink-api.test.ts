import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorType, shlinkClient, type ShlinkClient } from '../helpers/shlink-sdk.js';
import { ADMIN_KEY, startTestServer, type Json, type TestServer } from '../helpers/test-server.js';

// The Shlink-compatible API driven by Shlink's own JS SDK over a real socket: short URLs (list,
// search, tags, order, pages, create, edit, delete), their visits after real redirects, the visits
// overview, tags, domains, orphan visits, health, and Shlink's problem documents.

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

/** What the SDK throws: the problem document it was answered with. */
async function problemOf(call: Promise<unknown>): Promise<Json> {
  try {
    await call;
  } catch (problem) {
    return problem;
  }
  assert.fail('the call succeeded');
}

describe('Shlink-compatible API', () => {
  let server: TestServer;
  let shlink: ShlinkClient;
  const client = (apiKey: string) => shlinkClient(server.url, apiKey);
  const visit = (path: string, userAgent = FIREFOX) =>
    fetch(`${server.url}${path}`, { redirect: 'manual', headers: { 'user-agent': userAgent, 'x-forwarded-for': '81.2.69.142', referer: 'https://t.co/x' } });

  before(async () => {
    server = await startTestServer({ env: { LINKPULSE_TRUST_PROXY: 'loopback' } });
    shlink = client(ADMIN_KEY);
  });
  after(async () => {
    await server.close();
  });

  it('answers health without a key, and refuses a wrong or missing key as Shlink does', async () => {
    assert.deepEqual(await shlink.health(), { status: 'pass', version: '0.1.0', links: { about: 'https://github.com/shlinkio/shlink', project: 'http://sho.rt/api/docs' } });
    assert.equal((await fetch(`${server.url}/rest/health`)).status, 200);
    const wrong = await problemOf(client('lp_not-a-real-key').listShortUrls());
    assert.deepEqual(wrong, { type: ErrorType.INVALID_API_KEY, title: 'Invalid API key', detail: 'Provided API key does not exist or is invalid.', status: 401 });
    const res = await fetch(`${server.url}/rest/v3/short-urls`);
    assert.equal(res.status, 401);
    assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    assert.equal(((await res.json()) as Json).type, ErrorType.INVALID_AUTHORIZATION);
  });

  it('creates short URLs with a custom slug, tags, title, max visits and an end date', async () => {
    const validUntil = '2031-05-01T10:00:00+00:00';
    const created = await shlink.createShortUrl({ longUrl: 'https://example.com/spring', customSlug: 'spring', tags: ['promo', 'q2'], title: 'Spring sale', maxVisits: 100, validUntil });
    assert.deepEqual({ ...created, dateCreated: undefined }, {
      shortCode: 'spring', shortUrl: 'http://sho.rt/spring', longUrl: 'https://example.com/spring', dateCreated: undefined,
      visitsSummary: { total: 0, nonBots: 0, bots: 0 }, tags: ['promo', 'q2'],
      meta: { validSince: null, validUntil, maxVisits: 100 }, domain: null, title: 'Spring sale', crawlable: false, forwardQuery: true, hasRedirectRules: false,
    });
    assert.match(created.dateCreated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
    const generated = await shlink.createShortUrl({ longUrl: 'https://example.com/autumn', tags: ['promo'] });
    assert.match(generated.shortCode, /^[0-9A-Za-z]{7}$/);
    await shlink.createShortUrl({ longUrl: 'https://example.org/winter', customSlug: 'winter', title: 'Winter' });

    const taken = await problemOf(shlink.createShortUrl({ longUrl: 'https://example.com/other', customSlug: 'spring' }));
    assert.deepEqual(taken, { type: ErrorType.INVALID_SLUG, title: 'Invalid custom slug', detail: 'Provided slug "spring" is already in use.', status: 400, customSlug: 'spring' });
    const invalid = await problemOf(shlink.createShortUrl({ longUrl: 'not a url', maxVisits: -1 }));
    assert.equal(invalid.type, ErrorType.INVALID_ARGUMENT);
    assert.equal(invalid.status, 400);
    assert.deepEqual([...invalid.invalidElements].sort(), ['longUrl', 'maxVisits']);
    const since = await problemOf(shlink.createShortUrl({ longUrl: 'https://example.com/x', validSince: '2030-01-01T00:00:00Z' }));
    assert.deepEqual(since.invalidElements, ['validSince']);
  });

  it('lists short URLs with search, tags, order and pages', async () => {
    const all = await shlink.listShortUrls();
    assert.deepEqual(all.data.map((s: Json) => s.shortCode).filter((c: string) => c.length !== 7), ['winter', 'spring'], 'newest first');
    assert.deepEqual(all.pagination, { currentPage: 1, pagesCount: 1, itemsPerPage: 10, itemsInCurrentPage: 3, totalItems: 3 });
    const searched = await shlink.listShortUrls({ searchTerm: 'SPRING' });
    assert.deepEqual(searched.data.map((s: Json) => s.shortCode), ['spring']);
    const tagged = await shlink.listShortUrls({ tags: ['promo'], orderBy: { field: 'longUrl', dir: 'DESC' } });
    assert.deepEqual(tagged.data.map((s: Json) => s.longUrl), ['https://example.com/spring', 'https://example.com/autumn']);
    const both = await shlink.listShortUrls({ tags: ['promo', 'q2'], tagsMode: 'all' });
    assert.deepEqual(both.data.map((s: Json) => s.shortCode), ['spring']);
    const byCode = await shlink.listShortUrls({ orderBy: { field: 'shortCode', dir: 'ASC' }, itemsPerPage: 2, page: '2' });
    assert.deepEqual(byCode.data.map((s: Json) => s.shortCode), ['winter']);
    assert.deepEqual(byCode.pagination, { currentPage: 2, pagesCount: 2, itemsPerPage: 2, itemsInCurrentPage: 1, totalItems: 3 });
    const wrongOrder = await problemOf(fetch(`${server.url}/rest/v3/short-urls?orderBy=colour-ASC`, { headers: { 'x-api-key': ADMIN_KEY } }).then(async (r) => {
      if (!r.ok) throw await r.json();
    }));
    assert.deepEqual(wrongOrder.invalidElements, ['orderBy']);
    const unsupported = await problemOf(shlink.listShortUrls({ excludeMaxVisitsReached: true }));
    assert.deepEqual(unsupported.invalidElements, ['excludeMaxVisitsReached'], 'refused, not ignored');
  });

  it('reads and edits a short URL, and says "short URL not found" for an unknown code', async () => {
    const read = await shlink.getShortUrl({ shortCode: 'winter' });
    assert.equal(read.title, 'Winter');
    const edited = await shlink.updateShortUrl({ shortCode: 'winter' }, { longUrl: 'https://example.org/winter-2', title: null, tags: ['cold'], maxVisits: 5, validUntil: null });
    assert.equal(edited.longUrl, 'https://example.org/winter-2');
    assert.equal(edited.title, null);
    assert.deepEqual(edited.tags, ['cold']);
    assert.deepEqual(edited.meta, { validSince: null, validUntil: null, maxVisits: 5 });
    assert.equal((await visit('/winter')).headers.get('location'), 'https://example.org/winter-2');
    const missing = await problemOf(shlink.getShortUrl({ shortCode: 'nope' }));
    assert.deepEqual(missing, { type: ErrorType.INVALID_SHORTCODE, title: 'Short URL not found', detail: 'No URL found with short code "nope"', status: 404, shortCode: 'nope' });
    assert.equal((await problemOf(shlink.updateShortUrl({ shortCode: 'nope' }, { title: 'x' }))).type, ErrorType.INVALID_SHORTCODE);
    assert.equal((await problemOf(shlink.getShortUrl({ shortCode: 'winter', domain: 'other.example' }))).status, 404);
  });

  it('shows the visits of real redirects, with bots told apart, and the visits overview', async () => {
    for (const agent of [FIREFOX, FIREFOX, GOOGLEBOT]) assert.equal((await visit('/spring?utm_source=mail', agent)).status, 302);
    const visits = await shlink.getShortUrlVisits({ shortCode: 'spring' });
    assert.equal(visits.data.length, 3);
    assert.deepEqual(visits.pagination, { currentPage: 1, pagesCount: 1, itemsPerPage: 5000, itemsInCurrentPage: 3, totalItems: 3 });
    const [newest] = visits.data;
    assert.equal(newest?.potentialBot, true);
    assert.equal(newest?.referer, 'https://t.co/x');
    assert.equal(newest?.userAgent, GOOGLEBOT);
    assert.equal(newest?.visitedUrl, 'http://sho.rt/spring');
    assert.equal(newest?.redirectUrl, 'https://example.com/spring');
    assert.deepEqual(newest?.visitLocation, {
      countryCode: 'GB', countryName: 'United Kingdom', regionName: null, cityName: null, latitude: null, longitude: null, timezone: null, isEmpty: false,
    });
    const humans = await shlink.getShortUrlVisits({ shortCode: 'spring' }, { excludeBots: true, itemsPerPage: 1, page: 2 });
    assert.equal(humans.data.length, 1);
    assert.equal(humans.data[0]?.potentialBot, false);
    assert.deepEqual(humans.pagination, { currentPage: 2, pagesCount: 2, itemsPerPage: 1, itemsInCurrentPage: 1, totalItems: 2 });
    const dated = await shlink.getShortUrlVisits({ shortCode: 'spring' }, { startDate: new Date(Date.now() - 3_600_000).toISOString() });
    assert.equal(dated.pagination.totalItems, 3);
    assert.deepEqual((await shlink.getShortUrl({ shortCode: 'spring' })).visitsSummary, { total: 3, nonBots: 2, bots: 1 });
    // Ordered by the count the roller keeps: it follows within a second or two.
    for (;;) {
      const listed = await shlink.listShortUrls({ orderBy: { field: 'visits', dir: 'DESC' } });
      if (listed.data[0]?.shortCode !== 'spring') {
        await sleep(100);
        continue;
      }
      assert.deepEqual(listed.data[0].visitsSummary, { total: 3, nonBots: 2, bots: 1 });
      const humans = await shlink.listShortUrls({ orderBy: { field: 'nonBotVisits', dir: 'ASC' } });
      assert.equal(humans.data.at(-1)?.shortCode, 'spring');
      break;
    }
    assert.equal((await problemOf(shlink.getShortUrlVisits({ shortCode: 'nope' }))).type, ErrorType.INVALID_SHORTCODE);
    const overview = await shlink.getVisitsOverview();
    assert.deepEqual(overview.nonOrphanVisits, { total: 4, nonBots: 3, bots: 1 }, 'the winter redirect too');
  });

  it('lists tags, with stats, and the one domain', async () => {
    assert.deepEqual(await shlink.listTags(), { data: ['cold', 'promo', 'q2'], pagination: { currentPage: 1, pagesCount: 1, itemsPerPage: 3, itemsInCurrentPage: 3, totalItems: 3 } });
    const stats = await shlink.tagsStats();
    assert.deepEqual(stats.data, [
      { tag: 'cold', shortUrlsCount: 1, visitsSummary: { total: 1, nonBots: 1, bots: 0 } },
      { tag: 'promo', shortUrlsCount: 2, visitsSummary: { total: 3, nonBots: 2, bots: 1 } },
      { tag: 'q2', shortUrlsCount: 1, visitsSummary: { total: 3, nonBots: 2, bots: 1 } },
    ]);
    const redirects = { baseUrlRedirect: null, regular404Redirect: null, invalidShortUrlRedirect: null };
    assert.deepEqual(await shlink.listDomains(), { data: [{ domain: 'sho.rt', isDefault: true, redirects }], defaultRedirects: redirects });
  });

  it('lists orphan visits in Shlink\'s types, filtered by type', async () => {
    for (const path of ['/', '/no-such-code', '/some/page']) assert.equal((await visit(path)).status, 404);
    let all: Json;
    for (;;) {
      await server.lp.orphanRecorder?.flush();
      all = await shlink.getOrphanVisits();
      if (all.data.length >= 3) break;
      await sleep(20);
    }
    assert.deepEqual(all.data.map((v: Json) => [v.type, v.visitedUrl]), [['regular_404', 'http://sho.rt/some/page'], ['invalid_short_url', 'http://sho.rt/no-such-code'], ['base_url', 'http://sho.rt']]);
    assert.equal(all.pagination.totalItems, 3);
    const invalid = await shlink.getOrphanVisits({ type: 'invalid_short_url' });
    assert.deepEqual(invalid.data.map((v: Json) => v.visitedUrl), ['http://sho.rt/no-such-code']);
    assert.equal(invalid.pagination.totalItems, 1);
    assert.deepEqual((await shlink.getVisitsOverview()).orphanVisits, { total: 3, nonBots: 3, bots: 0 });
  });

  it('deletes a short URL, and lets a viewer key read but not write', async () => {
    const created = await (await server.api('/api/keys', { method: 'POST', json: { name: 'reader', role: 'viewer' } })).json();
    const viewer = client(created.secret);
    assert.equal((await viewer.getShortUrl({ shortCode: 'spring' })).shortCode, 'spring');
    const refused = await problemOf(viewer.deleteShortUrl({ shortCode: 'spring' }));
    assert.equal(refused.status, 403);
    await shlink.deleteShortUrl({ shortCode: 'spring' });
    assert.equal((await problemOf(shlink.getShortUrl({ shortCode: 'spring' }))).type, ErrorType.INVALID_SHORTCODE);
    assert.equal((await problemOf(shlink.deleteShortUrl({ shortCode: 'spring' }))).type, ErrorType.INVALID_SHORTCODE);
  });

  it('keeps short URLs of another domain apart, and lists the domains with their redirects', async () => {
    const added = await server.api('/api/domains', { method: 'POST', json: { host: 'go.example.com', notFoundRedirect: 'https://example.com/missing' } });
    assert.equal(added.status, 201);
    const created = await shlink.createShortUrl({ longUrl: 'https://example.com/go-winter', customSlug: 'winter', domain: 'go.example.com' });
    assert.deepEqual([created.shortCode, created.domain, created.shortUrl], ['winter', 'go.example.com', 'http://go.example.com/winter']);
    assert.equal((await shlink.getShortUrl({ shortCode: 'winter', domain: 'go.example.com' })).longUrl, 'https://example.com/go-winter');
    assert.equal((await shlink.getShortUrl({ shortCode: 'winter' })).domain, null, 'the default domain\'s winter is another');
    const listed = await shlink.listShortUrls({ domain: 'go.example.com' });
    assert.deepEqual(listed.data.map((s: Json) => [s.shortCode, s.domain]), [['winter', 'go.example.com']]);
    assert.equal((await problemOf(shlink.createShortUrl({ longUrl: 'https://example.com/', domain: 'none.example' }))).status, 400);
    const redirects = { baseUrlRedirect: null, regular404Redirect: null, invalidShortUrlRedirect: null };
    assert.deepEqual(await shlink.listDomains(), {
      data: [
        { domain: 'sho.rt', isDefault: true, redirects },
        { domain: 'go.example.com', isDefault: false, redirects: { ...redirects, invalidShortUrlRedirect: 'https://example.com/missing' } },
      ],
      defaultRedirects: redirects,
    });
    await shlink.deleteShortUrl({ shortCode: 'winter', domain: 'go.example.com' });
    assert.equal((await problemOf(shlink.getShortUrl({ shortCode: 'winter', domain: 'go.example.com' }))).status, 404);
    assert.equal((await shlink.getShortUrl({ shortCode: 'winter' })).domain, null);
  });
});
