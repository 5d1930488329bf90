// The filtered target's yardstick: the least an exact filtered report costs in an embedded columnar
// engine (DuckDB, one thread, as the target's one core) over the bench's 10 M clicks of one link. One
// GROUPING SETS pass answers a whole report — totals, the hourly series and every breakdown — with
// unique visitors exact, approximate (HyperLogLog) or not counted. If this misses 300 ms, no engine
// that reads the matching clicks meets it. BENCH_SCALE_CLICKS (10 M), BENCH_DUCKDB_MEMORY (1GB).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { medianBy } from './lib/median.js';
import { BROWSERS, COUNTRIES, DEVICES, HOSTS, LANGUAGES, OSES, UTM_CAMPAIGNS, UTM_SOURCES } from './lib/seed.js';

const CLICKS = Number(process.env.BENCH_SCALE_CLICKS ?? 10_000_000);
const MEMORY = process.env.BENCH_DUCKDB_MEMORY ?? '1GB';
const RUNS = 3;
const DAY_MS = 86_400_000;
// The bench's filtered reports (bench/lib/scale.ts), as SQL.
const FILTERS: Record<string, string> = {
  'country=DE': `country = 'DE'`,
  'country=DE,FR & device=mobile': `country in ('DE', 'FR') and device = 'mobile'`,
  'utmCampaign=spring & bots=exclude': `utm_campaign = 'spring' and not bot`,
};
const BREAKDOWNS = ['country', 'region', 'city', 'device', 'browser', 'os', 'referrer_host', 'language',
  'utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content', 'target'];
const VISITORS: Record<string, string> = { none: '0', approximate: 'approx_count_distinct(visitor_id)', exact: 'count(distinct visitor_id)' };

/** One of `values`, drawn by the hash of the row number and a salt: as the seed's equally likely picks. */
const pick = (values: readonly (string | null)[], salt: number) =>
  `[${values.map((v) => (v === null ? 'null' : `'${v}'`)).join(', ')}][1 + (hash(i, ${salt}) % ${values.length})::int]`;

const dir = mkdtempSync(join(tmpdir(), 'linkpulse-duckdb-'));
try {
  const instance = await DuckDBInstance.create(join(dir, 'clicks.duckdb'), { threads: '1', memory_limit: MEMORY });
  const db = await instance.connect();
  const to = Date.now();
  const from = to - 30 * DAY_MS;
  const seeding = performance.now();
  await db.run(`create table clicks as select *, device = 'bot' as bot from (select
      ${from} + i * ${(30 * DAY_MS) / CLICKS} :: bigint as "at",
      ${pick(DEVICES, 1)} as device, ${pick(COUNTRIES, 2)} as country, null::varchar as region, null::varchar as city,
      ${pick(BROWSERS, 3)} as browser, ${pick(OSES, 4)} as os, ${pick(HOSTS, 5)} as referrer_host, ${pick(LANGUAGES, 6)} as language,
      ${pick(UTM_SOURCES, 7)} as utm_source, null::varchar as utm_medium, ${pick(UTM_CAMPAIGNS, 8)} as utm_campaign,
      null::varchar as utm_term, null::varchar as utm_content, 'https://example.com/big' as target,
      ((${from} + i * ${(30 * DAY_MS) / CLICKS})::bigint // ${DAY_MS}) || '-' || (hash(i, 9) % 300000) as visitor_id
    from range(${CLICKS}) t(i))`);
  console.log(JSON.stringify({ clicks: CLICKS, seedSeconds: Number(((performance.now() - seeding) / 1000).toFixed(1)), threads: 1, memoryLimit: MEMORY }));

  for (const [name, where] of Object.entries(FILTERS)) {
    for (const [visitors, expression] of Object.entries(VISITORS)) {
      const report = `select count(*) as clicks, ${expression} as visitors from (select *, floor("at" / 3600000) as hour from clicks where ${where})
        group by grouping sets ((), (hour), ${BREAKDOWNS.map((b) => `(${b})`).join(', ')})`;
      const times: number[] = [];
      let groups = 0;
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        groups = (await db.runAndReadAll(report)).getRows().length;
        times.push(performance.now() - started);
      }
      console.log(JSON.stringify({
        filter: name, uniqueVisitors: visitors, p50Ms: Math.round(medianBy(times, (t) => t) ?? Number.NaN), groups, rssMb: Math.round(process.memoryUsage().rss / 1048576),
      }));
    }
  }
  db.closeSync();
  instance.closeSync();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
