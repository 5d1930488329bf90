import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock, startTestServer, type Json, type TestServer } from '../helpers/test-server.js';

// Targeting rules and A/B variants over HTTP on SQLite or, in CI's second run, PostgreSQL: a table of
// visits, each sent where the first matching rule says, recorded with that target.

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const DE = '5.9.1.1';
const US = '8.8.8.8';
const T = (path: string) => `https://example.com/${path}`;

describe('targeting rules and A/B variants', () => {
  const clock = new ManualClock(Date.parse('2026-06-01T12:00:00Z'));
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ clock, env: { LINKPULSE_TRUST_PROXY: 'loopback' } });
    const res = await server.api('/api/links', {
      method: 'POST',
      json: {
        url: T('default'), code: 'rt',
        rules: [
          { when: { device: 'mobile', os: ['iOS', 'iPadOS'] }, url: T('ios') },
          { when: { country: ['de', 'AT'] }, url: T('dach') },
          { when: { language: 'fr' }, url: T('fr') },
          { when: { ip: ['203.0.113.0/24', '2001:db8::1'] }, url: T('office') },
          { when: { query: { src: ['qr', 'poster'] } }, url: T('print') },
          { when: { after: '2026-06-02T00:00:00Z', before: '2026-06-03T00:00:00Z', browser: 'Firefox' }, url: T('launch-day') },
        ],
      },
    });
    assert.equal(res.status, 201, await res.clone().text());
    await res.arrayBuffer();
  });
  after(() => server.close());

  const visit = async (path: string, { ua = FIREFOX, ip = US, language }: { ua?: string; ip?: string; language?: string } = {}) => {
    const headers: Record<string, string> = { 'user-agent': ua, 'x-forwarded-for': ip };
    if (language) headers['accept-language'] = language;
    const res = await fetch(`${server.url}${path}`, { redirect: 'manual', headers });
    await res.arrayBuffer();
    assert.equal(res.status, 302);
    return res.headers.get('location');
  };

  it('sends each visit where the first rule that holds says, and records that target', async () => {
    const cases: [string, Parameters<typeof visit>[1], string][] = [
      ['/rt', { ua: IPHONE, ip: DE }, T('ios')], // the first rule wins over the second
      ['/rt', { ua: ANDROID, ip: DE }, T('dach')], // mobile, but not iOS
      ['/rt', { ip: US, language: 'fr-CA,fr;q=0.9' }, T('fr')],
      ['/rt', { ip: '203.0.113.77' }, T('office')],
      ['/rt', { ip: '2001:db8::1' }, T('office')],
      ['/rt?src=poster&x=1', {}, `${T('print')}?src=poster&x=1`], // the query is forwarded as ever
      ['/rt?src=web', {}, `${T('default')}?src=web`],
      ['/rt', {}, T('default')],
    ];
    for (const [path, request, expected] of cases) assert.equal(await visit(path, request), expected, `${path} ${JSON.stringify(request)}`);
    clock.ms = Date.parse('2026-06-02T08:00:00Z');
    assert.equal(await visit('/rt'), T('launch-day'));
    assert.equal(await visit('/rt', { ua: ANDROID }), T('default'), 'the time holds, the browser not');
    clock.ms = Date.parse('2026-06-03T00:00:00Z');
    assert.equal(await visit('/rt'), T('default'), 'before is exclusive');

    const page = await (await server.api('/api/links/rt/clicks?limit=100')).json();
    assert.deepEqual(page.items.map((c: Json) => c.target).reverse(), [
      T('ios'), T('dach'), T('fr'), T('office'), T('office'), T('print'), T('default'), T('default'), T('launch-day'), T('default'), T('default'),
    ]);
    const stats = await (await server.api('/api/links/rt/stats?from=2026-06-01&to=2026-06-04&interval=day')).json();
    assert.equal(stats.targets.find((t: Json) => t.key === T('office'))?.clicks, 2);
  });

  it('keeps a visitor on one variant, and sends HEAD and unrecorded visits the same way', async () => {
    const res = await server.api('/api/links', {
      method: 'POST', json: { url: T('control'), code: 'ab', variants: [{ url: T('a'), weight: 1 }, { url: T('b'), weight: 1 }] },
    });
    assert.equal(res.status, 201);
    const seen = new Set<string>();
    for (let visitor = 0; visitor < 20; visitor++) {
      const ip = `198.51.100.${visitor}`;
      const first = await visit('/ab', { ip });
      assert.ok(first === T('a') || first === T('b'), String(first));
      seen.add(first as string);
      for (let again = 0; again < 3; again++) assert.equal(await visit('/ab', { ip }), first, 'sticky for the visitor');
      const head = await fetch(`${server.url}/ab`, { method: 'HEAD', redirect: 'manual', headers: { 'user-agent': FIREFOX, 'x-forwarded-for': ip } });
      assert.equal(head.headers.get('location'), first, 'HEAD too');
    }
    assert.equal(seen.size, 2, 'both variants get visitors');
  });

  it('refuses bad rules and variants, naming the field', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ rules: [{ when: { device: 'phone' }, url: T('x') }] }, 'rules[0].when.device'],
      [{ rules: [{ when: { country: 'Germany' }, url: T('x') }] }, 'rules[0].when.country'],
      [{ rules: [{ when: { ip: '300.1.1.1' }, url: T('x') }] }, 'rules[0].when.ip'],
      [{ rules: [{ when: { after: 'tomorrow' }, url: T('x') }] }, 'rules[0].when.after'],
      [{ rules: [{ when: {}, url: 'javascript:alert(1)' }] }, 'rules[0].url'],
      [{ variants: [{ url: T('only'), weight: 1 }] }, 'variants'],
      [{ variants: [{ url: T('a'), weight: 1 }, { url: 'ftp://x', weight: 1 }] }, 'variants[1].url'],
    ];
    for (const [fields, field] of bad) {
      const res = await server.api('/api/links', { method: 'POST', json: { url: T('base'), ...fields } });
      assert.equal(res.status, 422, `${JSON.stringify(fields)}: ${res.status}`);
      const problem = await res.json();
      assert.ok(problem.errors.some((e: { field: string }) => e.field === field), `${field}: ${JSON.stringify(problem.errors)}`);
    }
  });
});
