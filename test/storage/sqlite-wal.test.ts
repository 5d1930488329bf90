import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Kysely, sql } from 'kysely';
import { openStorage } from '../../src/storage/open-storage.js';
import { WorkerReadDialect } from '../../src/storage/sqlite/worker-read-dialect.js';
import { NO_CAMPAIGN_PLACE_TARGET } from '../helpers/click-fields.js';
import { tempDir } from '../helpers/temp-dir.js';

it('checkpoints the SQLite WAL in the background, not in the committing connection', async () => {
  const dir = tempDir();
  const path = join(dir.path, 'wal.db');
  const storage = openStorage(`sqlite:${path}`);
  try {
    await storage.migrate();
    const link = (await storage.links.insert({
      code: 'wal', domain: '', url: 'https://example.com/', title: null, tags: [], createdAt: 0, updatedAt: 0,
      expiresAt: null, maxClicks: null, redirectType: 302, disabled: false, passwordHash: null, fallbackUrl: null, track: true, preview: null, rules: [], variants: [],
    })) as { id: number };
    // Let any checkpoint of the migrations settle, then write a few MB that only the WAL holds.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const before = statSync(path).size;
    for (let batch = 0; batch < 20; batch++) {
      await storage.clicks.insertBatch(Array.from({ length: 200 }, (_, i) => ({
        linkId: link.id, at: batch * 1000 + i, ip: '203.0.113.1', country: 'DE', browser: 'Firefox', os: 'Linux', device: 'desktop' as const,
        bot: false, referrer: null, referrerHost: null, language: 'de', userAgent: 'x'.repeat(500), visitorId: `v${batch}-${i}`, ...NO_CAMPAIGN_PLACE_TARGET,
      })));
    }
    assert.ok(statSync(`${path}-wal`).size > 2_000_000, 'the clicks are in the WAL');
    // The database file grows only when a checkpoint copies them over: the read worker's, within a second.
    let after = before;
    for (let waited = 0; waited < 5000 && after < before + 2_000_000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = statSync(path).size;
    }
    assert.ok(after >= before + 2_000_000, `checkpointed: ${before} → ${after} bytes`);
  } finally {
    await storage.close();
    dir.cleanup();
  }
});

describe('the SQLite read worker', () => {
  it('fails reads as unavailable, never hangs them, while it cannot start, and closes', { timeout: 20_000 }, async () => {
    const dialect = new WorkerReadDialect('/nonexistent/linkpulse.db');
    const db = new Kysely<Record<string, never>>({ dialect });
    try {
      for (let i = 0; i < 5; i++) {
        await assert.rejects(sql`select 1`.execute(db), (error: { code?: string }) => error.code === 'SQLITE_IOERR');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await dialect.close();
    }
  });
});
