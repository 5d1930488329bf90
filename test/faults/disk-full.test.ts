import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, rmSync, truncateSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { spawnServer, stopServer, type SpawnedServer } from '../helpers/spawned-server.js';

// The database's disk failing under a running server: a full disk (a small tmpfs), and a
// filesystem the kernel turns read-only. Redirects and writes get 503 with Retry-After, /readyz says
// why, the log has one line for the incident, and every answered redirect is a stored click.
// Mounting needs root: CI sets LINKPULSE_REQUIRE_FAULTS=1 so that a skip fails there.

const KEY = 'fault-admin-key-0123456789abcdef';
const requireFaults = process.env.LINKPULSE_REQUIRE_FAULTS === '1';

/** A server with its one link, `/<code>`, and the calls both faults make. */
class FaultedServer {
  /** Redirects answered 302: each must be a stored click. */
  answered = 0;

  constructor(readonly server: SpawnedServer, private readonly code: string) {}

  static async start(database: string, code: string): Promise<FaultedServer> {
    const faulted = new FaultedServer(await spawnServer({ LINKPULSE_DATABASE_URL: `sqlite:${database}`, LINKPULSE_ADMIN_KEY: KEY }), code);
    const res = await faulted.api('/api/links', { method: 'POST', body: JSON.stringify({ url: `https://example.com/${code}`, code }) });
    assert.equal(res.status, 201);
    return faulted;
  }

  api(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.server.url}${path}`, {
      ...init, headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', ...init.headers },
    });
  }

  /** One redirect: 302 (counted as answered) or 503 with Retry-After and a problem; answers the status. */
  async visit(): Promise<number> {
    const res = await fetch(`${this.server.url}/${this.code}`, { redirect: 'manual' });
    const body = await res.text();
    if (res.status === 302) this.answered++;
    else assertRefused(res, body);
    return res.status;
  }

  /** A write: a new link. */
  async createLink(): Promise<Response> {
    return this.api('/api/links', { method: 'POST', body: JSON.stringify({ url: 'https://example.com/more' }) });
  }

  /** The link's clicks as its report counts them. */
  async reportedClicks(): Promise<number> {
    const res = await this.api(`/api/links/${this.code}/stats?from=2020-01-01&to=2040-01-01&interval=month`);
    assert.equal(res.status, 200);
    return ((await res.json()) as { totals: { clicks: number } }).totals.clicks;
  }

  lines(pattern: RegExp): string[] {
    return this.server.output().split('\n').filter((line) => pattern.test(line));
  }
}

function assertRefused(res: Response, body: string): void {
  assert.equal(res.status, 503, body);
  assert.ok(Number(res.headers.get('retry-after')) > 0);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
}

/** The file holds exactly `answered` clicks and passes SQLite's integrity check. */
function assertStored(database: string, answered: number): void {
  const db = new Database(database, { readonly: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    assert.equal((db.prepare('select count(*) as n from clicks').get() as { n: number }).n, answered);
  } finally {
    db.close();
  }
}

const mount = mkdtempSync(join(tmpdir(), 'linkpulse-full-'));
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=6m', 'tmpfs', mount]).status === 0;
if (!mounted && requireFaults) throw new Error('the fault suite needs to mount a tmpfs (root)');

describe('a full disk', { skip: mounted ? false : 'mounting a tmpfs needs root' }, () => {
  const database = join(mount, 'data', 'linkpulse.db');
  const filler = join(mount, 'filler');
  let faulted: FaultedServer;

  before(async () => {
    mkdirSync(join(mount, 'data'));
    faulted = await FaultedServer.start(database, 'full');
  });
  after(async () => {
    if (faulted) await stopServer(faulted.server);
    if (mounted) execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  it('answers 503 with a reason while the disk is full, and logs the incident once', { timeout: 120_000 }, async () => {
    for (let i = 0; i < 20; i++) assert.equal(await faulted.visit(), 302);
    fill(filler);
    // The WAL may still hold room for a while: visit until writes fail.
    let refused = 0;
    for (let i = 0; i < 50_000 && refused === 0; i++) if ((await faulted.visit()) === 503) refused++;
    assert.equal(refused, 1, 'writes fail once the disk is full');
    for (let i = 0; i < 200; i++) await faulted.visit();

    const created = await faulted.createLink();
    assertRefused(created, await created.text());

    const ready = await fetch(`${faulted.server.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.match(((await ready.json()) as { detail: string }).detail, /full/i, 'says why');

    assert.equal(faulted.lines(/failing/).length, 1, 'one line for the incident');
    assert.equal(faulted.lines(/"level":50/).length, 1, `no error line per request:\n${faulted.lines(/"level":50/).slice(0, 3).join('\n')}`);
  });

  it('recovers without a restart once space is freed, every answered redirect stored', { timeout: 60_000 }, async () => {
    rmSync(filler);
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i++) {
      status = (await fetch(`${faulted.server.url}/readyz`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(status, 200, '/readyz is ready again');
    for (let i = 0; i < 20; i++) assert.equal(await faulted.visit(), 302);
    assert.equal((await faulted.createLink()).status, 201);
    // It ends with a success a few seconds after the last failure (writes may fit now and then on a full disk).
    for (let i = 0; i < 400 && faulted.lines(/succeed again/).length === 0; i++) {
      assert.equal(await faulted.visit(), 302);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    assert.equal(faulted.lines(/succeed again/).length, 1, 'one line when it ends');
    assert.equal(faulted.lines(/failing/).length, 1, 'and still one when it began');

    assert.equal(await faulted.reportedClicks(), faulted.answered, 'answered = stored');
    assert.equal(await stopServer(faulted.server), 0);
    assertStored(database, faulted.answered);
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

// Linux refuses to remount a filesystem read-only while a process has a file open for writing
// (EBUSY), so a running server's data directory turns read-only only when the kernel does it after a
// filesystem error: ext4 mounted errors=remount-ro, the error raised through its sysfs trigger. Writes
// then fail with EROFS, reads still work, and nothing brings it back to read-write but unmounting.
const ext4 = mountExt4();
if (!ext4 && requireFaults) throw new Error('the fault suite needs to mount an ext4 image on a loop device (root)');

describe('a data directory turned read-only', { skip: ext4 ? false : 'mounting an ext4 image needs root, mkfs.ext4 and a loop device' }, () => {
  const database = ext4 ? join(ext4.mount, 'data', 'linkpulse.db') : '';
  let faulted: FaultedServer;

  before(async () => {
    mkdirSync(join(ext4!.mount, 'data'));
    faulted = await FaultedServer.start(database, 'ro');
  });
  after(async () => {
    if (faulted) await stopServer(faulted.server);
    if (ext4) spawnSync('umount', [ext4.mount]);
    if (ext4) rmSync(ext4.dir, { recursive: true, force: true });
  });

  it('answers 503 naming the read-only directory, logs it once, and never a 500', { timeout: 60_000 }, async () => {
    for (let i = 0; i < 20; i++) assert.equal(await faulted.visit(), 302);
    // What the kernel holds unwritten is lost when it aborts the filesystem, as in a power cut: not
    // this test's subject.
    execFileSync('sync', ['-f', database]);
    writeFileSync(ext4!.trigger, 'linkpulse fault test\n');

    for (let i = 0; i < 50; i++) assert.equal(await faulted.visit(), 503, 'no click stored, none answered');
    const created = await faulted.createLink();
    assertRefused(created, await created.text());

    const ready = await fetch(`${faulted.server.url}/readyz`);
    const readyBody = await ready.text();
    assertRefused(ready, readyBody);
    assert.match(readyBody, /read-only/, 'says why');

    // Reads still work, or fail as the database being unavailable: never a 500.
    for (const path of ['/api/links/ro/stats?from=2020-01-01&to=2040-01-01&interval=month', '/api/links/ro/clicks', '/api/links/ro/clicks/export', '/api/links']) {
      const res = await faulted.api(path);
      const body = await res.text();
      if (res.status !== 200) assertRefused(res, body);
    }
    // The roller and the checkpoints fail too, meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (let i = 0; i < 20; i++) assert.equal(await faulted.visit(), 503);

    assert.equal(faulted.server.child.exitCode, null, 'still running');
    const failing = faulted.lines(/failing/);
    assert.equal(failing.length, 1, 'one line for the incident');
    assert.match(failing[0] ?? '', new RegExp(`data directory ${join(ext4!.mount, 'data')} is read-only`));
    assert.equal(faulted.lines(/"level":50/).length, 1, `no error line per request:\n${faulted.lines(/"level":50/).slice(0, 3).join('\n')}`);
  });

  it('serves again once the filesystem is mounted read-write, every answered redirect stored', { timeout: 60_000 }, async () => {
    const { answered } = faulted;
    await stopServer(faulted.server);
    // An aborted ext4 comes back only through an unmount (and a check).
    execFileSync('umount', [ext4!.mount]);
    spawnSync('e2fsck', ['-fy', ext4!.image]);
    execFileSync('mount', ['-o', 'loop,errors=remount-ro', ext4!.image, ext4!.mount]);
    faulted = await FaultedServer.start(database, 'ro2');
    assert.equal((await fetch(`${faulted.server.url}/readyz`)).status, 200);
    for (let i = 0; i < 20; i++) assert.equal(await faulted.visit(), 302);
    assert.equal(await stopServer(faulted.server), 0);
    assertStored(database, answered + faulted.answered);
  });
});

/** An ext4 image mounted on a loop device, with the file that raises an error in it; undefined when that cannot be done here. */
function mountExt4(): { dir: string; image: string; mount: string; trigger: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'linkpulse-ro-'));
  const image = join(dir, 'ext4.img');
  const mountPoint = join(dir, 'mnt');
  mkdirSync(mountPoint);
  writeFileSync(image, '');
  truncateSync(image, 32 * 1024 * 1024);
  const made = spawnSync('mkfs.ext4', ['-q', '-F', image]).status === 0
    && spawnSync('mount', ['-o', 'loop,errors=remount-ro', image, mountPoint]).status === 0;
  const device = made ? spawnSync('findmnt', ['-no', 'SOURCE', mountPoint], { encoding: 'utf8' }).stdout.trim() : '';
  const trigger = `/sys/fs/ext4/${basename(device)}/trigger_fs_error`;
  if (made && device && existsSync(trigger)) return { dir, image, mount: mountPoint, trigger };
  if (made) spawnSync('umount', [mountPoint]);
  rmSync(dir, { recursive: true, force: true });
  return undefined;
}
