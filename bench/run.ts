// `npm run bench`: LinkPulse's redirect against a bare node:http 302 server, same load, same pinning,
// in one run; then checks that every answered redirect is a stored, enriched click.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresDatabase } from '../test/helpers/databases.js';
import { commandExists, startServer, type Started } from './lib/processes.js';
import { liveLatency } from './lib/live-latency.js';
import { rssMb } from './lib/rss.js';
import { settled } from './lib/settle.js';
import { runWrk, type WrkResult } from './lib/wrk.js';
import { buildOpenLoop, runOpenLoop, type OpenLoopResult } from './lib/openloop.js';
import { medianBy } from './lib/median.js';
import { scaleScenario, type ScaleResult } from './lib/scale.js';
import { runAutocannon, type AutocannonResult } from './lib/autocannon.js';
import { trafficArgs, writeTraffic } from './lib/traffic.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
// This VM's throughput wanders by ±15 % between runs: each figure is the median of a few rounds.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = 3;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const OPEN_LOOP_CONNECTIONS = 256;
// The tail target: realistic traffic at this fixed arrival rate, p99 ≤ 10 ms, p99.9 ≤ 25 ms, no event-loop stall over 10 ms.
const TAIL_RATE = Number(process.env.BENCH_TAIL_RATE ?? 3000);
const LINKS = 1000;
// Analytics at scale: BENCH_SCALE_CLICKS=0 skips it (seeding and rolling up 10 M clicks takes a few minutes).
const SCALE = { links: Number(process.env.BENCH_SCALE_LINKS ?? 1_000_000), clicks: Number(process.env.BENCH_SCALE_CLICKS ?? 10_000_000) };
const SERVER_CPU = 0;
const LOAD_CPU = availableParallelism() > 1 ? 1 : 0;
const ADMIN_KEY = 'bench-admin-key-0123456789abcdef';
const root = fileURLToPath(new URL('..', import.meta.url));
const script = join(root, 'bench/redirect.lua');

async function main(): Promise<void> {
  if (!commandExists('wrk')) throw new Error('wrk is needed: apt-get install -y wrk');
  if (!commandExists('cc')) throw new Error('a C compiler is needed for the open-loop generator: apt-get install -y gcc');
  execFileSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  const work = mkdtempSync(join(tmpdir(), 'linkpulse-bench-'));
  try {
    const codes = Array.from({ length: LINKS }, (_, i) => `b${String(i).padStart(4, '0')}`);
    const traffic = writeTraffic(work, codes);
    const openLoop = buildOpenLoop(work);
    const load: Load = {
      closed: (url, seconds) => runWrk({ url, seconds, connections: CONNECTIONS, cpu: LOAD_CPU, script, scriptArgs: trafficArgs(traffic) }),
      open: (url, rate) => runOpenLoop(openLoop, { url, rate, seconds: SECONDS, connections: OPEN_LOOP_CONNECTIONS, cpu: LOAD_CPU, traffic }),
      autocannon: (url) => runAutocannon({ url, seconds: SECONDS, connections: CONNECTIONS, cpu: LOAD_CPU, traffic }),
      fixedRate: 0,
      bareUrl: '',
    };

    // The bare server stays up (idle) beside each LinkPulse server: every LinkPulse round is paired
    // with a bare round just before it, so the ratio holds even when the VM's speed drifts.
    const bare = await startServer(SERVER_CPU, process.execPath, [join(root, 'bench/bare-server.mjs')], {});
    let bareResult: WrkResult;
    let bareOpen: OpenLoopResult;
    let plain: PairedResult;
    let plainCached: PairedResult;
    let sqlite: ScenarioResult;
    let postgres: ScenarioResult | undefined;
    try {
      await load.closed(bare.url, WARMUP_SECONDS);
      bareResult = median(await rounds(() => load.closed(bare.url, SECONDS)));
      // The issue's fixed arrival rate: half of what the bare server answers closed-loop.
      load.fixedRate = Math.round(bareResult.rps / 2);
      bareOpen = await load.open(bare.url, load.fixedRate);
      load.bareUrl = bare.url;

      plain = await plainReference(join(work, 'plain.db'), traffic.codes, load, false);
      plainCached = await plainReference(join(work, 'plain-cached.db'), traffic.codes, load, true);

      sqlite = await scenario('sqlite', `sqlite:${join(work, 'bench.db')}`, codes, load);
      const postgresServer = process.env.BENCH_POSTGRES_URL ?? process.env.LINKPULSE_TEST_POSTGRES_URL;
      postgres = postgresServer ? await withPostgresDatabase(postgresServer, (url) => scenario('postgres', url, codes, load)) : undefined;
    } finally {
      await bare.stop();
    }

    const scale = SCALE.clicks > 0
      ? await scaleScenario(work, SCALE, (url) => startServer(SERVER_CPU, process.execPath, [join(root, 'dist/cli/bin.js'), 'serve'], {
        PORT: '0', LINKPULSE_DATABASE_URL: url, LINKPULSE_ADMIN_KEY: ADMIN_KEY, LINKPULSE_LOG_LEVEL: 'info', // the URL is read from the log
      }), ADMIN_KEY)
      : undefined;

    const ratio = (r: ScenarioResult) => r.pairedRatio;
    const results = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
      settings: { seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS, links: LINKS, pinned: { server: SERVER_CPU, load: LOAD_CPU } },
      bare: { ...bareResult, openLoop: bareOpen },
      plain,
      plainCachedAgents: plainCached,
      sqlite: { ...sqlite, ratio: ratio(sqlite), ratioToLeastStoring: ratio(sqlite) / plainCached.pairedRatio },
      ...(postgres && { postgres: { ...postgres, ratio: ratio(postgres), ratioToLeastStoringOnSqlite: ratio(postgres) / plainCached.pairedRatio } }),
      ...(scale && { scale }),
    };
    writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    printTable(bareResult, bareOpen, { plain, plainCached }, [sqlite, ...(postgres ? [postgres] : [])], ratio);
    if (scale) printScale(scale);
    if (!postgres) process.stdout.write('(PostgreSQL not measured: set BENCH_POSTGRES_URL=postgres://… to include it)\n');
    if (sqlite.noLoss.lost > 0 || (postgres?.noLoss.lost ?? 0) > 0) process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface Load {
  closed(url: string, seconds: number): Promise<WrkResult>;
  open(url: string, rate: number): Promise<OpenLoopResult>;
  /** A second load generator, closed loop too: autocannon (Node.js). */
  autocannon(url: string): Promise<AutocannonResult>;
  fixedRate: number;
  /** The bare server, for the round paired with each LinkPulse round. */
  bareUrl: string;
}

interface PairedResult {
  redirect: WrkResult;
  /** Each round: bare req/s just before, this server's req/s, their ratio. */
  pairs: { bare: number; server: number; ratio: number }[];
  /** The median of the pairs' ratios: the redirect ratio. */
  pairedRatio: number;
  /** One round under autocannon, against a bare round under autocannon just before it. */
  underAutocannon: AutocannonPair;
}

interface AutocannonPair {
  bare: number;
  server: number;
  ratio: number;
  /** Redirects the server answered in its round (they count towards the no-loss check). */
  answered: number;
}

interface ScenarioResult extends PairedResult {
  database: 'sqlite' | 'postgres';
  /** At the fixed rate (half the bare server's), and at half of this server's own closed-loop rate. */
  openLoop: { atFixedRate: OpenLoopResult; atHalfOwn: OpenLoopResult };
  /** At TAIL_RATE, with the longest event-loop stall the server saw meanwhile (monitorEventLoopDelay). */
  tail: OpenLoopResult & { eventLoopMaxMs: number };
  noLoss: LossCheck;
  /** Live latency once the server has caught up with the load, and right after the overload (its roller catching up). */
  live: Awaited<ReturnType<typeof liveLatency>>;
  liveAfterOverload: Awaited<ReturnType<typeof liveLatency>>;
  rssMbAfterLoad: number;
}

/** One LinkPulse server on one database: throughput under the bench load, no loss, live latency, memory. */
async function scenario(database: 'sqlite' | 'postgres', url: string, codes: string[], load: Load): Promise<ScenarioResult> {
  const lp = await startServer(SERVER_CPU, process.execPath, [join(root, 'dist/cli/bin.js'), 'serve'], {
    PORT: '0',
    LINKPULSE_DATABASE_URL: url,
    LINKPULSE_ADMIN_KEY: ADMIN_KEY,
    LINKPULSE_TRUST_PROXY: 'loopback',
    LINKPULSE_LOG_LEVEL: 'info',
  });
  try {
    await seedLinks(lp, codes);
    const warmup = await load.closed(lp.url, WARMUP_SECONDS);
    const { redirect, pairs, pairedRatio, measured } = await pairedRounds(lp, load);
    const underAutocannon = await autocannonPair(lp, load);
    await settled(lp.child.pid);
    const tail = await withEventLoopMax(lp, () => load.open(lp.url, TAIL_RATE));
    // Half its own maximum first: the fixed rate may overload it, and the backlog would weigh on what follows.
    const atHalfOwn = await load.open(lp.url, redirect.rps / 2);
    const openLoop = { atHalfOwn, atFixedRate: await load.open(lp.url, load.fixedRate) };
    const answered = [warmup, ...measured].reduce((sum, r) => sum + r.requests - r.failures, 0)
      + underAutocannon.answered + openLoop.atFixedRate.answered + openLoop.atHalfOwn.answered + tail.answered;
    const noLoss = await checkNoLoss(lp, codes, answered);
    const rssMbAfterLoad = rssMb(lp.child.pid);
    const liveAfterOverload = await liveLatency(lp.url, ADMIN_KEY, codes[0] as string, 1000, 200);
    await settled(lp.child.pid);
    const live = await liveLatency(lp.url, ADMIN_KEY, codes[0] as string, 1000, 200);
    return { database, redirect, pairs, pairedRatio, underAutocannon, openLoop, tail, noLoss, live, liveAfterOverload, rssMbAfterLoad };
  } finally {
    await lp.stop();
  }
}

/**
 * Runs `run` and answers its result with the longest event-loop delay the server measured meanwhile
 * (prom-client's monitorEventLoopDelay gauge, reset at each scrape: one scrape before, one after).
 */
async function withEventLoopMax<T>(server: Started, run: () => Promise<T>): Promise<T & { eventLoopMaxMs: number }> {
  const scrape = async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return Number(/^linkpulse_nodejs_eventloop_lag_max_seconds (\S+)$/m.exec(text)?.[1] ?? NaN) * 1000;
  };
  await scrape();
  const result = await run();
  return { ...result, eventLoopMaxMs: Number((await scrape()).toFixed(1)) };
}

/** Rounds of a server under the closed-loop load, each paired with a bare round just before it. */
async function pairedRounds(server: Started, load: Load): Promise<Omit<PairedResult, 'underAutocannon'> & { measured: WrkResult[] }> {
  const measured: WrkResult[] = [];
  const pairs: PairedResult['pairs'] = [];
  for (let i = 0; i < ROUNDS; i++) {
    await settled(server.child.pid); // its background work (LinkPulse's roller) must not run during the bare round
    const bareRound = await load.closed(load.bareUrl, SECONDS);
    const round = await load.closed(server.url, SECONDS);
    measured.push(round);
    pairs.push({ bare: Math.round(bareRound.rps), server: Math.round(round.rps), ratio: Number((round.rps / bareRound.rps).toFixed(3)) });
  }
  return { redirect: median(measured), pairs, pairedRatio: medianBy(pairs, (p) => p.ratio)?.ratio ?? 0, measured };
}

/**
 * The issue's yardstick for the ratio: a plain server with group commit and uncached enrichment; with
 * `cacheAgents`, its user agents' parses cached (the least a server that enriches and stores can do).
 */
async function plainReference(database: string, codesFile: string, load: Load, cacheAgents: boolean): Promise<PairedResult> {
  const plain = await startServer(SERVER_CPU, process.execPath, [join(root, 'bench/plain-server.mjs')], {
    PLAIN_DB: database, PLAIN_CODES: codesFile, ...(cacheAgents && { PLAIN_CACHE_AGENTS: '1' }),
  });
  try {
    await load.closed(plain.url, WARMUP_SECONDS);
    const { redirect, pairs, pairedRatio } = await pairedRounds(plain, load);
    return { redirect, pairs, pairedRatio, underAutocannon: await autocannonPair(plain, load) };
  } finally {
    await plain.stop();
  }
}

/**
 * The ratio again with autocannon as the load. It saturates well below the bare server's maximum, so
 * the bare figure it gives is its own limit and every ratio against it looks better than it is.
 */
async function autocannonPair(server: Started, load: Load): Promise<AutocannonPair> {
  await settled(server.child.pid);
  const bare = await load.autocannon(load.bareUrl);
  const round = await load.autocannon(server.url);
  return { bare: Math.round(bare.rps), server: Math.round(round.rps), ratio: Number((round.rps / bare.rps).toFixed(3)), answered: round.answered };
}

async function rounds(run: () => Promise<WrkResult>): Promise<WrkResult[]> {
  const results: WrkResult[] = [];
  for (let i = 0; i < ROUNDS; i++) results.push(await run());
  return results;
}

/** The round with the median throughput (its latencies come with it). */
function median(results: WrkResult[]): WrkResult {
  return medianBy(results, (r) => r.rps) as WrkResult;
}

async function withPostgresDatabase<T>(serverUrl: string, run: (url: string) => Promise<T>): Promise<T> {
  const database = await createPostgresDatabase(serverUrl, 'linkpulse_bench');
  try {
    return await run(database.url);
  } finally {
    await database.drop();
  }
}

async function api(server: Started, path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', ...init.headers },
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function seedLinks(server: Started, codes: string[]): Promise<void> {
  for (let i = 0; i < codes.length; i += 50) {
    await Promise.all(codes.slice(i, i + 50).map((code) =>
      api(server, '/api/links', { method: 'POST', body: JSON.stringify({ url: `https://example.com/landing/${code}?src=bench`, code }) })));
  }
}

interface LossCheck {
  answered: number;
  stored: number;
  lost: number;
  enrichedShare: number;
  withCountryShare: number;
}

/** Every redirect wrk saw answered must be a stored click; wrk may abandon a few in flight at its end (stored, unseen). */
async function checkNoLoss(server: Started, codes: string[], answered: number): Promise<LossCheck> {
  const stats = (await api(server, '/api/stats?from=2020-01-01&to=2040-01-01&interval=month')) as { totals: { clicks: number } };
  const sample: { browser: string | null; os: string | null; country: string | null; visitorId: string }[] = [];
  for (const code of codes.slice(0, 10)) {
    const page = (await api(server, `/api/links/${code}/clicks?limit=100`)) as { items: typeof sample };
    sample.push(...page.items);
  }
  const share = (test: (c: (typeof sample)[number]) => boolean) => (sample.length === 0 ? 0 : sample.filter(test).length / sample.length);
  return {
    answered,
    stored: stats.totals.clicks,
    lost: Math.max(0, answered - stats.totals.clicks),
    enrichedShare: Number(share((c) => c.browser !== null && c.os !== null && c.visitorId !== '').toFixed(3)),
    withCountryShare: Number(share((c) => c.country !== null).toFixed(3)),
  };
}

function printTable(bare: WrkResult, bareOpen: OpenLoopResult, { plain, plainCached }: { plain: PairedResult; plainCached: PairedResult }, scenarios: ScenarioResult[], ratio: (r: ScenarioResult) => number): void {
  const row = (name: string, r: WrkResult) =>
    `${name.padEnd(30)} ${r.rps.toFixed(0).padStart(9)} ${r.p50Ms.toFixed(2).padStart(9)} ${r.p99Ms.toFixed(2).padStart(9)} ${String(r.failures + r.socketErrors).padStart(7)}`;
  const open = (name: string, r: OpenLoopResult) =>
    `${name.padEnd(44)} ${r.rate.toFixed(0).padStart(7)} ${r.achievedRps.toFixed(0).padStart(9)} ${r.p50Ms.toFixed(2).padStart(9)} ${r.p99Ms.toFixed(2).padStart(9)} ${String(r.errors + r.unanswered).padStart(9)}`;
  const lines = [
    `${'redirect (closed loop)'.padEnd(30)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'errors'.padStart(7)}`,
    row('bare node:http 302', bare),
    row('plain: commit, uncached UA', plain.redirect),
    row('plain: commit, cached UA', plainCached.redirect),
    ...scenarios.map((s) => row(`LinkPulse on ${s.database}`, s.redirect)),
    '',
    `${'redirect (open loop, fixed arrival rate)'.padEnd(44)} ${'rate'.padStart(7)} ${'answered/s'.padStart(9)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'late/err'.padStart(9)}`,
    open('bare node:http 302, half its max', bareOpen),
    ...scenarios.flatMap((s) => [
      open(`LinkPulse on ${s.database}, ${TAIL_RATE}/s (tail target)`, s.tail),
      open(`LinkPulse on ${s.database}, same rate`, s.openLoop.atFixedRate),
      open(`LinkPulse on ${s.database}, half its own max`, s.openLoop.atHalfOwn),
    ]),
    '',
    `plain reference (node:http, group commit, uncached enrichment, no index, no rollups): ratio ${plain.pairedRatio.toFixed(3)} `
      + `(${plain.pairs.map((p) => `${p.server}/${p.bare}`).join(', ')})`,
    `plain with its user agents' parses cached (the least a server that enriches and stores every click can do): `
      + `ratio ${plainCached.pairedRatio.toFixed(3)} (${plainCached.pairs.map((p) => `${p.server}/${p.bare}`).join(', ')})`,
    `under autocannon (one round each, against a bare round under autocannon; autocannon, not the bare server, sets the bare figure): `
      + [['plain', plain.underAutocannon] as const, ['plain, cached UA', plainCached.underAutocannon] as const, ...scenarios.map((s) => [s.database, s.underAutocannon] as const)]
        .map(([name, p]) => `${name} ${p.ratio.toFixed(3)} (${p.server}/${p.bare})`).join(', '),
    ...scenarios.flatMap((s) => [
      `${s.database}: ratio to bare ${ratio(s).toFixed(3)} (median of the rounds' ratios, `
        + `each against a bare round just before it: ${s.pairs.map((p) => `${p.server}/${p.bare}`).join(', ')}); `
        + `to the least storing server (plain, cached UA, on SQLite) ${(ratio(s) / plainCached.pairedRatio).toFixed(3)} (target ${s.database === 'sqlite' ? '0.85' : '0.70 of that server storing in PostgreSQL, not measured here'})`,
      `${s.database}: at ${TAIL_RATE}/s p99 ${s.tail.p99Ms.toFixed(2)} ms (target 10), p99.9 ${s.tail.p999Ms.toFixed(2)} ms (target 25), `
        + `longest event-loop stall ${s.tail.eventLoopMaxMs} ms (target 10)`,
      `${s.database}: `
        + `no loss: ${s.noLoss.answered} answered, ${s.noLoss.stored} stored, ${s.noLoss.lost} lost; `
        + `enriched ${(s.noLoss.enrichedShare * 100).toFixed(1)}%, with country ${(s.noLoss.withCountryShare * 100).toFixed(1)}%`,
      `${s.database}: live click → SSE event p50 ${s.live.p50Ms} ms, p99 ${s.live.p99Ms} ms (${s.live.samples} events at 200/s, settled); `
        + `right after the overload p50 ${s.liveAfterOverload.p50Ms} ms, p99 ${s.liveAfterOverload.p99Ms} ms; RSS after load ${s.rssMbAfterLoad} MB`,
    ]),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

function printScale(scale: ScaleResult): void {
  const { seed } = scale;
  const lines = [
    `analytics at scale (SQLite): ${seed.links} links, ${seed.clicks} clicks on one link over 30 days and ${seed.spikeClicks} more in the current hour; `
      + `seeded in ${seed.seedSeconds} s, rolled up by the roller in ${seed.rollupSeconds} s (${Math.round(seed.clicks / seed.rollupSeconds)} clicks/s)`,
    ...Object.entries(scale.p50Ms).map(([name, ms]) => `  ${name.padEnd(40)} p50 ${ms.toFixed(1).padStart(8)} ms`),
    `  CSV export: ${scale.export.rows} rows in ${scale.export.seconds} s = ${scale.export.rowsPerSecond} rows/s; server RSS max ${scale.export.maxRssMb} MB during export`,
    `  NDJSON export: ${scale.ndjsonExport.rows} rows in ${scale.ndjsonExport.seconds} s = ${scale.ndjsonExport.rowsPerSecond} rows/s; server RSS max ${scale.ndjsonExport.maxRssMb} MB during export`,
    `  server RSS: at most ${scale.rssMb.maxWhileQuerying} MB while answering the reports above, ${scale.rssMb.settled} MB 30 s after the export`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
}

await main();
