import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { spawnServer, stopServer, type SpawnedServer } from '../helpers/spawned-server.js';

// A full disk under a running server (a small tmpfs): redirects and writes get 503 with Retry-After,
// /readyz says why, the log has one line for the incident, every answered redirect is a stored
// click, and freeing space brings it all back without a restart. Mounting needs root: CI sets
// LINKPULSE_REQUIRE_FAULTS=1 so that a skip fails there.

const KEY = 'fault-admin-key-0123456789abcdef';
const mount = mkdtempSync(join(tmpdir(), 'linkpulse-full-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mount]).status === 0;
if (!mounted && process.env.LINKPULSE_REQUIRE_FAULTS === '1') throw new Error('the fault suite needs to mount a tmpfs (root)');

describe('a full disk', { skip: mounted ? false : 'mounting a tmpfs needs root' }, () => {
  const database = join(mount, 'data', 'linkpulse.db');
  const filler = join(mount, 'filler');
  let server: SpawnedServer;
  let answered = 0;

  before(async () => {
    mkdirSync(join(mount, 'data'));
    server = await spawnServer({ LINKPULSE_DATABASE_URL: `sqlite:${database}`, LINKPULSE_ADMIN_KEY: KEY });
    const res = await api('/api/links', { method: 'POST', body: JSON.stringify({ url: 'https://example.com/full', code: 'full' }) });
    assert.equal(res.status, 201);
  });
  after(async () => {
    if (server) await stopServer(server);
    if (mounted) execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, {
    ...init, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...init.headers },
  });
  /** One redirect: 302 (counted as answered) or 503 with Retry-After and a problem; answers the status. */
  const visit = async (): Promise<number> => {
    const res = await fetch(`${server.url}/full`, { redirect: 'manual' });
    const body = await res.text();
    if (res.status === 302) answered++;
    else {
      assert.equal(res.status, 503, body);
      assert.ok(Number(res.headers.get('retry-after')) > 0);
      assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    }
    return res.status;
  };
  const lines = (pattern: RegExp) => server.output().split('\n').filter((line) => pattern.test(line));

  it('answers 503 with a reason while the disk is full, and logs the incident once', { timeout: 120_000 }, async () => {
    for (let i = 0; i < 20; i++) assert.equal(await visit(), 302);
    fill(filler);
    // The WAL may still hold room for a while: visit until writes fail.
    let refused = 0;
    for (let i = 0; i < 50_000 && refused === 0; i++) if ((await visit()) === 503) refused++;
    assert.equal(refused, 1, 'writes fail once the disk is full');
    for (let i = 0; i < 200; i++) await visit();

    const created = await api('/api/links', { method: 'POST', body: JSON.stringify({ url: 'https://example.com/more' }) });
    assert.equal(created.status, 503, 'a write refused, not a 500');
    assert.ok(Number(created.headers.get('retry-after')) > 0);
    await created.arrayBuffer();

    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.match(((await ready.json()) as { detail: string }).detail, /full/i, 'says why');

    assert.equal(lines(/failing/).length, 1, 'one line for the incident');
    assert.equal(lines(/"level":50/).length, 1, `no error line per request:\n${lines(/"level":50/).slice(0, 3).join('\n')}`);
  });

  it('recovers without a restart once space is freed, every answered redirect stored', { timeout: 60_000 }, async () => {
    rmSync(filler);
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await fetch(`${server.url}/readyz`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(status, 200, '/readyz is ready again');
    for (let i = 0; i < 20; i++) assert.equal(await visit(), 302);
    assert.equal((await api('/api/links', { method: 'POST', body: JSON.stringify({ url: 'https://example.com/more' }) })).status, 201);
    // It ends with a success a few seconds after the last failure (writes may fit now and then on a full disk).
    for (let i = 0; i < 400 && lines(/succeed again/).length === 0; i++) {
      assert.equal(await visit(), 302);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(lines(/succeed again/).length, 1, 'one line when it ends');
    assert.equal(lines(/failing/).length, 1, 'and still one when it began');

    const stats = (await (await api('/api/links/full/stats?from=2020-01-01&to=2040-01-01&interval=month')).json()) as { totals: { clicks: number } };
    assert.equal(stats.totals.clicks, answered, 'answered = stored');
    assert.equal(await stopServer(server), 0);
    const db = new Database(database, { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      assert.equal((db.prepare('select count(*) as n from clicks').get() as { n: number }).n, answered);
    } finally {
      db.close();
    }
  });
});

/** Writes zeros to `path` until the disk has no room left. */
function fill(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  // The last bytes that fit.
  const small = openSync(`${path}-tail`, 'w');
  try {
    for (;;) writeSync(small, Buffer.alloc(512));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(small);
  }
}
