import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ClickRecorded } from '../../src/core/clicks/click.js';
import { asArrays, PostgresEvents } from '../../src/storage/postgres/postgres-events.js';
import { postgresKind, type TestDatabase } from '../helpers/databases.js';

function event(id: number, userAgent: string): ClickRecorded {
  return {
    code: `c${id % 7}`,
    domain: id % 2 === 0 ? '' : 'go.example.com',
    click: {
      id, linkId: 1 + (id % 7), at: 1_790_000_000_000 + id, ip: '203.0.113.9', country: 'FR', browser: 'Firefox', os: 'Linux',
      device: 'desktop', bot: false, referrer: 'https://t.co/x', referrerHost: 't.co', language: 'fr', userAgent, visitorId: `v${id}`,
      utmSource: 'mail', utmMedium: null, utmCampaign: 'spring', utmTerm: null, utmContent: null, region: 'FR-IDF', city: 'Paris', target: 'https://example.com/"q"',
    },
  };
}

it('packs items into JSON arrays under the notification limit, in order, none split or lost', () => {
  const items = Array.from({ length: 500 }, (_, i) => JSON.stringify({ i, text: 'é'.repeat(i * 7 % 3000) }));
  const arrays = asArrays(items);
  assert.ok(arrays.length > 1);
  for (const array of arrays) assert.ok(Buffer.byteLength(array) < 8000, `${Buffer.byteLength(array)} bytes`);
  assert.deepEqual(arrays.flatMap((a) => JSON.parse(a) as unknown[]), items.map((i) => JSON.parse(i) as unknown));
});

describe('live events over PostgreSQL LISTEN/NOTIFY', { skip: postgresKind.skip }, () => {
  let database: TestDatabase;
  const warnings: string[] = [];
  const log = { warn: (_details: object, message: string) => void warnings.push(message) };
  let sender: PostgresEvents;
  let receiver: PostgresEvents;
  before(async () => {
    database = await postgresKind.create();
    sender = new PostgresEvents(database.url, log);
    receiver = new PostgresEvents(database.url, log);
    await Promise.all([sender.start(), receiver.start()]);
  });
  after(async () => {
    await Promise.all([sender?.close(), receiver?.close()]);
    await database?.drop();
  });

  it('delivers a batch of clicks to another node in order, several to a notification, and skips one too large to send', async () => {
    const received: ClickRecorded[] = [];
    const batch = Array.from({ length: 300 }, (_, i) => event(i + 1, `Mozilla/5.0 ${'x'.repeat((i * 37) % 1000)} ü`));
    const tooLarge = event(1000, 'y'.repeat(9000));
    const arrived = new Promise<void>((resolve) => {
      receiver.subscribe((e) => {
        received.push(e);
        if (received.length === batch.length) resolve();
      });
    });
    sender.publish([...batch.slice(0, 150), tooLarge, ...batch.slice(150)]);
    const deadline = setTimeout(() => assert.fail(`${received.length} of ${batch.length} events arrived`), 5000);
    await arrived;
    clearTimeout(deadline);
    assert.deepEqual(received, batch);
    assert.deepEqual(warnings, ['live event too large to send']);
  });
});
