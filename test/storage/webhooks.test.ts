import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import pg from 'pg';
import type { NewClick } from '../../src/core/clicks/click.js';
import { Roller } from '../../src/core/analytics/roller.js';
import { DomainService } from '../../src/core/links/domain-service.js';
import { LinkService } from '../../src/core/links/link-service.js';
import type { Storage } from '../../src/core/storage.js';
import { RETRY_WINDOW_MS } from '../../src/core/webhooks/retry-schedule.js';
import { WebhookDispatcher } from '../../src/core/webhooks/webhook-dispatcher.js';
import type { ReceiverAnswer, WebhookSender } from '../../src/core/webhooks/webhook-sender.js';
import { WebhookService } from '../../src/core/webhooks/webhook-service.js';
import { openStorage } from '../../src/storage/open-storage.js';
import { CLICK_WRITERS_LOCK } from '../../src/storage/sql/sql-rollup-store.js';
import { NO_CAMPAIGN_PLACE_TARGET } from '../helpers/click-fields.js';
import { DATABASE_KINDS, type TestDatabase } from '../helpers/databases.js';
import { ManualClock } from '../helpers/test-server.js';

// The dispatcher on real storage with a clock the test moves: the retry schedule, the webhook
// disabled after a day of failures (and enabled again by a retry), claims that one node holds at a
// time, and on PostgreSQL a click still committing that the click cursor must not pass.

const T0 = Date.UTC(2026, 11, 1, 12);
const SECOND = 1000;

/** The receiver's side of the port: answers as the test says, and counts what it was sent. */
class ScriptedSender implements WebhookSender {
  answer: number | 'no answer' = 503;
  readonly sent: { id: string; type: string; body: string; at: number }[] = [];
  constructor(private readonly clock: ManualClock) {}
  post(_url: string, headers: Readonly<Record<string, string>>, body: string): Promise<ReceiverAnswer> {
    this.sent.push({ id: headers['webhook-id'] as string, type: (JSON.parse(body) as { type: string }).type, body, at: this.clock.now() });
    if (this.answer === 'no answer') return Promise.reject(new Error('no answer within 10 s'));
    return Promise.resolve({ status: this.answer, excerpt: this.answer >= 300 ? 'upstream\u0000 down\n<script>' : '' });
  }
}

function click(linkId: number, at: number): NewClick {
  return {
    linkId, at, ip: null, country: null, browser: null, os: null, device: 'desktop', bot: false,
    referrer: null, referrerHost: null, language: null, userAgent: 'UA', visitorId: 'v', ...NO_CAMPAIGN_PLACE_TARGET,
  };
}

for (const kind of DATABASE_KINDS) {
  describe(`webhook deliveries on ${kind.name}`, { skip: kind.skip }, () => {
    let database: TestDatabase;
    let storage: Storage;
    let clock: ManualClock;
    let sender: ScriptedSender;
    let links: LinkService;
    let webhooks: WebhookService;
    let dispatcher: WebhookDispatcher;
    /** The roller up to date (webhooks get clicks up to its watermark), then one step and the attempts it started. */
    const step = async () => {
      await new Roller(storage.rollups).catchUp();
      await dispatcher.step();
      await dispatcher.settled();
    };

    before(async () => {
      database = await kind.create();
      storage = openStorage(database.url);
      await storage.migrate();
    });
    after(async () => {
      await storage.close();
      await database.drop();
    });
    beforeEach(async () => {
      for (const webhook of await storage.webhooks.list()) await storage.webhooks.delete(webhook.id);
      clock = new ManualClock(T0);
      sender = new ScriptedSender(clock);
      links = new LinkService(storage.links, new DomainService(storage.domains, clock, 'sho.rt', ['sho.rt']), clock, ['sho.rt']);
      webhooks = new WebhookService(storage.webhooks, links, clock, ['sho.rt']);
      // random 0.5: no jitter, so the delays are the schedule's own.
      dispatcher = new WebhookDispatcher({ store: storage.webhooks, sender, clock, baseUrl: 'http://sho.rt', random: () => 0.5 });
    });

    it('retries with growing delays for a day, then disables the webhook saying why; a retry enables it again', async () => {
      const hook = await webhooks.create({ url: 'https://receiver.example/hook', events: ['link.created'] });
      await links.create({ url: 'https://example.com/a', code: 'retried' });
      const attemptsAt: number[] = [];
      let delivery = (await webhooks.deliveries(hook.id, { limit: 10 })).items[0];
      assert.ok(delivery);
      while (delivery.status === 'pending') {
        const before = sender.sent.length;
        // Just before it is due: nothing is sent.
        clock.ms = (delivery.nextAttemptAt as number) - 1;
        await step();
        assert.equal(sender.sent.length, before, 'not sent before it is due');
        clock.ms += 1;
        await step();
        assert.equal(sender.sent.length, before + 1, 'sent once when due');
        attemptsAt.push(clock.ms - T0);
        delivery = (await webhooks.deliveries(hook.id, { limit: 10 })).items[0] as typeof delivery;
        assert.equal(delivery.attempts, attemptsAt.length);
        assert.equal(delivery.lastStatus, 503);
      }
      const delays = attemptsAt.slice(1).map((at, i) => (at - (attemptsAt[i] as number)) / SECOND);
      assert.deepEqual(delays.slice(0, 8), [2, 6, 18, 54, 162, 486, 1458, 3600], 'threefold from 2 s, then hourly');
      assert.ok(delays.slice(8).every((d) => d === 3600));
      // Retried for a whole day, and given up at the first failure after it.
      assert.ok((attemptsAt.at(-2) as number) < RETRY_WINDOW_MS && (attemptsAt.at(-1) as number) >= RETRY_WINDOW_MS, attemptsAt.join());
      assert.equal(delivery.status, 'failed');
      assert.equal(delivery.lastError, 'HTTP 503: upstream down <script>', 'one line, no control characters');
      const [disabled] = await webhooks.list();
      assert.ok(disabled?.disabledAt !== null && disabled?.disabledAt !== undefined);
      assert.match(disabled.disabledReason ?? '', new RegExp(`^Disabled: delivery ${delivery.id} failed for 2[45] h; its last attempt: HTTP 503`));

      // Disabled: events queue and nothing is sent.
      await links.create({ url: 'https://example.com/b', code: 'queued' });
      clock.advance(86_400_000);
      const sentWhileDisabled = sender.sent.length;
      await step();
      assert.equal(sender.sent.length, sentWhileDisabled);

      sender.answer = 200;
      await webhooks.retry(hook.id, delivery.id);
      await step();
      assert.equal((await webhooks.list())[0]?.disabledAt, null, 'enabled again');
      const log = (await webhooks.deliveries(hook.id, { limit: 10 })).items;
      assert.deepEqual(log.map((d) => d.status), ['delivered', 'delivered']);
      assert.deepEqual(sender.sent.slice(sentWhileDisabled).map((s) => s.id).sort(), log.map((d) => d.id).sort());
    });

    it('counts an answer that never came as a failure', async () => {
      const hook = await webhooks.create({ url: 'https://receiver.example/hook', events: ['link.created'] });
      sender.answer = 'no answer';
      await links.create({ url: 'https://example.com/c', code: 'silent' });
      await step();
      const [delivery] = (await webhooks.deliveries(hook.id, { limit: 10 })).items;
      assert.equal(delivery?.status, 'pending');
      assert.equal(delivery?.lastStatus, null);
      assert.equal(delivery?.lastError, 'no answer within 10 s');
      assert.equal(delivery?.nextAttemptAt, T0 + 2 * SECOND);
    });

    it('lets one claim hold a delivery until its time is up, and records only the holder\'s attempt', async () => {
      await webhooks.create({ url: 'https://receiver.example/hook', events: ['link.created'] });
      await links.create({ url: 'https://example.com/d', code: 'claimed' });
      const first = await storage.webhooks.claim(T0, 10, T0 + 15 * SECOND, 'first');
      assert.equal(first.length, 1);
      assert.deepEqual(await storage.webhooks.claim(T0 + 14 * SECOND, 10, T0 + 30 * SECOND, 'second'), [], 'held by the first');
      // The first holder died: after its time the delivery is due again.
      const second = await storage.webhooks.claim(T0 + 15 * SECOND, 10, T0 + 30 * SECOND, 'second');
      assert.deepEqual(second.map((d) => d.id), first.map((d) => d.id));
      await storage.webhooks.recordAttempt(first[0]?.id as string, 'first', { result: 'delivered', at: T0 + 16 * SECOND, status: 200 });
      const [stillPending] = await storage.webhooks.deliveries(first[0]?.webhookId as string, 10);
      assert.equal(stillPending?.status, 'pending', 'the first holder no longer holds it');
      await storage.webhooks.recordAttempt(first[0]?.id as string, 'second', { result: 'delivered', at: T0 + 16 * SECOND, status: 200 });
      const [delivered] = await storage.webhooks.deliveries(first[0]?.webhookId as string, 10);
      assert.equal(delivered?.status, 'delivered');
    });

    it('keeps the deliveries of three days and forgets older ended ones', async () => {
      const hook = await webhooks.create({ url: 'https://receiver.example/hook', events: ['link.created'] });
      sender.answer = 204;
      await links.create({ url: 'https://example.com/e', code: 'pruned' });
      await step();
      assert.equal((await webhooks.deliveries(hook.id, { limit: 10 })).items.length, 1);
      // A dispatcher prunes in its first step, then once a minute: a new one each time here.
      const prune = () => new WebhookDispatcher({ store: storage.webhooks, sender, clock, baseUrl: 'http://sho.rt' }).step();
      clock.advance(3 * 86_400_000 - 1);
      await prune();
      assert.equal((await webhooks.deliveries(hook.id, { limit: 10 })).items.length, 1);
      clock.advance(2);
      await prune();
      assert.equal((await webhooks.deliveries(hook.id, { limit: 10 })).items.length, 0);
    });

    it('gives a new webhook the clicks from its creation on, in batches of at most 100', async () => {
      const link = await links.create({ url: 'https://example.com/f', code: 'counted' });
      await storage.clicks.insertBatch([click(link.id, T0), click(link.id, T0)]);
      const hook = await webhooks.create({ url: 'https://receiver.example/hook', events: ['clicks.recorded'] });
      sender.answer = 204;
      const outcomes = await storage.clicks.insertBatch(Array.from({ length: 250 }, () => click(link.id, T0)));
      const ids = outcomes.map((o) => (typeof o === 'object' ? o.id : 0));
      await step();
      const sent = sender.sent.map((s) => (JSON.parse(s.body) as { data: { clicks: { id: number }[] } }).data.clicks.map((c) => c.id));
      assert.deepEqual(sent.map((batch) => batch.length).sort((a, b) => b - a), [100, 100, 50]);
      assert.deepEqual(sent.flat().sort((a, b) => a - b), ids);
      await webhooks.delete(hook.id);
    });

    if (kind.name === 'postgres') {
      it('does not move a click cursor past a click still being committed', async () => {
        const link = await links.create({ url: 'https://example.com/g', code: 'inflight' });
        await webhooks.create({ url: 'https://receiver.example/hook', events: ['clicks.recorded'] });
        sender.answer = 204;
        // A click batch as the click store writes one: the writers' lock shared, an id taken, not committed yet.
        const writer = new pg.Client({ connectionString: database.url });
        await writer.connect();
        try {
          await writer.query('begin');
          await writer.query('select pg_advisory_xact_lock_shared($1)', [CLICK_WRITERS_LOCK]);
          const early = (await writer.query<{ id: string }>(
            'insert into clicks (link_id, at, device, bot, visitor_id) values ($1, $2, \'desktop\', 0, \'v\') returning id', [link.id, T0],
          )).rows[0]?.id;
          // A later id, committed first.
          const [late] = await storage.clicks.insertBatch([click(link.id, T0)]);
          const stepping = step();
          await new Promise((resolve) => setTimeout(resolve, 300));
          await writer.query('commit');
          await stepping;
          await step();
          const sent = new Set(sender.sent.flatMap((s) => (JSON.parse(s.body) as { data: { clicks: { id: number }[] } }).data.clicks.map((c) => c.id)));
          assert.ok(sent.has(Number(early)), `the click committed last (${early}) is delivered: ${[...sent].join()}`);
          assert.ok(typeof late === 'object' && sent.has(late.id));
        } finally {
          await writer.end();
        }
      });
    }
  });
}
