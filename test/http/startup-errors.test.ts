import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, describe, it } from 'node:test';
import { postgresServerUrl } from '../helpers/databases.js';
import { CLI_ARGS } from '../helpers/built-cli.js';
import { tempDir } from '../helpers/temp-dir.js';

// Generous: the point is that the process ends by itself, not how fast.
const EXIT_TIMEOUT_MS = 60_000;
const NOBODY = 65534;

/** `linkpulse serve` as users run it; resolves when it exits (or kills it: a start must not hang). */
async function serve(env: Record<string, string>, uid?: number, meanwhile?: (child: ChildProcess) => Promise<void>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [...CLI_ARGS, 'serve'], {
    env: { ...process.env, PORT: '0', LINKPULSE_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(uid !== undefined && { uid, gid: uid }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
  const exited = once(child, 'exit') as Promise<[number | null]>;
  await meanwhile?.(child);
  const [code] = await exited;
  clearTimeout(timer);
  return { code, stderr, stdout };
}

function assertStopsNaming(result: { code: number | null; stderr: string; stdout: string }, variable: string, mention?: string): void {
  assert.equal(result.code, 1, `exits 1 by itself (killed after ${EXIT_TIMEOUT_MS / 1000} s otherwise)\n${result.stderr}`);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line:\n${result.stderr}`);
  assert.ok(lines[0]?.startsWith(`linkpulse: ${variable}: `), lines[0]);
  if (mention !== undefined) assert.ok(lines[0]?.includes(mention), `${lines[0]} mentions ${mention}`);
  assert.doesNotMatch(result.stdout, /listening/);
}

// Cases of one kind start their servers at once: each start is mostly loading code.
describe('a server that cannot start says why in one line and exits', () => {
  const dir = tempDir();
  const database = { LINKPULSE_DATABASE_URL: `sqlite:${dir.path}/ok/linkpulse.db` };
  after(() => dir.cleanup());

  it('names LINKPULSE_GEOIP_DB and the path when the file is missing, not an .mmdb or a directory', async () => {
    const notMmdb = `${dir.path}/country.mmdb`;
    writeFileSync(notMmdb, 'not a MaxMind database');
    // A database each: two starts must not race to create one.
    await Promise.all([`${dir.path}/missing.mmdb`, notMmdb, dir.path].map(async (path, i) => {
      const own = { LINKPULSE_DATABASE_URL: `sqlite:${dir.path}/geo-${i}/linkpulse.db` };
      assertStopsNaming(await serve({ ...own, LINKPULSE_GEOIP_DB: path }), 'LINKPULSE_GEOIP_DB', path);
    }));
  });

  it('names LINKPULSE_DATABASE_URL and the path when the SQLite file cannot be opened', async () => {
    const file = `${dir.path}/plain-file`;
    writeFileSync(file, 'a file where a folder should be');
    const notSqlite = `${dir.path}/not-sqlite.db`;
    writeFileSync(notSqlite, 'x'.repeat(4096));
    mkdirSync(`${dir.path}/a-folder.db`);
    await Promise.all([`${file}/data/linkpulse.db`, notSqlite, `${dir.path}/a-folder.db`].map(async (path) => {
      assertStopsNaming(await serve({ LINKPULSE_DATABASE_URL: `sqlite:${path}` }), 'LINKPULSE_DATABASE_URL', path);
    }));
  });

  it('names LINKPULSE_DATABASE_URL and the path when the data folder is read-only', async () => {
    const readOnly = `${dir.path}/read-only`;
    mkdirSync(readOnly);
    chmodSync(readOnly, 0o555);
    chmodSync(dir.path, 0o755);
    // root writes anywhere: the server runs as nobody there, and the folder is another user's.
    const uid = process.getuid?.() === 0 ? NOBODY : undefined;
    if (uid === undefined) chownSync(readOnly, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
    assertStopsNaming(await serve({ LINKPULSE_DATABASE_URL: `sqlite:${readOnly}/linkpulse.db` }, uid), 'LINKPULSE_DATABASE_URL', `${readOnly}/linkpulse.db`);
  });

  it('names LINKPULSE_DATABASE_URL when PostgreSQL cannot be reached, without the password', async () => {
    const result = await serve({ LINKPULSE_DATABASE_URL: 'postgres://someone:hunter2@127.0.0.1:1/linkpulse' });
    assertStopsNaming(result, 'LINKPULSE_DATABASE_URL', '127.0.0.1:1/linkpulse');
    assert.ok(!result.stderr.includes('hunter2'));
  });

  it('names LINKPULSE_DATABASE_URL when the PostgreSQL database does not exist', { skip: postgresServerUrl === undefined && 'needs LINKPULSE_TEST_POSTGRES_URL' }, async () => {
    const url = new URL(postgresServerUrl as string);
    url.pathname = '/linkpulse_no_such_database';
    assertStopsNaming(await serve({ LINKPULSE_DATABASE_URL: url.href }), 'LINKPULSE_DATABASE_URL', 'linkpulse_no_such_database');
  });

  it('ends at once on SIGTERM while it waits for its database', async () => {
    // A "database" that takes connections and never answers: the start waits on it.
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const { port } = silent.address() as { port: number };
      const connected = once(silent, 'connection');
      const exited = serve({ LINKPULSE_DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/linkpulse` }, undefined, async (child) => {
        await connected;
        child.kill('SIGTERM');
      });
      const result = await exited;
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr.trim(), /^linkpulse: stopped by SIGTERM while starting$/);
    } finally {
      silent.close();
    }
  });

  it('names PORT when the port is taken and HOST when the address is not this machine\'s', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    try {
      const { port } = taken.address() as { port: number };
      assertStopsNaming(await serve({ ...database, PORT: String(port), HOST: '127.0.0.1' }), 'PORT', String(port));
    } finally {
      taken.close();
    }
    assertStopsNaming(await serve({ ...database, HOST: '192.0.2.1' }), 'HOST', '192.0.2.1');
  });

  it('names each variable with a bad value and says what is allowed', async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ HOST: 'not a host' }, 'HOST', 'IP address or a host name'],
      [{ PORT: '70000' }, 'PORT', '0-65535'],
      [{ LINKPULSE_LOG_LEVEL: 'loud' }, 'LINKPULSE_LOG_LEVEL', 'fatal, error, warn, info, debug, trace, silent'],
      [{ LINKPULSE_IP_STORAGE: 'some' }, 'LINKPULSE_IP_STORAGE', 'full, anonymized, none'],
      [{ LINKPULSE_ADMIN_KEY: 'has spaces in the middle' }, 'LINKPULSE_ADMIN_KEY', 'without spaces'],
      [{ LINKPULSE_BASE_URL: 'ftp://sho.rt' }, 'LINKPULSE_BASE_URL', 'http or https'],
      [{ LINKPULSE_DATABASE_URL: 'mysql://db/x' }, 'LINKPULSE_DATABASE_URL', 'sqlite:<path> or postgres://'],
      [{ LINKPULSE_TRUST_PROXY: 'everyone' }, 'LINKPULSE_TRUST_PROXY', 'loopback'],
    ];
    await Promise.all(cases.map(async ([env, variable, allowed], i) => {
      const own = { LINKPULSE_DATABASE_URL: `sqlite:${dir.path}/value-${i}/linkpulse.db` };
      assertStopsNaming(await serve({ ...own, ...env }), variable, allowed);
    }));
  });
});
