// The tail target alone, in a minute: realistic traffic over 1,000 links at a fixed arrival rate, the
// server on CPU 0 and the open-loop generator on CPU 1, with or without a webhook taking every click.
// BENCH_TAIL_RATE (3000), BENCH_TAIL_SECONDS (30), BENCH_POSTGRES_URL (else SQLite).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresDatabase } from '../test/helpers/databases.js';
import { startServer, type Started } from './lib/processes.js';
import { buildOpenLoop, runOpenLoop } from './lib/openloop.js';
import { writeTraffic } from './lib/traffic.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const KEY = 'bench-admin-key-0123456789';
const RATE = Number(process.env.BENCH_TAIL_RATE ?? 3000);
const SECONDS = Number(process.env.BENCH_TAIL_SECONDS ?? 30);
const dir = mkdtempSync(join(tmpdir(), 'linkpulse-tail-'));
const codes = Array.from({ length: 1000 }, (_, i) => `b${String(i).padStart(4, '0')}`);
const traffic = writeTraffic(dir, codes);
const openLoop = buildOpenLoop(dir);

async function run(database: string, webhook: boolean) {
  const lp = await startServer(0, process.execPath, [join(root, 'dist/cli/bin.js'), 'serve'], {
    PORT: '0', LINKPULSE_DATABASE_URL: database, LINKPULSE_ADMIN_KEY: KEY, LINKPULSE_TRUST_PROXY: 'loopback', LINKPULSE_LOG_LEVEL: 'info',
  });
  let receiver: Started | undefined;
  try {
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${lp.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    };
    for (let i = 0; i < codes.length; i += 500) await post('/api/links/bulk', { links: codes.slice(i, i + 500).map((code) => ({ url: `https://example.com/${code}`, code })) });
    if (webhook) {
      receiver = await startServer(1, process.execPath, [join(root, 'bench/webhook-receiver.mjs')], {});
      await post('/api/webhooks', { url: receiver.url, events: ['clicks.recorded'] });
    }
    const metrics = async () => {
      const text = await (await fetch(`${lp.url}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
      return { lagMaxMs: value('linkpulse_nodejs_eventloop_lag_max_seconds') * 1000, cpuSeconds: value('linkpulse_process_cpu_seconds_total') };
    };
    const load = (seconds: number) => runOpenLoop(openLoop, { url: lp.url, rate: RATE, seconds, connections: 64, cpu: 1, traffic });
    await load(10); // warm-up
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const before = await metrics();
    const result = await load(SECONDS);
    const after = await metrics();
    return {
      webhook, p50Ms: result.p50Ms, p99Ms: result.p99Ms, p999Ms: result.p999Ms, answered: result.answered, errors: result.errors,
      eventLoopMaxMs: Number(after.lagMaxMs.toFixed(1)), serverCpuPerRedirectUs: Math.round(((after.cpuSeconds - before.cpuSeconds) / result.answered) * 1e6),
    };
  } finally {
    await receiver?.stop();
    await lp.stop();
  }
}

try {
  for (const webhook of [false, true]) {
    // A fresh database each: the second run must not start with the first one's clicks.
    const postgres = process.env.BENCH_POSTGRES_URL ? await createPostgresDatabase(process.env.BENCH_POSTGRES_URL, 'linkpulse_tail') : undefined;
    try {
      console.log(JSON.stringify({ database: postgres ? 'postgres' : 'sqlite', ...await run(postgres?.url ?? `sqlite:${join(dir, `tail-${webhook}.db`)}`, webhook) }));
    } finally {
      await postgres?.drop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
