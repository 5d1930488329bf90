import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock, startTestServer, type Json, type TestServer } from '../helpers/test-server.js';

// Shares over HTTP: an admin shares a link's report; whoever has the URL reads it and its live clicks
// with no key, never seeing an IP, a user agent, a visitor id or a referrer's query; revoking or
// expiry closes it at once.

const VISITOR_IP = '198.51.100.77';
const VISITOR_AGENT = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0.7321';
const REFERRER = 'https://news.example/thread?user=alice-secret-token';

/** A server-sent event stream's raw text, read until a condition holds or the stream ends. */
class RawStream {
  text = '';
  ended = false;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  constructor(res: Response) {
    this.reader = res.body!.getReader();
  }
  async until(holds: (text: string) => boolean): Promise<void> {
    while (!holds(this.text)) {
      const { value, done } = await this.reader.read();
      if (done) {
        this.ended = true;
        if (!holds(this.text)) throw new Error(`the stream ended before the condition held:\n${this.text}`);
        return;
      }
      this.text += this.decoder.decode(value, { stream: true });
    }
  }
  async toEnd(): Promise<void> {
    await this.until(() => this.ended);
  }
  async close(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }
}

describe('shares', () => {
  const clock = new ManualClock(Date.now());
  let server: TestServer;
  const anonymous = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, { redirect: 'manual', ...init });
  const share = async (code: string, body?: unknown): Promise<Json> => {
    const res = await server.api(`/api/links/${code}/shares`, { method: 'POST', ...(body !== undefined && { json: body }) });
    assert.equal(res.status, 201, await res.clone().text());
    return res.json();
  };
  const click = async (code: string) => {
    const res = await anonymous(`/${code}?utm_source=mail`, { headers: { 'user-agent': VISITOR_AGENT, 'x-forwarded-for': VISITOR_IP, referer: REFERRER } });
    assert.equal(res.status, 302);
  };
  const liveStream = async (id: string, query = '') => {
    const res = await anonymous(`/share/${id}/live${query}`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const stream = new RawStream(res);
    await stream.until((t) => t.includes('retry:'));
    return stream;
  };

  before(async () => {
    server = await startTestServer({ clock, env: { LINKPULSE_TRUST_PROXY: 'loopback' } });
    for (const code of ['shared', 'other']) {
      assert.equal((await server.api('/api/links', { method: 'POST', json: { url: `https://example.com/${code}`, code } })).status, 201);
    }
  });
  after(async () => {
    await server.close();
  });

  it('creates shares with unguessable ids and lists them with their link', async () => {
    const forever = await share('shared');
    assert.match(forever.id, /^[0-9A-Za-z]{32}$/, 'about 190 random bits');
    assert.equal(forever.url, `http://sho.rt/share/${forever.id}`);
    assert.equal(forever.linkCode, 'shared');
    assert.equal(forever.expiresAt, null);
    assert.ok(Date.parse(forever.createdAt) > 0);
    const expiresAt = new Date(clock.now() + 86_400_000).toISOString();
    const daily = await share('shared', { expiresAt });
    assert.equal(daily.expiresAt, expiresAt);
    const elsewhere = await share('other', {});
    assert.notEqual(daily.id, forever.id);

    const all = await (await server.api('/api/shares')).json();
    const ids = all.items.map((s: Json) => s.id);
    for (const s of [forever, daily, elsewhere]) assert.ok(ids.includes(s.id));
    assert.deepEqual(all.items.find((s: Json) => s.id === elsewhere.id), elsewhere);
    const ofLink = await (await server.api('/api/shares?code=shared')).json();
    assert.deepEqual(ofLink.items.map((s: Json) => s.linkCode), ['shared', 'shared']);
  });

  it('refuses bad input with problems, and anyone but an admin', async () => {
    const cases: [string, RequestInit & { json?: unknown; key?: string | null }, number][] = [
      ['/api/links/shared/shares', { method: 'POST', json: { expiresAt: new Date(clock.now() - 1000).toISOString() } }, 422],
      ['/api/links/shared/shares', { method: 'POST', json: { expiresAt: 'tomorrow' } }, 422],
      ['/api/links/shared/shares', { method: 'POST', json: { expiresAt: 5 } }, 400],
      ['/api/links/shared/shares', { method: 'POST', json: { reason: 'x' } }, 400],
      ['/api/links/nope/shares', { method: 'POST', json: {} }, 404],
      ['/api/links/shared/shares', { method: 'POST', json: {}, key: null }, 401],
      ['/api/shares', { key: null }, 401],
      ['/api/shares?code=nope', {}, 404],
      ['/api/shares/not-a-share', { method: 'DELETE' }, 404],
      [`/api/shares/${'A'.repeat(32)}`, { method: 'DELETE' }, 404],
    ];
    for (const [path, init, status] of cases) {
      const res = await server.api(path, init);
      assert.equal(res.status, status, `${init.method ?? 'GET'} ${path}: ${await res.clone().text()}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    }
    const viewer = await (await server.api('/api/keys', { method: 'POST', json: { name: 'reader', role: 'viewer' } })).json();
    assert.equal((await server.api('/api/links/shared/shares', { method: 'POST', json: {}, key: viewer.secret })).status, 403);
    assert.equal((await server.api('/api/shares', { key: viewer.secret })).status, 403);
  });

  it('opens the report and live clicks with no key, and never an IP, user agent, visitor id or referrer query', async () => {
    const { id } = await share('shared');
    const page = await anonymous(`/share/${id}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(page.headers.get('cache-control'), 'no-store');
    await page.arrayBuffer();

    const everything = await liveStream(id);
    const filtered = await liveStream(id, '?utmSource=mail&bots=exclude');
    const elsewhere = await liveStream(id, '?country=FR');
    await click('shared');
    await click('other');
    await click('shared');
    await everything.until((t) => (t.match(/event: click/g) ?? []).length === 2);
    await filtered.until((t) => (t.match(/event: click/g) ?? []).length === 2);

    const stored = (await (await server.api('/api/links/shared/clicks')).json()).items;
    assert.equal(stored.length, 2);
    const [first] = stored;
    assert.equal(first.ip, VISITOR_IP, 'the admin API sees the IP it stored');
    assert.equal(first.userAgent, VISITOR_AGENT);
    const secrets = [VISITOR_IP, VISITOR_AGENT, first.visitorId, 'alice-secret-token', REFERRER];

    const clicks = everything.text.split('\n').filter((l) => l.startsWith('data: {"id"')).map((l) => JSON.parse(l.slice(6)));
    assert.deepEqual(clicks.map((c: Json) => c.id).sort(), stored.map((c: Json) => c.id).sort());
    for (const c of clicks) {
      assert.equal(c.code, 'shared');
      assert.equal(c.referrerHost, 'news.example');
      assert.equal(c.utmSource, 'mail');
      assert.equal(c.browser, 'Firefox');
      for (const hidden of ['ip', 'userAgent', 'visitorId', 'referrer']) assert.ok(!(hidden in c), `no ${hidden}`);
    }

    const stats = await anonymous(`/share/${id}/stats?from=2000-01-01&bots=exclude&utmSource=mail&limit=50&compare=previous`);
    assert.equal(stats.status, 200);
    const statsText = await stats.text();
    const report = JSON.parse(statsText);
    assert.equal(report.code, 'shared');
    assert.equal(report.totals.clicks, 2);
    assert.deepEqual(report.filters, { utmSource: ['mail'] });
    assert.ok(report.previous);
    assert.deepEqual(report.referrers, [{ key: 'news.example', clicks: 2, uniqueVisitors: 1 }]);

    for (const text of [statsText, everything.text, filtered.text]) {
      for (const secret of secrets) assert.ok(!text.includes(secret), `${secret} must not be shared`);
    }
    for (const stream of [everything, filtered, elsewhere]) await stream.close();
    assert.ok(!elsewhere.text.includes('event: click'), 'a filtered stream gets only its clicks');
  });

  it('answers bad report queries with problems, and unknown shares with 404', async () => {
    const { id } = await share('shared');
    for (const [path, status] of [
      [`/share/${id}/stats?country=Germany`, 422],
      [`/share/${id}/stats?limit=0`, 400],
      [`/share/${id}/stats?interval=fortnight`, 422],
      [`/share/${id}/live?nonsense=1`, 422],
      [`/share/${'B'.repeat(32)}/stats`, 404],
      ['/share/x/live', 404],
      [`/share/${'C'.repeat(100)}/stats`, 404],
    ] as const) {
      const res = await anonymous(path);
      assert.equal(res.status, status, `${path}: ${await res.clone().text()}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      await res.arrayBuffer();
    }
    const unknownPage = await anonymous(`/share/${'B'.repeat(32)}`);
    assert.equal(unknownPage.status, 404);
    assert.match(unknownPage.headers.get('content-type') ?? '', /text\/html/);
    await unknownPage.arrayBuffer();
  });

  it('revokes at once: the open live stream ends, and page, report and stream answer 404', async () => {
    const { id } = await share('shared');
    const stream = await liveStream(id);
    const res = await server.api(`/api/shares/${id}`, { method: 'DELETE' });
    assert.equal(res.status, 204);
    await stream.toEnd();
    for (const path of [`/share/${id}`, `/share/${id}/stats`, `/share/${id}/live`]) {
      const gone = await anonymous(path);
      assert.equal(gone.status, 404, path);
      await gone.arrayBuffer();
    }
    assert.ok(!(await (await server.api('/api/shares')).json()).items.some((s: Json) => s.id === id));
    assert.equal((await server.api(`/api/shares/${id}`, { method: 'DELETE' })).status, 404);
  });

  it('expires: after its time the share is a 404 and its open stream ends', async () => {
    const { id } = await share('shared', { expiresAt: new Date(clock.now() + 60_000).toISOString() });
    const stream = await liveStream(id);
    assert.equal((await anonymous(`/share/${id}/stats`)).status, 200);
    clock.advance(60_000);
    assert.equal((await anonymous(`/share/${id}/stats`)).status, 404);
    assert.equal((await anonymous(`/share/${id}`)).status, 404);
    await stream.toEnd();
    const listed = (await (await server.api('/api/shares')).json()).items.find((s: Json) => s.id === id);
    assert.ok(listed, 'an expired share is still listed, to be seen and removed');
  });

  it('dies with its link', async () => {
    assert.equal((await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/brief', code: 'brief' } })).status, 201);
    const { id } = await share('brief');
    assert.equal((await server.api('/api/links/brief', { method: 'DELETE' })).status, 204);
    assert.equal((await anonymous(`/share/${id}/stats`)).status, 404);
    assert.ok(!(await (await server.api('/api/shares')).json()).items.some((s: Json) => s.id === id));
  });

  it('is described in the OpenAPI document', async () => {
    const doc = (await (await anonymous('/api/openapi.json')).json()) as Json;
    for (const path of ['/api/links/{code}/shares', '/api/shares', '/api/shares/{id}', '/share/{id}/stats', '/share/{id}/live']) {
      assert.ok(doc.paths[path], path);
    }
    assert.deepEqual(doc.paths['/share/{id}/stats'].get.security, []);
    assert.ok(doc.components.schemas.Share);
    assert.ok(!('ip' in doc.components.schemas.SharedClick.properties));
  });
});
