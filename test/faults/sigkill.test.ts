import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { spawnServer, stopServer, type SpawnedServer } from '../helpers/spawned-server.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { tempDir } from '../helpers/temp-dir.js';
import { ADMIN_KEY } from '../helpers/test-server.js';

// kill -9 at many moments under load, on each database, one database across all rounds: every
// redirect answered in any round is a stored click, the link's count and its report agree with the
// stored clicks, and SQLite's file passes integrity_check.

const ROUNDS = Number(process.env.LINKPULSE_FAULT_ROUNDS ?? 20);
const WORKERS = 16;
const LOAD_TIMEOUT_MS = 60_000;
const auth = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };

describe('kill -9 at random moments under load', () => {
  for (const kind of DATABASE_KINDS) {
    it(`loses no answered click over ${ROUNDS} kills, on ${kind.name}`, { skip: kind.skip, timeout: 600_000 }, async (t) => {
      const dir = tempDir();
      const database = kind.name === 'sqlite' ? { url: `sqlite:${dir.path}/linkpulse.db`, drop: async () => {} } : await kind.create();
      const env = { LINKPULSE_DATABASE_URL: database.url, LINKPULSE_ADMIN_KEY: ADMIN_KEY };
      const seed = Number(process.env.LINKPULSE_FAULT_SEED ?? Date.now() % 1_000_000);
      const random = mulberry32(seed);
      t.diagnostic(`seed ${seed} (LINKPULSE_FAULT_SEED repeats it)`);
      const answered = new Set<string>();
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const server = await spawnServer(env);
          if (round === 0) {
            const created = await fetch(`${server.url}/api/links`, { method: 'POST', headers: auth, body: JSON.stringify({ url: 'https://example.com/', code: 'kill' }) });
            assert.equal(created.status, 201);
          }
          // A moment: after 1 to 400 answered redirects of this round, and 0 to 250 ms more.
          const target = 1 + Math.floor(random() * 400);
          const extraMs = Math.floor(random() * 250);
          const answeredNow = await loadUntilKilled(server, round, target, extraMs);
          for (const ua of answeredNow) answered.add(ua);
        }
        const server = await spawnServer(env);
        try {
          const exported = await fetch(`${server.url}/api/links/kill/clicks/export?format=ndjson`, { headers: auth });
          const stored = new Set((await exported.text()).trim().split('\n').map((line) => (JSON.parse(line) as { userAgent: string }).userAgent));
          const lost = [...answered].filter((ua) => !stored.has(ua));
          assert.deepEqual(lost, [], `${lost.length} of ${answered.size} answered clicks were lost`);
          t.diagnostic(`${answered.size} answered, ${stored.size} stored over ${ROUNDS} kills`);
          const link = (await (await fetch(`${server.url}/api/links/kill`, { headers: auth })).json()) as { clicks: number };
          assert.equal(link.clicks, stored.size, 'the link count agrees with the stored clicks');
          const stats = (await (await fetch(`${server.url}/api/links/kill/stats?from=2020-01-01&to=2040-01-01&interval=month`, { headers: auth })).json()) as { totals: { clicks: number } };
          assert.equal(stats.totals.clicks, stored.size, 'the report agrees with the stored clicks');
        } finally {
          await stopServer(server);
        }
        if (kind.name === 'sqlite') {
          const db = new Database(`${dir.path}/linkpulse.db`, { readonly: true });
          try {
            assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
          } finally {
            db.close();
          }
        }
      } finally {
        await database.drop();
        dir.cleanup();
      }
    });
  }
});

/** Sends redirects from many workers until `target` were answered and `extraMs` more passed, then kill -9; answers the user agents answered. */
async function loadUntilKilled(server: SpawnedServer, round: number, target: number, extraMs: number): Promise<string[]> {
  const answered: string[] = [];
  let sent = 0;
  let stop = false;
  const worker = async () => {
    while (!stop) {
      const ua = `kill/${round}/${sent++}`;
      try {
        const res = await fetch(`${server.url}/kill`, { redirect: 'manual', headers: { 'user-agent': ua } });
        await res.arrayBuffer();
        if (res.status === 302) answered.push(ua);
      } catch {
        return; // the server is gone: this request was never answered
      }
    }
  };
  const load = Promise.all(Array.from({ length: WORKERS }, worker));
  const deadline = Date.now() + LOAD_TIMEOUT_MS;
  while (answered.length < target && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(answered.length >= target, `only ${answered.length} of ${target} redirects were answered in ${LOAD_TIMEOUT_MS / 1000} s`);
  await new Promise((resolve) => setTimeout(resolve, extraMs));
  await stopServer(server, 'SIGKILL');
  stop = true;
  await load;
  return answered;
}

/** A small seeded generator, so a failing run can be repeated. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
