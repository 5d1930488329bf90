import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestServer, type Json, type TestServer } from '../helpers/test-server.js';

// Custom domains over HTTP: links on several hosts, each with its own codes, redirected by the
// request's Host; the API names a link by code and ?domain=; reports filter and break down by domain.

const DAY = 'from=2020-01-01T00:00:00Z';

describe('custom domains', () => {
  let server: TestServer;

  /** A GET with its own Host header (fetch cannot set one): status and Location. */
  const visit = (path: string, host: string) => new Promise<{ status: number; location: string | undefined }>((resolve, reject) => {
    const url = new URL(server.url);
    const req = request({ host: url.hostname, port: url.port, path, headers: { host } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location }));
    });
    req.on('error', reject);
    req.end();
  });
  const json = async (path: string, init: Parameters<TestServer['api']>[1] = {}): Promise<Json> => {
    const res = await server.api(path, init);
    assert.ok(res.status < 300, `${path}: ${res.status} ${await res.clone().text()}`);
    return res.status === 204 ? undefined : res.json();
  };
  const problem = async (path: string, init: Parameters<TestServer['api']>[1], status: number, field?: string): Promise<Json> => {
    const res = await server.api(path, init);
    assert.equal(res.status, status, `${path}: ${await res.clone().text()}`);
    assert.equal(res.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    const body = await res.json();
    if (field !== undefined) assert.deepEqual(body.errors?.map((e: { field: string }) => e.field), [field], JSON.stringify(body));
    return body;
  };

  before(async () => {
    server = await startTestServer();
    await json('/api/domains', { method: 'POST', json: { host: 'Go.Example.com.' } });
    await json('/api/domains', { method: 'POST', json: { host: 'p.example.com:8443' } });
    await json('/api/domains', {
      method: 'POST', json: { host: 'r.example.com', baseUrlRedirect: 'https://example.com/home', notFoundRedirect: 'https://example.com/missing' },
    });
    await json('/api/links', { method: 'POST', json: { url: 'https://example.com/default', code: 'same', tags: ['t'] } });
    await json('/api/links', { method: 'POST', json: { url: 'https://example.com/go', code: 'same', domain: 'go.example.com' } });
    await json('/api/links', { method: 'POST', json: { url: 'https://example.com/port', code: 'same', domain: 'p.example.com:8443' } });
  });
  after(async () => {
    await server.close();
  });

  it('lists the default domain first, then those added, lowercased', async () => {
    const { items } = await json('/api/domains');
    assert.deepEqual(items, [
      { host: 'sho.rt', isDefault: true, baseUrlRedirect: null, notFoundRedirect: null },
      { host: 'go.example.com', isDefault: false, baseUrlRedirect: null, notFoundRedirect: null },
      { host: 'p.example.com:8443', isDefault: false, baseUrlRedirect: null, notFoundRedirect: null },
      { host: 'r.example.com', isDefault: false, baseUrlRedirect: 'https://example.com/home', notFoundRedirect: 'https://example.com/missing' },
    ]);
  });

  it('draws sparklines of links on each domain, named host/code', async () => {
    const from = new Date(Date.now() - 3 * 86_400_000).toISOString();
    const { items } = await json(`/api/sparklines?codes=same,GO.example.com/same,p.example.com:8443/same,none.example/same&from=${from}&tz=UTC`);
    assert.deepEqual(items.map((i: Json) => [i.code, i.domain, i.clicks.length]), [['same', 'sho.rt', 4], ['same', 'go.example.com', 4], ['same', 'p.example.com:8443', 4]]);
  });

  it('refuses bad hosts, taken hosts, the default and viewers, changing nothing', async () => {
    for (const host of ['bad host', 'http://x.example', '-x.example', 'x.example:99999', 'x..example', '']) {
      await problem('/api/domains', { method: 'POST', json: { host } }, 422, 'host');
    }
    await problem('/api/domains', { method: 'POST', json: { host: 'n.example', notFoundRedirect: 'ftp://x' } }, 422, 'notFoundRedirect');
    await problem('/api/domains', { method: 'POST', json: { host: 'GO.example.com' } }, 409);
    await problem('/api/domains', { method: 'POST', json: { host: 'sho.rt' } }, 409);
    const { secret } = await server.lp.keys.create('viewer', 'viewer');
    await problem('/api/domains', { method: 'POST', key: secret, json: { host: 'v.example' } }, 403);
    assert.equal((await json('/api/domains', { key: secret })).items.length, 4, 'a viewer reads them');
    await problem('/api/domains/sho.rt', { method: 'DELETE' }, 409);
    await problem('/api/domains/none.example', { method: 'DELETE' }, 404);
    assert.equal((await json('/api/domains')).items.length, 4);
  });

  it('redirects the same code on each host to its own link; an unknown host uses the default domain', async () => {
    assert.deepEqual(await visit('/same', 'sho.rt'), { status: 302, location: 'https://example.com/default' });
    assert.deepEqual(await visit('/same', 'go.example.com'), { status: 302, location: 'https://example.com/go' });
    // Lowercased, the trailing dot dropped, and a port the domain was not registered with ignored.
    assert.deepEqual(await visit('/same', 'GO.Example.COM.:8080'), { status: 302, location: 'https://example.com/go' });
    assert.deepEqual(await visit('/same', 'p.example.com:8443'), { status: 302, location: 'https://example.com/port' });
    // Registered with a port: that port only.
    assert.deepEqual(await visit('/same', 'p.example.com'), { status: 302, location: 'https://example.com/default' });
    assert.deepEqual(await visit('/same', 'unknown.example'), { status: 302, location: 'https://example.com/default' });
    // A target on a domain of this service would come back here.
    await problem('/api/links', { method: 'POST', json: { url: 'https://go.example.com/same' } }, 422, 'url');
    // Reserved codes stay reserved on every domain.
    await problem('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'api', domain: 'go.example.com' } }, 422, 'code');
  });

  it('sends a domain\'s root and unknown codes to its own redirects, recorded as orphan visits', async () => {
    assert.deepEqual(await visit('/', 'r.example.com'), { status: 302, location: 'https://example.com/home' });
    assert.deepEqual(await visit('/nothing-here', 'r.example.com'), { status: 302, location: 'https://example.com/missing' });
    // Elsewhere, and for other paths, a 404 as before.
    assert.equal((await visit('/', 'go.example.com')).status, 404);
    assert.equal((await visit('/nothing-here', 'go.example.com')).status, 404);
    assert.equal((await visit('/a/b', 'r.example.com')).status, 404);
    for (;;) {
      await server.lp.orphanRecorder?.flush();
      const { items } = await json('/api/orphan-visits/clicks?limit=100');
      if (items.length >= 5) {
        assert.deepEqual(items.map((v: Json) => v.path).sort(), ['/', '/', '/a/b', '/nothing-here', '/nothing-here']);
        break;
      }
      await sleep(20);
    }
  });

  it('names a link by code and ?domain= on every route of the API', async () => {
    const go = await json('/api/links/same?domain=go.example.com');
    assert.deepEqual([go.url, go.domain, go.shortUrl], ['https://example.com/go', 'go.example.com', 'http://go.example.com/same']);
    const plain = await json('/api/links/same');
    assert.deepEqual([plain.url, plain.domain, plain.shortUrl], ['https://example.com/default', 'sho.rt', 'http://sho.rt/same']);
    assert.equal((await json('/api/links/same?domain=sho.rt')).url, 'https://example.com/default');

    const patched = await json('/api/links/same?domain=go.example.com', { method: 'PATCH', json: { title: 'Go' } });
    assert.equal(patched.title, 'Go');
    assert.equal((await json('/api/links/same')).title, null, 'the default domain\'s link is another');

    const stats = await json(`/api/links/same/stats?${DAY}&domain=go.example.com`);
    assert.equal(stats.totals.clicks, 2, 'its two redirects above');
    const clicks = await json('/api/links/same/clicks?domain=go.example.com');
    assert.deepEqual(clicks.items.map((c: Json) => [c.code, c.domain]), [['same', 'go.example.com'], ['same', 'go.example.com']]);
    const csv = await (await server.api('/api/links/same/clicks/export?format=ndjson&domain=go.example.com')).text();
    assert.deepEqual(csv.trim().split('\n').map((line) => JSON.parse(line).domain), ['go.example.com', 'go.example.com']);

    await problem('/api/links/same?domain=none.example', {}, 404);
    await problem('/api/links/same?domain=bad host', {}, 422, 'domain');
    await problem('/api/links/same/stats?domain=a.example&domain=b.example', {}, 422, 'domain');
  });

  it('lists the links of one domain', async () => {
    const all = await json('/api/links?limit=100');
    assert.deepEqual(all.items.map((l: Json) => l.domain).sort(), ['go.example.com', 'p.example.com:8443', 'sho.rt']);
    const go = await json('/api/links?domain=go.example.com');
    assert.deepEqual(go.items.map((l: Json) => [l.code, l.domain]), [['same', 'go.example.com']]);
    const plain = await json('/api/links?domain=sho.rt');
    assert.deepEqual(plain.items.map((l: Json) => [l.code, l.domain]), [['same', 'sho.rt']]);
  });

  it('filters reports by domain and breaks the report over all links down by domain', async () => {
    const all = await json(`/api/stats?${DAY}`);
    const byHost = (list: Json[]) => Object.fromEntries(list.map((d) => [d.key, d.clicks]));
    // Unfiltered: the rollups' answer (and the clicks past the watermark).
    assert.deepEqual(byHost(all.domains), { 'sho.rt': 3, 'go.example.com': 2, 'p.example.com:8443': 1 });
    // The same code on three domains: three links.
    const top = [
      { code: 'same', domain: 'sho.rt', clicks: 3 }, { code: 'same', domain: 'go.example.com', clicks: 2 }, { code: 'same', domain: 'p.example.com:8443', clicks: 1 },
    ];
    assert.deepEqual(all.topLinks, top);
    await server.lp.roller.catchUp();
    const rolled = await json(`/api/stats?${DAY}`);
    assert.deepEqual(byHost(rolled.domains), { 'sho.rt': 3, 'go.example.com': 2, 'p.example.com:8443': 1 });
    assert.deepEqual(rolled.topLinks, top);
    assert.deepEqual((await json(`/api/stats?${DAY}&country=!ZZ`)).topLinks, top, 'filtered: from the raw clicks');

    const go = await json(`/api/stats?${DAY}&domain=GO.example.com`);
    assert.equal(go.totals.clicks, 2);
    assert.deepEqual(go.domains, [{ key: 'go.example.com', clicks: 2, uniqueVisitors: go.totals.uniqueVisitors }]);
    assert.equal((await json(`/api/stats?${DAY}&domain=sho.rt`)).totals.clicks, 3);
    assert.equal((await json(`/api/stats?${DAY}&domain=!sho.rt`)).totals.clicks, 3);
    assert.equal((await json(`/api/stats?${DAY}&domain=(none)`)).totals.clicks, 0);
    assert.equal((await json(`/api/stats?${DAY}&domain=go.example.com,sho.rt&tag=t`)).totals.clicks, 3);
  });

  it('refuses a link on an unknown domain, and a domain with links; removes it once it has none', async () => {
    await problem('/api/links', { method: 'POST', json: { url: 'https://example.com/', domain: 'none.example' } }, 422, 'domain');
    await problem('/api/links', { method: 'POST', json: { url: 'https://example.com/', domain: 'bad host' } }, 422, 'domain');
    await problem('/api/links', { method: 'POST', json: { url: 'https://example.com/', code: 'same', domain: 'go.example.com' } }, 409);
    await problem('/api/domains/go.example.com', { method: 'DELETE' }, 409);
    await json('/api/links/same?domain=go.example.com', { method: 'DELETE' });
    assert.equal((await json('/api/links/same')).url, 'https://example.com/default', 'the default domain\'s link stays');
    await json('/api/domains/go.example.com', { method: 'DELETE' });
    assert.deepEqual((await json('/api/domains')).items.map((d: Json) => d.host), ['sho.rt', 'p.example.com:8443', 'r.example.com']);
    // Gone: its host is an unknown one now, answered from the default domain.
    assert.deepEqual(await visit('/same', 'go.example.com'), { status: 302, location: 'https://example.com/default' });
  });

  it('changes a domain\'s redirects, the default domain\'s too: a field given replaces, null removes, left out keeps', async () => {
    const changed = await json('/api/domains/R.example.com', { method: 'PATCH', json: { baseUrlRedirect: 'https://example.com/welcome' } });
    assert.deepEqual(changed, { host: 'r.example.com', isDefault: false, baseUrlRedirect: 'https://example.com/welcome', notFoundRedirect: 'https://example.com/missing' });
    assert.deepEqual(await visit('/', 'r.example.com'), { status: 302, location: 'https://example.com/welcome' });
    await json('/api/domains/r.example.com', { method: 'PATCH', json: { notFoundRedirect: null } });
    assert.equal((await visit('/nothing-here', 'r.example.com')).status, 404);

    assert.equal((await visit('/nothing-here', 'sho.rt')).status, 404);
    const own = await json('/api/domains/sho.rt', { method: 'PATCH', json: { notFoundRedirect: 'https://example.com/lost' } });
    assert.deepEqual(own, { host: 'sho.rt', isDefault: true, baseUrlRedirect: null, notFoundRedirect: 'https://example.com/lost' });
    assert.deepEqual(await visit('/nothing-here', 'sho.rt'), { status: 302, location: 'https://example.com/lost' });
    // An unknown host uses the default domain's links and redirects.
    assert.deepEqual(await visit('/nothing-here', 'unknown.example'), { status: 302, location: 'https://example.com/lost' });
    assert.deepEqual((await json('/api/domains')).items[0], own);

    await problem('/api/domains/sho.rt', { method: 'PATCH', json: { baseUrlRedirect: 'javascript:alert(1)' } }, 422, 'baseUrlRedirect');
    await problem('/api/domains/sho.rt', { method: 'PATCH', json: { host: 'x.example' } }, 400, 'host');
    await problem('/api/domains/none.example', { method: 'PATCH', json: { notFoundRedirect: null } }, 404);
    const { secret } = await server.lp.keys.create('viewer 2', 'viewer');
    await problem('/api/domains/sho.rt', { method: 'PATCH', key: secret, json: { notFoundRedirect: null } }, 403);
    assert.deepEqual((await json('/api/domains')).items[0], own, 'refusals change nothing');
    await json('/api/domains/sho.rt', { method: 'PATCH', json: { notFoundRedirect: null } });
    assert.equal((await visit('/nothing-here', 'sho.rt')).status, 404);
  });
});
