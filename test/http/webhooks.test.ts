import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { NewClick } from '../../src/core/clicks/click.js';
import { NO_CAMPAIGN_PLACE_TARGET } from '../helpers/click-fields.js';
import { DATABASE_KINDS, type TestDatabase } from '../helpers/databases.js';
import { startTestServer, type Json, type TestServer } from '../helpers/test-server.js';
import { eventually, WebhookReceiver } from '../helpers/webhook-receiver.js';
import { linkKey } from '../../src/core/links/link-key.js';

// Webhooks over HTTP on each database: a real receiver verifies every request with the
// standardwebhooks package; link events and every click arrive, a receiver that was down gets its
// events later, a delivery can be sent again, bad input is refused, and two nodes on one PostgreSQL
// database send each event once.

const CLICKS = 10_000;
const REDIRECTS = 400;
const CONCURRENCY = 16;

for (const kind of DATABASE_KINDS) {
  describe(`webhooks on ${kind.name}`, { skip: kind.skip }, () => {
    let database: TestDatabase;
    let server: TestServer;
    const receiver = new WebhookReceiver();

    const createWebhook = async (body: unknown): Promise<Json> => {
      const res = await server.api('/api/webhooks', { method: 'POST', json: body });
      assert.equal(res.status, 201, await res.clone().text());
      return res.json();
    };
    const createLink = async (code: string) => {
      const res = await server.api('/api/links', { method: 'POST', json: { url: `https://example.com/${code}`, code } });
      assert.equal(res.status, 201, await res.clone().text());
    };
    const deliveries = async (id: string): Promise<Json[]> => {
      const res = await server.api(`/api/webhooks/${id}/deliveries?limit=200`);
      assert.equal(res.status, 200);
      return (await res.json()).items;
    };
    const deleteWebhook = async (id: string) => assert.equal((await server.api(`/api/webhooks/${id}`, { method: 'DELETE' })).status, 204);
    /** Every click id the database holds for the link, from the NDJSON export. */
    const storedIds = async (code: string): Promise<number[]> => {
      const text = await (await server.api(`/api/links/${code}/clicks/export?format=ndjson`)).text();
      return text.trim().split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { id: number }).id);
    };

    before(async () => {
      database = await kind.create();
      server = await startTestServer({ database });
      await receiver.up();
    });
    // A test that failed leaves no webhook posting into the next one.
    beforeEach(async () => {
      for (const hook of (await (await server.api('/api/webhooks')).json()).items as Json[]) await deleteWebhook(hook.id);
    });
    after(async () => {
      await server?.close();
      await receiver.down();
      await database?.drop();
    });

    it('refuses bad input with a problem naming the field (422 by a rule, 400 by its shape), and creates nothing', async () => {
      await createLink('known');
      const cases: [unknown, string, number][] = [
        [{ url: 'ftp://example.com/hook', events: ['link.created'] }, 'url', 422],
        [{ url: 'not a url', events: ['link.created'] }, 'url', 422],
        [{ url: 'https://user:pw@example.com/hook', events: ['link.created'] }, 'url', 422],
        [{ url: 'http://SHO.RT./hook', events: ['link.created'] }, 'url', 422],
        [{ url: 'https://example.com/hook', events: ['link.created'], links: ['known', 'nope'] }, 'links[1]', 422],
        [{ url: 'https://example.com/\u0000', events: ['link.created'] }, 'url', 422],
        [{ url: 'https://example.com/hook', events: [] }, 'events', 400],
        [{ url: 'https://example.com/hook', events: ['link.exploded'] }, 'events[0]', 400],
        [{ url: 'https://example.com/hook', events: ['link.created'], links: [] }, 'links', 400],
        [{ url: 'https://example.com/hook', events: ['link.created'], secret: 'mine' }, 'secret', 400],
        [{ events: ['link.created'] }, 'url', 400],
      ];
      for (const [body, field, status] of cases) {
        const res = await server.api('/api/webhooks', { method: 'POST', json: body });
        assert.equal(res.status, status, JSON.stringify(body));
        assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
        const problem = await res.json();
        assert.ok(problem.errors.some((e: Json) => e.field === field), `${JSON.stringify(body)} → ${JSON.stringify(problem.errors)}`);
      }
      assert.deepEqual((await (await server.api('/api/webhooks')).json()).items, []);
      const viewer = await (await server.api('/api/keys', { method: 'POST', json: { name: 'viewer', role: 'viewer' } })).json();
      assert.equal((await server.api('/api/webhooks', { key: viewer.secret })).status, 403, 'webhooks are an admin\'s');
      for (const [method, path] of [['DELETE', '/api/webhooks/wh_nope'], ['GET', '/api/webhooks/wh_nope/deliveries'], ['POST', '/api/webhooks/wh_nope/deliveries/msg_nope/retry']] as const) {
        const res = await server.api(path, { method });
        assert.equal(res.status, 404, `${method} ${path}`);
        assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
      }
    });

    it('shows the secret once and signs link events that arrive, each with the link', async () => {
      const hook = await createWebhook({ url: receiver.url, events: ['link.created', 'link.updated', 'link.deleted'] });
      assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
      assert.ok(Buffer.from(hook.secret.slice('whsec_'.length), 'base64').length >= 24, 'at least 24 random bytes');
      assert.match(hook.id, /^wh_/);
      assert.deepEqual(hook.links, null);
      const listed = (await (await server.api('/api/webhooks')).json()).items;
      assert.equal(listed.length, 1);
      assert.equal(listed[0].secret, undefined, 'never listed with its secret');
      assert.equal(listed[0].disabled, false);
      receiver.verifyWith(hook.secret);
      receiver.events.length = 0;

      await createLink('hooked');
      assert.equal((await server.api('/api/links/hooked', { method: 'PATCH', json: { title: '<b>Launch</b>', password: 'sesame-123' } })).status, 200);
      assert.equal((await server.api('/api/links/hooked', { method: 'DELETE' })).status, 204);
      await eventually(() => receiver.events.length >= 3, () => `events: ${JSON.stringify(receiver.events.map((e) => e.type))}`);
      assert.deepEqual(receiver.refused, [], 'every request verifies');
      const [created, updated, deleted] = ['link.created', 'link.updated', 'link.deleted'].map((type) => receiver.ofType(type));
      assert.equal(created?.length, 1);
      assert.equal(created?.[0]?.data.code, 'hooked');
      assert.equal(created?.[0]?.data.shortUrl, 'http://sho.rt/hooked');
      assert.equal(updated?.[0]?.data.title, '<b>Launch</b>');
      assert.equal(updated?.[0]?.data.hasPassword, true);
      assert.equal(JSON.stringify(updated).includes('sesame'), false);
      assert.equal(deleted?.[0]?.data.code, 'hooked');
      assert.ok(Date.parse(created?.[0]?.timestamp) > 0);
      // Recorded once the sender has read the answer.
      let log: Json[] = [];
      await eventually(async () => (log = await deliveries(hook.id)).every((d) => d.status === 'delivered'), () => JSON.stringify(log));
      assert.equal(log.length, 3);
      assert.ok(log.every((d) => d.attempts === 1 && d.lastStatus === 204 && d.nextAttemptAt === null && d.lastError === null), JSON.stringify(log));
      await deleteWebhook(hook.id);
    });

    it(`delivers every one of ${CLICKS} clicks at least once, each as the click list shows it`, async () => {
      await createLink('busy');
      await createLink('quiet');
      const hook = await createWebhook({ url: receiver.url, events: ['clicks.recorded'] });
      // A second receiver for a webhook limited to one link.
      const limitedReceiver = new WebhookReceiver();
      await limitedReceiver.up();
      const limited = await createWebhook({ url: limitedReceiver.url, events: ['clicks.recorded'], links: ['quiet'] });
      assert.deepEqual(limited.links, ['quiet']);
      receiver.verifyWith(hook.secret);
      limitedReceiver.verifyWith(limited.secret);
      receiver.events.length = 0;
      try {
        // Real redirects from several clients at once, and the rest stored in batches straight away.
        let sent = 0;
        await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
          while (sent < REDIRECTS) {
            const code = sent++ % 10 === 0 ? 'quiet' : 'busy';
            const res = await fetch(`${server.url}/${code}?utm_source=hook`, { redirect: 'manual', headers: { 'user-agent': `agent/${sent}` } });
            assert.equal(res.status, 302);
            await res.arrayBuffer();
          }
        }));
        const busy = await server.lp.links.find(linkKey('busy'));
        for (let stored = REDIRECTS; stored < CLICKS; stored += 1000) {
          const batch: NewClick[] = Array.from({ length: Math.min(1000, CLICKS - stored) }, (_, i) => ({
            linkId: busy.id, at: Date.now(), ip: '203.0.113.9', country: null, browser: null, os: null, device: 'desktop', bot: false,
            referrer: null, referrerHost: null, language: null, userAgent: `batch/${stored + i}`, visitorId: 'v', ...NO_CAMPAIGN_PLACE_TARGET,
          }));
          await server.lp.storage.clicks.insertBatch(batch);
        }
        const expected = [...await storedIds('busy'), ...await storedIds('quiet')];
        assert.equal(expected.length, CLICKS);
        await eventually(() => receiver.clickIds().size >= CLICKS, () => `${receiver.clickIds().size} of ${CLICKS} click ids arrived`, 60_000);
        const got = receiver.clickIds();
        assert.deepEqual(expected.filter((id) => !got.has(id)), []);
        assert.deepEqual(receiver.refused, []);
        assert.ok(receiver.events.every((e) => e.data.clicks.length <= 100), 'at most 100 clicks an event');

        // Each click as GET /api/links/{code}/clicks shows it.
        const page = (await (await server.api('/api/links/quiet/clicks?limit=5')).json()).items as Json[];
        const sent2 = new Map(receiver.events.flatMap((e) => e.data.clicks as Json[]).map((c) => [c.id, c]));
        for (const click of page) assert.deepEqual(sent2.get(click.id), click);

        const quietIds = await storedIds('quiet');
        await eventually(() => limitedReceiver.clickIds().size >= quietIds.length, () => `${limitedReceiver.clickIds().size} of ${quietIds.length} quiet clicks`);
        assert.deepEqual([...limitedReceiver.clickIds()].sort(), [...quietIds].sort(), 'only the clicks of its link');
      } finally {
        await deleteWebhook(hook.id);
        await deleteWebhook(limited.id);
        await limitedReceiver.down();
      }
    });

    it('retries while the receiver is down and delivers once it is back', async () => {
      const hook = await createWebhook({ url: receiver.url, events: ['link.created', 'clicks.recorded'] });
      receiver.verifyWith(hook.secret);
      receiver.events.length = 0;
      await receiver.down();
      try {
        await createLink('later');
        assert.equal((await fetch(`${server.url}/later`, { redirect: 'manual' })).status, 302);
        let log: Json[] = [];
        await eventually(async () => {
          log = await deliveries(hook.id);
          return log.length === 2 && log.every((d) => d.attempts >= 1);
        }, () => JSON.stringify(log));
        for (const d of log) {
          assert.equal(d.status, 'pending');
          assert.equal(d.lastStatus, null);
          assert.match(d.lastError, /ECONNREFUSED|fetch failed/);
          assert.ok(Date.parse(d.nextAttemptAt) > Date.parse(d.lastAttemptAt), 'a later attempt is planned');
        }
      } finally {
        await receiver.up();
      }
      await eventually(() => receiver.ofType('link.created').length === 1 && receiver.clickIds().size === 1, () => JSON.stringify(receiver.events));
      await eventually(async () => (await deliveries(hook.id)).every((d) => d.status === 'delivered'), () => 'delivered in the log');
      await deleteWebhook(hook.id);
    });

    it('sends a delivery again on request, with the same webhook-id', async () => {
      const hook = await createWebhook({ url: receiver.url, events: ['link.created'] });
      receiver.verifyWith(hook.secret);
      receiver.events.length = 0;
      await createLink('again');
      await eventually(async () => (await deliveries(hook.id))[0]?.status === 'delivered', () => 'the first delivery');
      const [delivery] = await deliveries(hook.id);
      const res = await server.api(`/api/webhooks/${hook.id}/deliveries/${delivery.id}/retry`, { method: 'POST' });
      assert.equal(res.status, 204, await res.text());
      await eventually(() => receiver.events.length === 2, () => 'the delivery sent again');
      assert.deepEqual(receiver.events.map((e) => e.id), [delivery.id, delivery.id]);
      await eventually(async () => (await deliveries(hook.id))[0]?.attempts === 2, () => 'two attempts in the log');
      assert.equal((await server.api(`/api/webhooks/${hook.id}/deliveries/msg_${'x'.repeat(24)}/retry`, { method: 'POST' })).status, 404);
      await deleteWebhook(hook.id);
      assert.equal((await server.api(`/api/webhooks/${hook.id}/deliveries`)).status, 404, 'gone with its webhook');
    });

    if (kind.name === 'postgres') {
      it('sends each event from one node of two sharing the database', async () => {
        const second = await startTestServer({ database });
        try {
          const hook = await createWebhook({ url: receiver.url, events: ['link.created', 'clicks.recorded'] });
          receiver.verifyWith(hook.secret);
          receiver.events.length = 0;
          await createLink('pair');
          for (let i = 0; i < 300; i++) {
            const node = i % 2 === 0 ? server : second;
            assert.equal((await fetch(`${node.url}/pair`, { redirect: 'manual' })).status, 302);
          }
          await eventually(() => receiver.clickIds().size === 300 && receiver.ofType('link.created').length === 1, () => `${receiver.clickIds().size} clicks`);
          // Give a second sender the time to show itself.
          await new Promise((resolve) => setTimeout(resolve, 1500));
          const ids = receiver.events.map((e) => e.id);
          assert.equal(new Set(ids).size, ids.length, 'no event twice');
          const clicks = receiver.events.flatMap((e) => (e.data.clicks ?? []) as Json[]).map((c) => c.id);
          assert.equal(new Set(clicks).size, clicks.length, 'no click in two events');
          await deleteWebhook(hook.id);
        } finally {
          await second.close();
        }
      });
    }
  });
}
