import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type Json, type TestServer } from '../helpers/test-server.js';

// Creating links with campaign tags (a UTM builder), and up to 1,000 at once with bad items in the
// middle, over HTTP on SQLite or, in CI's second run, PostgreSQL.

describe('campaign tags on create, and bulk creation', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const post = async (path: string, json: unknown) => {
    const res = await server.api(path, { method: 'POST', json });
    return { status: res.status, body: (await res.json()) as Json };
  };

  it('merges utm tags into the target URL, replacing ones it had', async () => {
    const { status, body } = await post('/api/links', {
      url: 'https://example.com/p?utm_source=old&x=1',
      utm: { source: 'newsletter', medium: 'email', campaign: 'spring sale', content: ' ' },
    });
    assert.equal(status, 201);
    const url = new URL(body.url);
    assert.equal(url.searchParams.get('x'), '1');
    assert.equal(url.searchParams.get('utm_source'), 'newsletter');
    assert.equal(url.searchParams.get('utm_medium'), 'email');
    assert.equal(url.searchParams.get('utm_campaign'), 'spring sale');
    assert.equal(url.searchParams.has('utm_content'), false, 'a blank tag is left out');
    // A redirect carries them, and the click records them.
    const res = await fetch(`${server.url}/${body.code}`, { redirect: 'manual' });
    await res.arrayBuffer();
    assert.equal(res.headers.get('location'), body.url);
    const clicks = await (await server.api(`/api/links/${body.code}/clicks`)).json();
    assert.equal(clicks.items[0].utmCampaign, 'spring sale');
  });

  it('refuses a bad utm tag, naming it', async () => {
    for (const [utm, field] of [[{ source: 'x'.repeat(256) }, 'utm.source'], [{ medium: 'a\u0001b' }, 'utm.medium'], [{ nope: 'x' }, 'utm.nope']] as const) {
      const { status, body } = await post('/api/links', { url: 'https://example.com/', utm });
      assert.ok(status === 422 || status === 400, `${JSON.stringify(utm)}: ${status}`);
      assert.ok(body.errors.some((e: { field: string }) => e.field === field), JSON.stringify(body));
    }
  });

  it('creates each link of a batch or refuses it on its own, in order', async () => {
    const links = [
      { url: 'https://example.com/1', code: 'bulk1', tags: ['b'] },
      { url: 'ftp://example.com/2' }, // refused by a rule
      { url: 'https://example.com/3', code: 'bulk1' }, // the code is taken by the first
      { nope: true }, // refused by the shape
      'not even an object',
      { url: 'https://example.com/6', utm: { campaign: 'bulk' } },
    ];
    const { status, body } = await post('/api/links/bulk', { links });
    assert.equal(status, 200);
    assert.deepEqual(body.results.map((r: Json) => [r.index, 'link' in r ? 'link' : r.error.status]), [
      [0, 'link'], [1, 422], [2, 409], [3, 422], [4, 422], [5, 'link'],
    ]);
    assert.equal(body.results[0].link.code, 'bulk1');
    assert.match(body.results[1].error.detail, /http/);
    assert.ok(body.results[3].error.errors.some((e: { field: string }) => e.field === 'url'), JSON.stringify(body.results[3]));
    assert.equal(new URL(body.results[5].link.url).searchParams.get('utm_campaign'), 'bulk');
    // What was created is there; nothing else is.
    const listed = await (await server.api('/api/links?tag=b')).json();
    assert.deepEqual(listed.items.map((l: Json) => l.code), ['bulk1']);
  });

  it('takes 1,000 links at once and refuses more', { timeout: 120_000 }, async () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ url: `https://example.com/many/${i}`, tags: ['many'] }));
    const { status, body } = await post('/api/links/bulk', { links: many });
    assert.equal(status, 200);
    assert.equal(body.results.filter((r: Json) => 'link' in r).length, 1000);
    const tooMany = await post('/api/links/bulk', { links: [...many, many[0]] });
    assert.equal(tooMany.status, 400);
    assert.equal((await post('/api/links/bulk', { links: [] })).status, 400);
  });
});

describe('bulk changes and deletion', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    const links = ['ba', 'bb', 'bc'].map((code) => ({ url: `https://example.com/${code}`, code, tags: ['old', 'keep'] }));
    const res = await server.api('/api/links/bulk', { method: 'POST', json: { links } });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });
  after(() => server.close());

  const post = async (path: string, json: unknown) => {
    const res = await server.api(path, { method: 'POST', json });
    return { status: res.status, body: (await res.json()) as Json };
  };

  it('adds and removes tags and disables links, each code on its own', async () => {
    const { status, body } = await post('/api/links/bulk/update', { codes: ['ba', 'missing', 'bb'], changes: { addTags: ['new'], removeTags: ['old'], disabled: true } });
    assert.equal(status, 200);
    assert.deepEqual(body.results.map((r: Json) => [r.code, 'link' in r ? [r.link.tags, r.link.disabled] : r.error.status]), [
      ['ba', [['keep', 'new'], true]], ['missing', 404], ['bb', [['keep', 'new'], true]],
    ]);
    const untouched = await (await server.api('/api/links/bc')).json();
    assert.deepEqual([[...untouched.tags].sort(), untouched.disabled], [['keep', 'old'], false]);
    const refused = await post('/api/links/bulk/update', { codes: ['bc'], changes: { redirectType: 303 } });
    assert.equal(refused.status, 400);
    const invalid = await post('/api/links/bulk/update', { codes: ['bc'], changes: { url: 'ftp://x' } });
    assert.equal(invalid.body.results[0].error.status, 422);
  });

  it('deletes links, each code on its own', async () => {
    const { status, body } = await post('/api/links/bulk/delete', { codes: ['ba', 'nope', 'bb'] });
    assert.equal(status, 200);
    assert.deepEqual(body.results.map((r: Json) => [r.code, r.deleted ?? r.error.status]), [['ba', true], ['nope', 404], ['bb', true]]);
    assert.equal((await server.api('/api/links/ba')).status, 404);
    assert.equal((await server.api('/api/links/bc')).status, 200);
  });
});
