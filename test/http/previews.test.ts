import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type Json, type TestServer } from '../helpers/test-server.js';

// Social previews over HTTP: each network's real crawler gets the link's Open Graph page (a bot
// click), everyone else the redirect; what a user wrote is escaped.

const CRAWLERS: Record<string, string> = {
  Facebook: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  X: 'Twitterbot/1.0',
  LinkedIn: 'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)',
  Slack: 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  Discord: 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)',
  Telegram: 'TelegramBot (like TwitterBot)',
  WhatsApp: 'WhatsApp/2.23.20.0',
};
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';

describe('social previews', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const get = async (code: string, ua: string) => {
    const res = await fetch(`${server.url}/${code}`, { redirect: 'manual', headers: { 'user-agent': ua } });
    return { status: res.status, location: res.headers.get('location'), type: res.headers.get('content-type'), body: await res.text() };
  };
  const create = async (json: Record<string, unknown>): Promise<Json> => {
    const res = await server.api('/api/links', { method: 'POST', json });
    assert.equal(res.status, 201, await res.clone().text());
    return res.json();
  };

  it('shows each crawler the preview page, counted as a bot click, and redirects everyone else', async () => {
    const link = await create({
      url: 'https://example.com/launch?x=1', code: 'card',
      preview: { title: 'Launch <day> "now"', description: 'All & more', image: 'https://cdn.example.com/card.png' },
    });
    assert.deepEqual(link.preview, { title: 'Launch <day> "now"', description: 'All & more', image: 'https://cdn.example.com/card.png' });
    for (const [network, ua] of Object.entries(CRAWLERS)) {
      const page = await get('card', ua);
      assert.equal(page.status, 200, network);
      assert.match(page.type ?? '', /^text\/html/, network);
      assert.match(page.body, /<meta property="og:title" content="Launch &lt;day&gt; &quot;now&quot;">/, network);
      assert.match(page.body, /<meta property="og:description" content="All &amp; more">/, network);
      assert.match(page.body, /<meta property="og:image" content="https:\/\/cdn\.example\.com\/card\.png">/, network);
      assert.match(page.body, /<meta name="twitter:card" content="summary_large_image">/, network);
      assert.match(page.body, /<meta http-equiv="refresh" content="0;url=https:\/\/example\.com\/launch\?x=1">/, network);
      assert.doesNotMatch(page.body, /<day>/, `${network}: nothing a user wrote is markup`);
    }
    assert.deepEqual((await get('card', FIREFOX)).location, 'https://example.com/launch?x=1');
    const clicks = await (await server.api('/api/links/card/clicks?limit=100')).json();
    assert.equal(clicks.items.length, Object.keys(CRAWLERS).length + 1);
    assert.deepEqual(clicks.items.map((c: Json) => c.bot), [false, ...Object.keys(CRAWLERS).map(() => true)], 'crawlers are bot clicks');
  });

  it('redirects crawlers of a link without a preview, and one whose preview was removed', async () => {
    await create({ url: 'https://example.com/plain', code: 'plain' });
    assert.equal((await get('plain', CRAWLERS.Facebook as string)).status, 302);
    await create({ url: 'https://example.com/was', code: 'was', preview: { title: 'Was' } });
    assert.equal((await get('was', CRAWLERS.X as string)).status, 200);
    const patched = await (await server.api('/api/links/was', { method: 'PATCH', json: { preview: null } })).json();
    assert.equal(patched.preview, null);
    assert.equal((await get('was', CRAWLERS.X as string)).status, 302);
  });

  it('refuses a preview without a title or with an image that is not an http(s) URL', async () => {
    for (const [preview, field] of [[{ title: ' ' }, 'preview.title'], [{ title: 'x', image: 'javascript:alert(1)' }, 'preview.image'], [{ title: 'x'.repeat(301) }, 'preview.title']] as const) {
      const res = await server.api('/api/links', { method: 'POST', json: { url: 'https://example.com/', preview } });
      assert.equal(res.status, 422, JSON.stringify(preview));
      assert.ok((await res.json()).errors.some((e: { field: string }) => e.field === field), field);
    }
  });
});
