import { join } from 'node:path';
import { medianBy } from './median.js';
import { rssMb } from './rss.js';
import { seedScale, type SeedResult } from './seed.js';
import type { Started } from './processes.js';
import type { ExportFormat } from '../../src/core/clicks/click-store.js';

const DAY_MS = 86_400_000;
const SAMPLES = 15;
// Filtered reports read the matching raw clicks: seconds each at 10 M clicks, so fewer samples.
const FILTERED_SAMPLES = 3;
const SETTLE_MS = 30_000;

interface ExportResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  maxRssMb: number;
}

export interface ScaleResult {
  readonly seed: SeedResult;
  /** Median of sequential requests, milliseconds. */
  readonly p50Ms: Record<string, number>;
  readonly export: ExportResult;
  readonly ndjsonExport: ExportResult;
  /** Server RSS: the most while answering the questions above, and once idle for a while after. */
  readonly rssMb: { maxWhileQuerying: number; settled: number };
}

/**
 * Analytics at scale: a link with `clicks` clicks over 30 days among `links` links (seeded straight
 * into SQLite, then rolled up by the real roller), read through the real server over HTTP.
 */
export async function scaleScenario(
  work: string,
  sizes: { links: number; clicks: number },
  start: (databaseUrl: string) => Promise<Started>,
  adminKey: string,
): Promise<ScaleResult> {
  const path = join(work, 'scale.db');
  const to = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const seed = await seedScale(path, sizes.links, sizes.clicks, to);
  const server = await start(`sqlite:${path}`);
  try {
    const get = async (url: string) => {
      const started = performance.now();
      const res = await fetch(`${server.url}${url}`, { headers: { authorization: `Bearer ${adminKey}` } });
      if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
      return performance.now() - started;
    };
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const endingNow = (days: number) => `from=${new Date(Date.now() - days * DAY_MS).toISOString()}`;
    const urls: Record<string, string> = {
      'spike: stats 24 h to now': `/api/links/big/stats?${endingNow(1)}`,
      'spike: stats 7 d to now': `/api/links/big/stats?${endingNow(7)}`,
      'spike: stats 30 d to now': `/api/links/big/stats?${endingNow(30)}`,
      'spike: all links 24 h to now': `/api/stats?${endingNow(1)}`,
      'filtered: country=DE': '/api/links/big/stats?country=DE',
      'filtered: country=DE,FR & device=mobile': '/api/links/big/stats?country=DE,FR&device=mobile',
      'filtered: utmCampaign=spring & bots=exclude': '/api/links/big/stats?utmCampaign=spring&bots=exclude',
      'filtered: all links, referrerHost=(none)': '/api/stats?referrerHost=(none)',
      'stats 30 d hourly (UTC days)': `/api/links/big/stats?from=${day(seed.from)}&to=${day(seed.to)}&interval=hour`,
      'stats default (last 30 d, cut hours)': '/api/links/big/stats',
      'stats 30 d daily, Europe/Berlin': `/api/links/big/stats?from=${day(seed.from)}&to=${day(seed.to)}&interval=day&tz=Europe/Berlin`,
      'stats all links 30 d hourly': `/api/stats?from=${day(seed.from)}&to=${day(seed.to)}&interval=hour`,
      'clicks first page': '/api/links/big/clicks?limit=50',
      'links first page': '/api/links?limit=50',
    };
    const p50Ms: Record<string, number> = {};
    let maxWhileQuerying = rssMb(server.child.pid);
    const sampler = setInterval(() => (maxWhileQuerying = Math.max(maxWhileQuerying, rssMb(server.child.pid))), 50);
    for (const [name, url] of Object.entries(urls)) {
      const filtered = name.startsWith('filtered');
      if (!filtered) await get(url); // warm
      const times: number[] = [];
      for (let i = 0; i < (filtered ? FILTERED_SAMPLES : SAMPLES); i++) times.push(await get(url));
      p50Ms[name] = Number((medianBy(times, (t) => t) ?? NaN).toFixed(1));
    }
    clearInterval(sampler);
    const exported = await exportRate(server, adminKey, seed, 'csv');
    const ndjsonExport = await exportRate(server, adminKey, seed, 'ndjson');
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS)); // V8 gives back heap it no longer needs
    return { seed, p50Ms, export: exported, ndjsonExport, rssMb: { maxWhileQuerying, settled: rssMb(server.child.pid) } };
  } finally {
    await server.stop();
  }
}

/** Streams the export of the last clicks (about a million of them), sampling the server's memory. */
async function exportRate(server: Started, adminKey: string, seed: SeedResult, format: ExportFormat): Promise<ExportResult> {
  const from = seed.to - Math.round(((seed.to - seed.from) * Math.min(1_000_000, seed.clicks)) / seed.clicks);
  let maxRssMb = rssMb(server.child.pid);
  const sampler = setInterval(() => (maxRssMb = Math.max(maxRssMb, rssMb(server.child.pid))), 100);
  const started = performance.now();
  try {
    const res = await fetch(`${server.url}/api/links/big/clicks/export?format=${format}&from=${new Date(from).toISOString()}&to=${new Date(seed.to).toISOString()}`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    if (!res.ok || !res.body) throw new Error(`export: ${res.status}`);
    let lines = 0;
    for await (const chunk of res.body) {
      const bytes = Buffer.from(chunk as Uint8Array);
      for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) lines++;
    }
    const seconds = (performance.now() - started) / 1000;
    const rows = format === 'csv' ? lines - 1 : lines; // CSV's header
    return { rows, seconds: Number(seconds.toFixed(2)), rowsPerSecond: Math.round(rows / seconds), maxRssMb };
  } finally {
    clearInterval(sampler);
  }
}

