import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Click, NewClick } from '../../src/core/clicks/click.js';
import { clickCsvRow } from '../../src/core/clicks/click-csv.js';
import { toClickView } from '../../src/core/clicks/click-view.js';
import type { NewLink } from '../../src/core/links/link.js';
import type { Storage } from '../../src/core/storage.js';
import { linkKey } from '../../src/core/links/link-key.js';
import { Roller } from '../../src/core/analytics/roller.js';
import { RollupAnalytics } from '../../src/core/analytics/rollup-analytics.js';
import { ALL_LINKS } from '../../src/core/analytics/rollup.js';
import { NO_CAMPAIGN_PLACE_TARGET } from '../helpers/click-fields.js';
import { DATABASE_KINDS, openTestStorage, postgresServerUrl } from '../helpers/databases.js';

const T0 = Date.UTC(2026, 10, 1);

function newLink(code: string, overrides: Partial<NewLink> = {}): NewLink {
  return {
    code, domain: '', url: `https://example.com/${code}`, title: null, tags: [], createdAt: T0, updatedAt: T0,
    expiresAt: null, maxClicks: null, redirectType: 302, disabled: false, passwordHash: null, fallbackUrl: null, track: true, preview: null, rules: [], variants: [], ...overrides,
  };
}

function newClick(linkId: number, at: number, overrides: Partial<NewClick> = {}): NewClick {
  return {
    linkId, at, ip: '203.0.113.7', country: 'DE', browser: 'Firefox', os: 'Linux', device: 'desktop', bot: false,
    referrer: 'https://news.example/x', referrerHost: 'news.example', language: 'de', userAgent: 'UA', visitorId: 'v1', ...NO_CAMPAIGN_PLACE_TARGET, ...overrides,
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
      const found = await storage.links.find(linkKey('Case1'));
      assert.deepEqual({ ...found, tags: [...(found?.tags ?? [])].sort() }, { ...(created as object), tags: ['a', 'b'] });
      assert.equal(await storage.links.find(linkKey('case1')), undefined);
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
      const updated = await storage.links.update(linkKey('upd'), { updatedAt: T0 + 5, url: 'https://example.org/', tags: ['y', 'z'], disabled: true, title: null });
      assert.equal(updated?.url, 'https://example.org/');
      assert.deepEqual(updated?.tags, ['y', 'z']);
      assert.equal(updated?.disabled, true);
      assert.equal(updated?.updatedAt, T0 + 5);
      assert.equal(await storage.links.update(linkKey('nope'), { updatedAt: 1 }), undefined);
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
      // Counted by the roller: until it steps, the stored counts lag and the exact ones do not.
      const countsOf = async () => {
        const exact = await storage.links.exactClicks([a.id, b.id]);
        const stored = [(await storage.links.find(linkKey('batchA')))?.clicks, (await storage.links.find(linkKey('batchB')))?.clicks];
        return { stored, exact: [exact.get(a.id), exact.get(b.id)] };
      };
      assert.deepEqual(await countsOf(), { stored: [0, 0], exact: [2, 1] });
      await new Roller(storage.rollups).catchUp();
      assert.deepEqual(await countsOf(), { stored: [2, 1], exact: [2, 1] });
    });

    it('never stores more clicks than a link allows, across batches', async () => {
      const link = (await storage.links.insert(newLink('budget', { maxClicks: 3 }))) as { id: number };
      const first = await storage.clicks.insertBatch([newClick(link.id, T0 + 1), newClick(link.id, T0 + 2)]);
      assert.ok(first.every((o) => typeof o === 'object'));
      const second = await storage.clicks.insertBatch([newClick(link.id, T0 + 3), newClick(link.id, T0 + 4), newClick(link.id, T0 + 5)]);
      assert.deepEqual(second.map((o) => (typeof o === 'object' ? 'stored' : o)), ['stored', 'link-exhausted', 'link-exhausted']);
      assert.equal((await storage.clicks.list({ linkId: link.id, from: 0, to: T0 * 2, limit: 10 })).length, 3);
      await new Roller(storage.rollups).catchUp();
      assert.equal((await storage.links.find(linkKey('budget')))?.clicks, 3);
    });

    it('answers a batch mixing links with a budget, without one and deleted, in order', async () => {
      const free = (await storage.links.insert(newLink('mixFree'))) as { id: number };
      const capped = (await storage.links.insert(newLink('mixCapped', { maxClicks: 2 }))) as { id: number };
      const base = T0 + 86_400_000 * 90;
      const batch = [free.id, capped.id, 999_998, capped.id, free.id, capped.id].map((id, i) => newClick(id, base + i, { visitorId: `m${i}` }));
      const outcomes = await storage.clicks.insertBatch(batch);
      assert.deepEqual(outcomes.map((o) => (typeof o === 'object' ? [o.linkId, o.at] : o)), [
        [free.id, base], [capped.id, base + 1], 'link-deleted', [capped.id, base + 3], [free.id, base + 4], 'link-exhausted',
      ]);
      const stored = outcomes.filter((o) => typeof o === 'object');
      assert.equal(new Set(stored.map((o) => o.id)).size, 4);
      const page = await storage.clicks.list({ from: base, to: base + 10, limit: 10 });
      assert.deepEqual(page.map((c) => [c.id, c.visitorId]).sort(), stored.map((o) => [o.id, o.visitorId]).sort());
    });

    it('counts a budget given later exactly, rolled-up clicks and the rest', async () => {
      const link = (await storage.links.insert(newLink('lateBudget'))) as { id: number };
      await storage.clicks.insertBatch([1, 2, 3].map((i) => newClick(link.id, T0 + i)));
      await new Roller(storage.rollups, { batch: 2 }).step(); // two counted, one not yet
      await storage.links.update(linkKey('lateBudget'), { updatedAt: T0, maxClicks: 5 });
      const outcomes = await storage.clicks.insertBatch([4, 5, 6].map((i) => newClick(link.id, T0 + i)));
      assert.deepEqual(outcomes.map((o) => (typeof o === 'object' ? 'stored' : o)), ['stored', 'stored', 'link-exhausted']);
      await new Roller(storage.rollups).catchUp();
      assert.equal((await storage.links.find(linkKey('lateBudget')))?.clicks, 5);
    });

    it('pages clicks newest first and deletes them with their link', async () => {
      const link = (await storage.links.insert(newLink('pages'))) as { id: number };
      await storage.clicks.insertBatch([1, 2, 2, 3].map((s) => newClick(link.id, T0 + s * 1000)));
      const page1 = await storage.clicks.list({ linkId: link.id, from: 0, to: T0 * 2, limit: 2 });
      assert.deepEqual(page1.map((c) => c.at), [T0 + 3000, T0 + 2000]);
      const last = page1.at(-1)!;
      const page2 = await storage.clicks.list({ linkId: link.id, from: 0, to: T0 * 2, limit: 5, before: { value: last.at, id: last.id } });
      assert.deepEqual(page2.map((c) => c.at), [T0 + 2000, T0 + 1000]);
      assert.equal(await storage.links.delete(linkKey('pages'), Date.now()), true);
      assert.deepEqual(await storage.clicks.list({ linkId: link.id, from: 0, to: T0 * 2, limit: 5 }), []);
      assert.equal(await storage.links.delete(linkKey('pages'), Date.now()), false);
    });

    it('answers totals, breakdowns, buckets and top links with bot filters, before and after rolling up', async () => {
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
      const analytics = new RollupAnalytics(storage.rollups);
      const filter = { linkId: link.id, from: base, to: base + 7_200_000, bots: 'include' as const };
      const buckets = [{ from: base, to: base + 3_600_000 }, { from: base + 3_600_000, to: base + 7_200_000 }, { from: base + 7_200_000, to: base + 9_000_000 }];
      const check = async () => {
        const all = await analytics.report(filter, buckets, 10);
        assert.deepEqual(all.totals, { clicks: 4, humanClicks: 3, botClicks: 1, uniqueVisitors: 3 });
        assert.deepEqual(all.breakdowns.countries, [{ key: 'FR', clicks: 2 }, { key: 'DE', clicks: 1 }, { key: null, clicks: 1 }]);
        assert.deepEqual(all.timeseries, [{ clicks: 2, uniqueVisitors: 1 }, { clicks: 2, uniqueVisitors: 2 }, { clicks: 0, uniqueVisitors: 0 }]);
        const humans = await analytics.report({ ...filter, bots: 'exclude' }, buckets, 10);
        assert.deepEqual(humans.totals, { clicks: 3, humanClicks: 3, botClicks: 0, uniqueVisitors: 2 });
        assert.deepEqual(humans.breakdowns.devices, [{ key: 'desktop', clicks: 3 }]);
        const bots = await analytics.report({ ...filter, bots: 'only' }, buckets, 1);
        assert.deepEqual(bots.totals, { clicks: 1, humanClicks: 0, botClicks: 1, uniqueVisitors: 1 });
        assert.deepEqual((await analytics.report(filter, buckets, 1)).breakdowns.countries, [{ key: 'FR', clicks: 2 }]);
        const top = await analytics.topLinks({ from: base, to: base + 7_200_000, bots: 'include' }, 5);
        assert.deepEqual(top.map((t) => [t.code, t.clicks]), [['stats', 4], ['stats2', 1]]);
      };
      await check(); // from raw clicks
      await new Roller(storage.rollups).catchUp();
      await check(); // from rollups
    });

    it('reports the same from rollups, partial rollups and raw clicks, whatever the cuts', async () => {
      const links = [(await storage.links.insert(newLink('roll1'))) as { id: number }, (await storage.links.insert(newLink('roll2'))) as { id: number }];
      const base = T0 + 86_400_000 * 40;
      const random = seeded(7);
      const clicks: NewClick[] = Array.from({ length: 600 }, () => {
        const bot = random() < 0.2;
        const at = base + Math.floor(random() * 3 * 86_400_000);
        // Like real ids: salted per UTC day, and the user agent (so bot or not) is part of them.
        const visitorId = `v${Math.floor(random() * 150)}-${Math.floor(at / 86_400_000)}${bot ? 'bot' : ''}`;
        return newClick(links[random() < 0.7 ? 0 : 1]!.id, at, { visitorId, bot, country: ['FR', 'DE', null][Math.floor(random() * 3)] ?? null });
      });
      clicks.sort((a, b) => a.at - b.at);
      await storage.clicks.insertBatch(clicks.slice(0, 400));
      const roller = new Roller(storage.rollups, { batch: 97 });
      await roller.step(); // part rolled, part raw
      await storage.clicks.insertBatch(clicks.slice(400));
      const analytics = new RollupAnalytics(storage.rollups);
      // Cut mid-hour and on whole hours and days; buckets of 90 minutes cut hours too.
      const ranges = [[base, base + 3 * 86_400_000], [base + 1_234_567, base + 2 * 86_400_000 + 999], [base + 86_400_000, base + 2 * 86_400_000]];
      for (const [from, to] of ranges as [number, number][]) {
        for (const bots of ['include', 'exclude', 'only'] as const) {
          const buckets = spans(from, to, 5_400_000);
          const expected = naiveReport(clicks.filter((c) => c.linkId === links[0]!.id), from, to, bots, buckets);
          const filter = { linkId: links[0]!.id, from, to, bots };
          const before = await analytics.report(filter, buckets, 5);
          // All links too: their cut spans are read by time, and clicks past the watermark must count once.
          const everyLink = naiveReport(clicks, from, to, bots, buckets);
          const allBefore = await analytics.report({ from, to, bots }, buckets, 5);
          await roller.catchUp();
          const after = await analytics.report(filter, buckets, 5);
          const allAfter = await analytics.report({ from, to, bots }, buckets, 5);
          for (const all of [allBefore, allAfter]) {
            assert.deepEqual(all.totals, everyLink.totals);
            assert.deepEqual(all.timeseries, everyLink.timeseries);
            assert.deepEqual(all.breakdowns.countries, everyLink.countries);
          }
          assert.deepEqual(before.totals, expected.totals);
          assert.deepEqual(after.totals, expected.totals);
          assert.deepEqual(after.timeseries, expected.timeseries);
          assert.deepEqual(before.timeseries, expected.timeseries);
          assert.deepEqual(after.breakdowns.countries, expected.countries);
        }
      }
      const overall = await analytics.report({ from: base, to: base + 3 * 86_400_000, bots: 'include' }, [], 5);
      assert.equal(overall.totals.clicks, 600);
      assert.equal(await storage.links.delete(linkKey('roll2'), Date.now()), true);
      const afterDelete = await analytics.report({ from: base, to: base + 3 * 86_400_000, bots: 'include' }, [], 5);
      assert.equal(afterDelete.totals.clicks, clicks.filter((c) => c.linkId === links[0]!.id).length);
    });

    it('reports the same from day rows once days close, with late clicks into a closed day and a deleted link', async () => {
      const links = [(await storage.links.insert(newLink('day1'))) as { id: number }, (await storage.links.insert(newLink('day2'))) as { id: number }];
      const base = T0 + 86_400_000 * 100;
      const random = seeded(11);
      const clickOn = (day: number) => {
        const bot = random() < 0.2;
        const at = base + day * 86_400_000 + Math.floor(random() * 86_400_000);
        const visitorId = `v${Math.floor(random() * 400)}-${Math.floor(at / 86_400_000)}${bot ? 'bot' : ''}`;
        return newClick(links[random() < 0.7 ? 0 : 1]!.id, at, { visitorId, bot, country: ['FR', 'DE', null][Math.floor(random() * 3)] ?? null });
      };
      const clicks = Array.from({ length: 900 }, (_, i) => clickOn(i % 3)).sort((a, b) => a.at - b.at);
      await storage.clicks.insertBatch(clicks);
      // The clock says day 3 is under way: days 0 to 2 have ended.
      const roller = new Roller(storage.rollups, { clock: { now: () => base + 3 * 86_400_000 + 3_600_000 } });
      await roller.catchUp();
      const analytics = new RollupAnalytics(storage.rollups);
      const linkOf = (i: number) => clicks.filter((c) => c.linkId === links[i]!.id);
      const ranges: [number, number, number][] = [
        [base, base + 3 * 86_400_000, 3_600_000], [base, base + 3 * 86_400_000, 86_400_000],
        [base + 5_400_000, base + 2 * 86_400_000 + 999, 86_400_000], [base + 86_400_000, base + 2 * 86_400_000, 7_200_000],
      ];
      const check = async (expectedClicks: NewClick[]) => {
        for (const [from, to, size] of ranges) {
          for (const bots of ['include', 'exclude', 'only'] as const) {
            const buckets = spans(from, to, size);
            const expected = naiveReport(expectedClicks, from, to, bots, buckets);
            const report = await analytics.report({ linkId: links[0]!.id, from, to, bots }, buckets, 5);
            assert.deepEqual(report.totals, expected.totals);
            assert.deepEqual(report.timeseries, expected.timeseries);
            assert.deepEqual(report.breakdowns.countries, expected.countries);
          }
        }
      };
      await check(linkOf(0)); // from hours
      await roller.closeDays();
      const dayRows = await storage.rollups.snapshot(async (tx) => ({
        closed: await tx.daysClosed(),
        rows: await tx.periods(links[0]!.id, { from: base, to: base + 4 * 86_400_000 }, 'include', 'day'),
      }));
      assert.ok(dayRows.closed >= base + 3 * 86_400_000 && dayRows.closed < base + 4 * 86_400_000);
      assert.deepEqual(dayRows.rows.map((r) => r.start).sort(), [0, 0, 1, 1, 2, 2].map((d) => base + d * 86_400_000));
      assert.equal(dayRows.rows.reduce((sum, r) => sum + r.clicks, 0), linkOf(0).length);
      await check(linkOf(0)); // from day rows
      // Clicks into a closed day, raw and then rolled up into its day rows.
      const late = Array.from({ length: 60 }, () => clickOn(1));
      clicks.push(...late);
      await storage.clicks.insertBatch(late);
      await check(linkOf(0));
      await roller.catchUp();
      await check(linkOf(0));
      assert.equal(await storage.links.delete(linkKey('day2'), Date.now()), true);
      const overall = await analytics.report({ from: base, to: base + 3 * 86_400_000, bots: 'include' }, spans(base, base + 3 * 86_400_000, 86_400_000), 5);
      assert.deepEqual(overall.timeseries.map((b) => b.clicks), [0, 1, 2].map((d) => linkOf(0).filter((c) => c.at >= base + d * 86_400_000 && c.at < base + (d + 1) * 86_400_000).length));
      assert.deepEqual(overall.breakdowns.countries, naiveReport(linkOf(0), base, base + 3 * 86_400_000, 'include', []).countries);
    });

    it('rolls up clicks fed to the roller as if read back, and reads back past a gap or a deleted link', async () => {
      const base = T0 + 86_400_000 * 120;
      const links = [(await storage.links.insert(newLink('fed1'))) as { id: number }, (await storage.links.insert(newLink('fed2'))) as { id: number }];
      const analytics = new RollupAnalytics(storage.rollups);
      const fedRoller = new Roller(storage.rollups);
      try {
        await fedRoller.catchUp();
        const all: NewClick[] = [];
        let lastKept = 0;
        const store = async (clicks: NewClick[], feed: (stored: Click[]) => Click[] = (stored) => stored) => {
          all.push(...clicks);
          const stored = (await storage.clicks.insertBatch(clicks)).filter((c): c is Click => typeof c === 'object');
          lastKept = Math.max(lastKept, ...stored.filter((c) => c.linkId === links[0]!.id).map((c) => c.id));
          fedRoller.feed(feed(stored));
        };
        const batch = (n: number, at: number) => Array.from({ length: n }, (_, i) => newClick(links[i % 2]!.id, at + i * 1000, { visitorId: `f${i % 7}`, country: i % 3 ? 'FR' : null }));
        const totals = async (linkId: number) => (await analytics.report({ linkId, from: base, to: base + 86_400_000, bots: 'include' }, [], 5));
        const expect = async (linkId: number) => {
          const clicks = all.filter((c) => c.linkId === linkId);
          const naive = naiveReport(clicks, base, base + 86_400_000, 'include', []);
          const report = await totals(linkId);
          assert.deepEqual(report.totals, naive.totals);
          assert.deepEqual(report.breakdowns.countries, naive.countries);
        };
        await store(batch(30, base));
        await store(batch(20, base + 60_000));
        assert.equal(await fedRoller.step(), 50);
        await expect(links[0]!.id);
        // A gap among the fed clicks (as a CLI import's would leave): read back.
        await store(batch(10, base + 120_000), (stored) => stored.slice(0, 4).concat(stored.slice(5)));
        await fedRoller.catchUp();
        await expect(links[0]!.id);
        await expect(links[1]!.id);
        // Fed, then deleted before the step: the step must not add them to the all-links rows.
        await store(batch(6, base + 180_000));
        assert.equal(await storage.links.delete(linkKey('fed2'), Date.now()), true);
        all.splice(0, all.length, ...all.filter((c) => c.linkId !== links[1]!.id));
        assert.equal(await fedRoller.step(), 0); // refused: its clicks are not all there any more
        await fedRoller.catchUp();
        assert.ok((await storage.rollups.position()).after >= lastKept); // read back and rolled up
        await expect(links[0]!.id);
        const overall = await analytics.report({ from: base, to: base + 86_400_000, bots: 'include' }, [], 5);
        assert.equal(overall.totals.clicks, all.length);
        assert.deepEqual(overall.breakdowns.countries, naiveReport(all, base, base + 86_400_000, 'include', []).countries);
      } finally {
        await fedRoller.stop();
      }
    });

    it('rolls up every click once, with two rollers racing and after the newest clicks were deleted', async () => {
      const base = T0 + 86_400_000 * 60;
      const gone = (await storage.links.insert(newLink('gone'))) as { id: number };
      const kept = (await storage.links.insert(newLink('kept'))) as { id: number };
      const analytics = new RollupAnalytics(storage.rollups);
      const clicksOf = async (linkId: number) => (await analytics.report({ linkId, from: base, to: base + 86_400_000, bots: 'include' }, [], 1)).totals.clicks;
      await storage.clicks.insertBatch(Array.from({ length: 300 }, (_, i) => newClick(kept.id, base + i * 1000, { visitorId: `k${i}` })));
      const racers = [new Roller(storage.rollups, { batch: 40 }), new Roller(storage.rollups, { batch: 40 })];
      await Promise.all(racers.map((r) => r.catchUp()));
      await racers[0]!.catchUp();
      assert.equal(await clicksOf(kept.id), 300);
      // The newest clicks belong to a link that is then deleted: later ids must still be rolled up.
      await storage.clicks.insertBatch([1, 2, 3].map((i) => newClick(gone.id, base + i)));
      await racers[0]!.catchUp();
      assert.equal(await storage.links.delete(linkKey('gone'), Date.now()), true);
      await storage.clicks.insertBatch([newClick(kept.id, base + 500_000, { visitorId: 'late' })]);
      await racers[0]!.catchUp();
      assert.equal(await clicksOf(kept.id), 301);
      const overall = await analytics.report({ from: base, to: base + 86_400_000, bots: 'include' }, [], 1);
      assert.equal(overall.totals.clicks, 301);
    });

    it("pages a link's clicks alike rolled up, partly rolled up or not, and deletes them all", async () => {
      const base = T0 + 86_400_000 * 80;
      const mine = (await storage.links.insert(newLink('pageMine'))) as { id: number };
      const other = (await storage.links.insert(newLink('pageOther'))) as { id: number };
      const random = seeded(11);
      // Interleaved links, ties on `at`, and clicks stored out of time order (as an import would).
      const clicks = Array.from({ length: 150 }, (_, i) => newClick(random() < 0.6 ? mine.id : other.id, base + Math.floor(random() * 40) * 1000, { visitorId: `p${i}` }));
      await storage.clicks.insertBatch(clicks.slice(0, 100));
      const roller = new Roller(storage.rollups, { batch: 45 });
      await roller.step();
      await storage.clicks.insertBatch(clicks.slice(100));
      const page = (linkId: number, before?: { value: number; id: number }) => storage.clicks.list({ linkId, from: base, to: base + 86_400_000, limit: 7, before });
      const everyPage = async (linkId: number, betweenPages: () => Promise<unknown>) => {
        const seen = [];
        for (let items = await page(linkId); items.length > 0;) {
          seen.push(...items);
          await betweenPages();
          const last = items.at(-1)!;
          items = await page(linkId, { value: last.at, id: last.id });
        }
        return seen;
      };
      const expected = (await everyPage(mine.id, async () => undefined)).map((c) => [c.at, c.id]);
      assert.equal(expected.length, clicks.filter((c) => c.linkId === mine.id).length);
      assert.deepEqual(expected, [...expected].sort((a, b) => b[0]! - a[0]! || b[1]! - a[1]!));
      // The watermark moves between pages: no click is skipped or repeated.
      const whileRolling = await everyPage(mine.id, () => roller.step());
      assert.deepEqual(whileRolling.map((c) => [c.at, c.id]), expected);
      await roller.catchUp();
      assert.deepEqual((await everyPage(mine.id, async () => undefined)).map((c) => [c.at, c.id]), expected);

      await storage.clicks.insertBatch([newClick(mine.id, base + 5), newClick(other.id, base + 6)]); // past the watermark
      const otherCount = clicks.filter((c) => c.linkId === other.id).length + 1;
      assert.equal(await storage.links.delete(linkKey('pageMine'), Date.now()), true);
      assert.deepEqual(await page(mine.id), []);
      const all = await storage.clicks.list({ from: base, to: base + 86_400_000, limit: 1000 });
      assert.deepEqual(new Set(all.map((c) => c.linkId)), new Set([other.id]));
      assert.equal((await everyPage(other.id, async () => undefined)).length, otherCount);
    });

    it('writes export pages exactly as clickCsvRow and JSON.stringify do, hostile values included, across the watermark', async () => {
      const base = T0 + 86_400_000 * 140;
      const link = (await storage.links.insert(newLink('csvPage'))) as { id: number };
      const hostile = ['=HYPERLINK("http://evil")', '+1', '-2', '@SUM(A1)', '\tTab', '\rCR', 'say "hi"', 'line\nbreak', 'émoji 🎉', '', ',;', "'quoted'", 'back\\slash \u0001\u001f\b\f\u007f\u2028'];
      const clicks = hostile.flatMap((text, i) => [
        newClick(link.id, base + i * 1000 + [0, 999, 5][i % 3]!, { referrer: text, userAgent: text, language: text, visitorId: `v${i}` }),
        newClick(link.id, base + i * 1000 + 1, { ip: null, country: null, browser: text, os: null, referrer: null, referrerHost: text, language: null, userAgent: null, bot: i % 2 === 0, device: 'bot' }),
        newClick(link.id, base + i * 1000 + 1, { visitorId: `tie${i}` }), // ties on at: ordered by id
      ]);
      // The day before too: a page's own day is written from a parameter, earlier days by the database.
      clicks.push(newClick(link.id, base + 50_000_123), newClick(link.id, base - 1), newClick(link.id, base - 86_400_000 + 3_723_456), newClick(link.id, base - 86_400_000));
      await storage.clicks.insertBatch(clicks.slice(0, 20));
      await new Roller(storage.rollups).catchUp(); // these through click_links, the rest past the watermark
      await storage.clicks.insertBatch(clicks.slice(20));
      const range = { linkId: link.id, from: base - 86_400_000, to: base + 86_400_000 };
      // A range from before 1970 is written another way: the last one.
      // The domain is written as given: hostile text too, though hosts are checked before they are stored.
      const cases = [
        ['csvPage', 'sho.rt', 4, range.from], ['we"ird=code\\', '=go.example.com:8080"\\%s', 4, range.from], ['csvPage', 'go.example.com', 1000, range.from],
        ['csvPage', 'sho.rt', 5, -1],
      ] as const;
      for (const format of ['csv', 'ndjson'] as const) {
        const written = (c: Click, code: string, domain: string) => (format === 'csv'
          ? clickCsvRow(toClickView(c, code, domain)) : `${JSON.stringify(toClickView(c, code, domain))}\n`);
        for (const [code, domain, limit, from] of cases) {
          const expected = (await storage.clicks.list({ ...range, from, limit: 1000 })).map((c) => written(c, code, domain)).join('');
          let text = '';
          let before: { value: number; id: number } | undefined;
          for (let pages = 0; pages < 100; pages++) {
            const page = await storage.clicks.exportPage({ ...range, from, limit, before }, { code, domain }, format);
            text += page.text;
            if (page.rows < limit) break;
            before = page.last;
          }
          assert.equal(text, expected, `${format}, ${code} on ${domain}, pages of ${limit} from ${from}`);
        }
        assert.equal((await storage.clicks.exportPage({ ...range, from: base - 86_400_010, to: base - 86_400_000, limit: 4 }, { code: 'x', domain: 'sho.rt' }, format)).rows, 0);
      }
    });

    it('closes a day of many links a batch at a time, and again once a deletion or a late click beat the close', async () => {
      const base = T0 + 86_400_000 * 200;
      const days = [0, 1, 2, 3].map((d) => ({ from: base + d * 86_400_000, to: base + (d + 1) * 86_400_000 }));
      while (await storage.rollups.closeDay(base)) { /* the days before these, other tests' */ }
      const links: { id: number }[] = [];
      for (let i = 0; i < 600; i++) links.push((await storage.links.insert(newLink(`close${i}`))) as { id: number });
      const clicks = days.slice(0, 3).flatMap((day) => links.map((link, i) => newClick(link.id, day.from + i * 60_000, { visitorId: `c${i}`, country: i % 3 ? 'DE' : 'FR' })));
      await storage.clicks.insertBatch(clicks);
      const roller = new Roller(storage.rollups);
      await roller.catchUp();
      const analytics = new RollupAnalytics(storage.rollups);
      const check = async (day: { from: number; to: number }, when: string) => {
        const buckets = spans(day.from, day.to, 86_400_000);
        const mine = naiveReport(clicks.filter((c) => c.linkId === links[0]!.id), day.from, day.to, 'include', buckets);
        const report = await analytics.report({ linkId: links[0]!.id, ...day, bots: 'include' }, buckets, 5);
        assert.deepEqual(report.totals, mine.totals, when);
        assert.deepEqual(report.timeseries, mine.timeseries, when);
        // All links: 600 visitors are past a sketch's exact count, so their clicks only.
        const all = await analytics.report({ ...day, bots: 'include' }, buckets, 5);
        const expected = naiveReport(clicks, day.from, day.to, 'include', buckets);
        assert.deepEqual(all.timeseries.map((b) => b.clicks), expected.timeseries.map((b) => b.clicks), when);
        assert.deepEqual(all.breakdowns.countries, expected.countries, when); // from day rows once closed
      };
      const dayRowsWritten = async (day: { from: number; to: number }) => {
        const allLinksRows = () => storage.rollups.snapshot((tx) => tx.periods(ALL_LINKS, day, 'include', 'day'));
        while ((await allLinksRows()).length === 0) await new Promise((resolve) => setImmediate(resolve));
      };
      // Day rows go in batches while the day is open, the all-links rows first. A link deleted after
      // those and before its own batch: they hold its clicks, and the close is refused.
      const deleting = storage.rollups.closeDay(days[0]!.to);
      await dayRowsWritten(days[0]!);
      // (Not the link of the newest click: deleting that lowers the watermark, which refuses the close too.)
      assert.equal(await storage.links.delete(linkKey('close598'), Date.now()), true);
      clicks.splice(0, clicks.length, ...clicks.filter((c) => c.linkId !== links[598]!.id));
      // SQLite's one connection runs the deletion before the close's next batch; PostgreSQL's pool
      // may let the close end first (the deletion then takes its clicks out of the closed day's rows).
      const refused = !(await deleting);
      if (kind.name === 'sqlite') assert.ok(refused, 'the close is refused');
      if (refused) {
        assert.equal(await storage.rollups.snapshot((tx) => tx.daysClosed()), days[0]!.from);
        await check(days[0]!, 'open, with the rows of a refused close');
        assert.equal(await storage.rollups.closeDay(days[0]!.to), true);
      }
      assert.equal(await storage.rollups.snapshot((tx) => tx.daysClosed()), days[0]!.to);
      await check(days[0]!, 'closed');
      // A late click rolled up while the next day closes: refused, or into the day rows once closed.
      const closing = storage.rollups.closeDay(days[1]!.to);
      await dayRowsWritten(days[1]!);
      const late = newClick(links[0]!.id, days[1]!.from + 5000, { visitorId: 'late', country: 'IT' });
      clicks.push(late);
      await storage.clicks.insertBatch([late]);
      await roller.step();
      await closing;
      while (await storage.rollups.closeDay(days[1]!.to)) { /* closed */ }
      assert.equal(await storage.rollups.snapshot((tx) => tx.daysClosed()), days[1]!.to);
      await check(days[1]!, 'closed, with a late click');
      // Clicks of a later day rolled up while a day closes (another node's roller, say) leave it be.
      const closingAgain = storage.rollups.closeDay(days[2]!.to);
      await dayRowsWritten(days[2]!);
      const later = newClick(links[1]!.id, days[3]!.from + 7000);
      clicks.push(later);
      await storage.clicks.insertBatch([later]);
      await roller.step();
      assert.equal(await closingAgain, true);
      await check(days[2]!, 'closed while a later day rolled up');
    });

    it('stores an imported click once per import key, counted and rolled up as any other, and forgets its key with its link', async () => {
      const link = (await storage.links.insert(newLink('imported'))) as { id: number };
      const visit = (key: string, at: number) => ({ ...newClick(link.id, at), importKey: key });
      const first = await storage.clicks.importBatch([visit('src#1', T0 - 5 * 86_400_000), visit('src#2', T0 + 1000), visit('src#2', T0 + 1000)]);
      assert.deepEqual(first.map((o) => (typeof o === 'object' ? 'stored' : o)), ['stored', 'stored', 'already-imported']);
      const again = await storage.clicks.importBatch([visit('src#2', T0 + 1000), visit('src#3', T0 + 2000), visit('src#1', T0)]);
      assert.deepEqual(again.map((o) => (typeof o === 'object' ? 'stored' : o)), ['already-imported', 'stored', 'already-imported']);
      // Our own clicks carry no key: any number of them.
      await storage.clicks.insertBatch([newClick(link.id, T0 + 3000), newClick(link.id, T0 + 3000)]);
      await new Roller(storage.rollups).catchUp();
      assert.equal((await storage.links.find(linkKey('imported')))?.clicks, 5);
      assert.deepEqual((await storage.clicks.list({ linkId: link.id, from: 0, to: T0 + 86_400_000, limit: 10 })).map((c) => c.at),
        [T0 + 3000, T0 + 3000, T0 + 2000, T0 + 1000, T0 - 5 * 86_400_000]);
      const gone = await storage.clicks.importBatch([visit('src#1', T0)]);
      assert.equal(gone.length, 1);
      await storage.links.delete(linkKey('imported'), Date.now());
      const relinked = (await storage.links.insert(newLink('imported'))) as { id: number };
      const back = await storage.clicks.importBatch([{ ...newClick(relinked.id, T0), importKey: 'src#1' }]);
      assert.equal(typeof back[0], 'object', 'a deleted link took its clicks and their keys along');
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

function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

function spans(from: number, to: number, size: number): { from: number; to: number }[] {
  const result = [];
  for (let start = from; start < to; start += size) result.push({ from: start, to: Math.min(start + size, to) });
  return result;
}

/** What a report must say, counted the obvious way. */
function naiveReport(clicks: NewClick[], from: number, to: number, bots: 'include' | 'exclude' | 'only', buckets: { from: number; to: number }[]) {
  const kept = clicks.filter((c) => c.at >= from && c.at < to && (bots === 'include' || c.bot === (bots === 'only')));
  const count = (list: NewClick[]) => ({ clicks: list.length, uniqueVisitors: new Set(list.map((c) => c.visitorId)).size });
  const countries = new Map<string | null, number>();
  for (const c of kept) countries.set(c.country, (countries.get(c.country) ?? 0) + 1);
  const botClicks = kept.filter((c) => c.bot).length;
  return {
    totals: { clicks: kept.length, humanClicks: kept.length - botClicks, botClicks, uniqueVisitors: count(kept).uniqueVisitors },
    timeseries: buckets.map((b) => count(kept.filter((c) => c.at >= b.from && c.at < b.to))),
    countries: [...countries].map(([key, n]) => ({ key, clicks: n }))
      .sort((a, b) => b.clicks - a.clicks || (a.key === null ? 1 : b.key === null ? -1 : a.key.localeCompare(b.key))).slice(0, 5),
  };
}
