import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { NewClick } from '../../src/core/clicks/click.js';
import type { NewLink } from '../../src/core/links/link.js';
import type { Storage } from '../../src/core/storage.js';
import { DATABASE_KINDS, openTestStorage, postgresServerUrl } from '../helpers/databases.js';

const T0 = Date.UTC(2026, 10, 1);

function newLink(code: string, overrides: Partial<NewLink> = {}): NewLink {
  return {
    code, url: `https://example.com/${code}`, title: null, tags: [], createdAt: T0, updatedAt: T0,
    expiresAt: null, maxClicks: null, redirectType: 302, disabled: false, passwordHash: null, ...overrides,
  };
}

function newClick(linkId: number, at: number, overrides: Partial<NewClick> = {}): NewClick {
  return {
    linkId, at, ip: '203.0.113.7', country: 'DE', browser: 'Firefox', os: 'Linux', device: 'desktop', bot: false,
    referrer: 'https://news.example/x', referrerHost: 'news.example', language: 'de', userAgent: 'UA', visitorId: 'v1', ...overrides,
  };
}

it('the PostgreSQL suite runs when CI requires it', { skip: !process.env.LINKPULSE_REQUIRE_POSTGRES }, () => {
  assert.ok(postgresServerUrl, 'LINKPULSE_REQUIRE_POSTGRES is set but LINKPULSE_TEST_POSTGRES_URL is not');
});

for (const kind of DATABASE_KINDS) {
  describe(`storage contract on ${kind.name}`, { skip: kind.skip }, () => {
    let storage: Storage;
    let close: () => Promise<void>;
    before(async () => ({ storage, close } = await openTestStorage(kind)));
    after(() => close());

    it('migrating twice runs nothing the second time', async () => {
      assert.deepEqual(await storage.migrate(), []);
    });

    it('stores a link with its tags and finds it by code, case-sensitively', async () => {
      const created = await storage.links.insert(newLink('Case1', { tags: ['b', 'a'], title: 'T', maxClicks: 5, expiresAt: T0 + 1000 }));
      assert.notEqual(created, 'code-taken');
      const found = await storage.links.findByCode('Case1');
      assert.deepEqual({ ...found, tags: [...(found?.tags ?? [])].sort() }, { ...(created as object), tags: ['a', 'b'] });
      assert.equal(await storage.links.findByCode('case1'), undefined);
      assert.equal(found?.clicks, 0);
      assert.equal(typeof found?.id, 'number');
    });

    it('refuses a code that is taken', async () => {
      await storage.links.insert(newLink('taken'));
      assert.equal(await storage.links.insert(newLink('taken')), 'code-taken');
    });

    it('lists newest first with a keyset cursor, search and tag filters', async () => {
      for (let i = 0; i < 5; i++) await storage.links.insert(newLink(`list${i}`, { createdAt: T0 + 10_000 + i, tags: i % 2 ? ['odd'] : [], title: i === 3 ? '100%_sure' : null }));
      const first = await storage.links.list({ limit: 2, sort: 'created', search: 'list' });
      assert.deepEqual(first.map((l) => l.code), ['list4', 'list3']);
      const last = first.at(-1)!;
      const next = await storage.links.list({ limit: 10, sort: 'created', search: 'list', after: { value: last.createdAt, id: last.id } });
      assert.deepEqual(next.map((l) => l.code), ['list2', 'list1', 'list0']);
      assert.deepEqual((await storage.links.list({ limit: 10, sort: 'created', tag: 'odd' })).map((l) => l.code), ['list3', 'list1']);
      // LIKE wildcards in the search are literal
      assert.deepEqual((await storage.links.list({ limit: 10, sort: 'created', search: '0%_S' })).map((l) => l.code), ['list3']);
      assert.deepEqual(await storage.links.list({ limit: 10, sort: 'created', search: 'no%such' }), []);
    });

    it('updates fields and replaces tags', async () => {
      await storage.links.insert(newLink('upd', { tags: ['x'] }));
      const updated = await storage.links.update('upd', { updatedAt: T0 + 5, url: 'https://example.org/', tags: ['y', 'z'], disabled: true, title: null });
      assert.equal(updated?.url, 'https://example.org/');
      assert.deepEqual(updated?.tags, ['y', 'z']);
      assert.equal(updated?.disabled, true);
      assert.equal(updated?.updatedAt, T0 + 5);
      assert.equal(await storage.links.update('nope', { updatedAt: 1 }), undefined);
    });

    it('stores a batch of clicks in order, counts them, and drops clicks of deleted links', async () => {
      const a = (await storage.links.insert(newLink('batchA'))) as { id: number };
      const b = (await storage.links.insert(newLink('batchB'))) as { id: number };
      const stored = await storage.clicks.insertBatch([
        newClick(a.id, T0 + 1), newClick(b.id, T0 + 2), newClick(999_999, T0 + 3), newClick(a.id, T0 + 4, { bot: true, device: 'bot' }),
      ]);
      assert.equal(stored[2], 'link-deleted');
      const [s0, s1, s3] = [0, 1, 3].map((i) => {
        const outcome = stored[i];
        return typeof outcome === 'object' ? outcome : assert.fail(`click ${i} not stored: ${outcome}`);
      });
      assert.ok(s0 && s1 && s3 && s0.id < s1.id && s1.id < s3.id);
      assert.equal(s0.at, T0 + 1);
      assert.equal(s3.bot, true);
      assert.equal((await storage.links.findByCode('batchA'))?.clicks, 2);
      assert.equal((await storage.links.findByCode('batchB'))?.clicks, 1);
    });

    it('never stores more clicks than a link allows, across batches', async () => {
      const link = (await storage.links.insert(newLink('budget', { maxClicks: 3 }))) as { id: number };
      const first = await storage.clicks.insertBatch([newClick(link.id, T0 + 1), newClick(link.id, T0 + 2)]);
      assert.ok(first.every((o) => typeof o === 'object'));
      const second = await storage.clicks.insertBatch([newClick(link.id, T0 + 3), newClick(link.id, T0 + 4), newClick(link.id, T0 + 5)]);
      assert.deepEqual(second.map((o) => (typeof o === 'object' ? 'stored' : o)), ['stored', 'link-exhausted', 'link-exhausted']);
      assert.equal((await storage.links.findByCode('budget'))?.clicks, 3);
      assert.equal((await storage.clicks.list({ linkId: link.id, from: 0, to: T0 * 2, limit: 10 })).length, 3);
    });

    it('pages clicks newest first and deletes them with their link', async () => {
      const link = (await storage.links.insert(newLink('pages'))) as { id: number };
      await storage.clicks.insertBatch([1, 2, 2, 3].map((s) => newClick(link.id, T0 + s * 1000)));
      const page1 = await storage.clicks.list({ linkId: link.id, from: 0, to: T0 * 2, limit: 2 });
      assert.deepEqual(page1.map((c) => c.at), [T0 + 3000, T0 + 2000]);
      const last = page1.at(-1)!;
      const page2 = await storage.clicks.list({ linkId: link.id, from: 0, to: T0 * 2, limit: 5, before: { value: last.at, id: last.id } });
      assert.deepEqual(page2.map((c) => c.at), [T0 + 2000, T0 + 1000]);
      assert.equal(await storage.links.delete('pages'), true);
      assert.deepEqual(await storage.clicks.list({ linkId: link.id, from: 0, to: T0 * 2, limit: 5 }), []);
      assert.equal(await storage.links.delete('pages'), false);
    });

    it('answers totals, breakdowns, buckets and top links with bot filters', async () => {
      const link = (await storage.links.insert(newLink('stats'))) as { id: number };
      const other = (await storage.links.insert(newLink('stats2'))) as { id: number };
      const base = T0 + 86_400_000 * 3;
      await storage.clicks.insertBatch([
        newClick(link.id, base + 10, { visitorId: 'a', country: 'FR' }),
        newClick(link.id, base + 20, { visitorId: 'a', country: 'FR' }),
        newClick(link.id, base + 3_600_000, { visitorId: 'b', country: null, referrerHost: null, referrer: null }),
        newClick(link.id, base + 3_600_000 + 5, { visitorId: 'c', bot: true, device: 'bot', browser: null }),
        newClick(other.id, base + 30, { visitorId: 'z' }),
      ]);
      const filter = { linkId: link.id, from: base, to: base + 7_200_000, bots: 'include' as const };
      assert.deepEqual(await storage.analytics.totals(filter), { clicks: 4, humanClicks: 3, botClicks: 1, uniqueVisitors: 3 });
      assert.deepEqual(await storage.analytics.totals({ ...filter, bots: 'exclude' }), { clicks: 3, humanClicks: 3, botClicks: 0, uniqueVisitors: 2 });
      assert.deepEqual(await storage.analytics.totals({ ...filter, bots: 'only' }), { clicks: 1, humanClicks: 0, botClicks: 1, uniqueVisitors: 1 });
      assert.deepEqual(await storage.analytics.breakdown(filter, 'countries', 10), [{ key: 'FR', clicks: 2 }, { key: 'DE', clicks: 1 }, { key: null, clicks: 1 }]);
      assert.deepEqual(await storage.analytics.breakdown({ ...filter, bots: 'exclude' }, 'devices', 10), [{ key: 'desktop', clicks: 3 }]);
      assert.deepEqual(await storage.analytics.breakdown(filter, 'countries', 1), [{ key: 'FR', clicks: 2 }]);
      const series = await storage.analytics.timeseries(filter, [
        { from: base, to: base + 3_600_000 }, { from: base + 3_600_000, to: base + 7_200_000 }, { from: base + 7_200_000, to: base + 9_000_000 },
      ]);
      assert.deepEqual(series, [{ clicks: 2, uniqueVisitors: 1 }, { clicks: 2, uniqueVisitors: 2 }, { clicks: 0, uniqueVisitors: 0 }]);
      const top = await storage.analytics.topLinks({ from: base, to: base + 7_200_000, bots: 'include' }, 5);
      assert.deepEqual(top.map((t) => [t.code, t.clicks]), [['stats', 4], ['stats2', 1]]);
    });

    it('keeps the first salt of a day and forgets old days', async () => {
      assert.equal(await storage.salts.saltForDay('2026-11-01', 'first'), 'first');
      assert.equal(await storage.salts.saltForDay('2026-11-01', 'second'), 'first');
      await storage.salts.saltForDay('2026-11-03', 'later');
      await storage.salts.deleteBefore('2026-11-02');
      assert.equal(await storage.salts.saltForDay('2026-11-01', 'fresh'), 'fresh');
      assert.equal(await storage.salts.saltForDay('2026-11-03', 'other'), 'later');
    });

    it('stores API keys by id with their hash only', async () => {
      const before = await storage.keys.count();
      await storage.keys.insert({ id: 'key1', name: 'ci', role: 'viewer', createdAt: T0, lastUsedAt: null, secretHash: 'ab'.repeat(32) });
      assert.equal(await storage.keys.count(), before + 1);
      await storage.keys.touch('key1', T0 + 9);
      const stored = await storage.keys.findById('key1');
      assert.equal(stored?.lastUsedAt, T0 + 9);
      assert.equal(stored?.secretHash, 'ab'.repeat(32));
      assert.ok(!('secretHash' in ((await storage.keys.list())[0] ?? {})));
      assert.equal(await storage.keys.delete('key1'), true);
      assert.equal(await storage.keys.delete('key1'), false);
    });

    it('answers a ping', async () => {
      await storage.ping();
    });
  });
}
