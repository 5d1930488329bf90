import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { VisitorIdentifier } from '../../src/core/clicks/visitor-id.js';
import type { Storage } from '../../src/core/storage.js';
import { openTestStorage, sqliteKind } from '../helpers/databases.js';
import { ManualClock } from '../helpers/test-server.js';

describe('visitor ids', () => {
  const clock = new ManualClock(Date.parse('2026-11-01T10:00:00Z'));
  let storage: Storage;
  let close: () => Promise<void>;
  before(async () => ({ storage, close } = await openTestStorage(sqliteKind)));
  after(() => close());

  it('are stable within a day, differ per visitor, and change with the day', async () => {
    const visitors = new VisitorIdentifier(storage.salts, clock);
    const a = await visitors.visitorId('203.0.113.1', 'UA');
    assert.equal(await visitors.visitorId('203.0.113.1', 'UA'), a);
    assert.notEqual(await visitors.visitorId('203.0.113.2', 'UA'), a);
    assert.notEqual(await visitors.visitorId('203.0.113.1', 'UA2'), a);
    // Another node on the same database agrees, because the salt is shared.
    assert.equal(await new VisitorIdentifier(storage.salts, clock).visitorId('203.0.113.1', 'UA'), a);
    clock.advance(86_400_000);
    assert.notEqual(await visitors.visitorId('203.0.113.1', 'UA'), a);
  });

  it('forget salts older than 48 hours, so old ids cannot be recomputed', async () => {
    const visitors = new VisitorIdentifier(storage.salts, clock);
    clock.ms = Date.parse('2026-11-10T00:30:00Z');
    await visitors.visitorId('198.51.100.1', 'UA');
    clock.ms = Date.parse('2026-11-11T23:00:00Z');
    await visitors.visitorId('198.51.100.1', 'UA');
    assert.notEqual(await storage.salts.saltForDay('2026-11-10', 'probe'), 'probe', 'yesterday is kept');
    clock.ms = Date.parse('2026-11-12T00:10:00Z');
    await visitors.visitorId('198.51.100.1', 'UA');
    assert.equal(await storage.salts.saltForDay('2026-11-10', 'new-salt'), 'new-salt', 'the 10th was deleted');
  });
});
