import { sql, type Kysely, type RawBuilder } from 'kysely';
import { byClicks, DIMENSIONS, type Dimension, type KeyCount } from '../../core/analytics/analytics-store.js';
import type { ClickScan, ScanQuestion, ScanReport } from '../../core/analytics/click-scan.js';
import type { Span } from '../../core/analytics/rollup-store.js';
import type { Database, SqlDialect } from '../schema.js';
import { DIMENSION_COLUMNS } from './click-columns.js';
import { filterCondition } from './click-filter-sql.js';
import { readWatermark } from './click-links.js';

// More than any deployment registers.
const ALL_DOMAINS = 100_000;

const BASE_COLUMNS = ['link_id', 'at', 'bot', 'visitor_id', ...Object.values(DIMENSION_COLUMNS)];

interface ScanRow {
  d: string;
  k: string | null;
  n: number | string;
  v: number | string;
  b: number | string | null;
}

/** Reports from the raw clicks, grouped by the database: one statement over one snapshot. */
export class SqlClickScan implements ClickScan {
  constructor(
    private readonly kind: SqlDialect,
    /** Where reports read (SQLite: the read worker). */
    private readonly reads: Kysely<Database>,
  ) {}

  async report(q: ScanQuestion): Promise<ScanReport> {
    const transaction = this.kind === 'postgres' ? this.reads.transaction().setIsolationLevel('repeatable read') : this.reads.transaction();
    const rows = await transaction.execute(async (trx) => {
      const base = q.orphans !== undefined ? orphanVisits(q, q.orphans.types)
        : q.linkId === undefined ? allClicks(q) : linkClicks(q, q.linkId, await readWatermark(trx));
      const count = sql`count(*) as n, count(distinct visitor_id) as v`;
      const top = (name: string, key: RawBuilder<unknown>, from: RawBuilder<unknown> = sql`b`, limit = q.limit) => sql`select * from (
        select ${name} as d, ${key} as k, ${count}, 0 as b from ${from} group by ${key}
        order by n desc, ${key} is null, ${this.ordered(key)} limit ${limit}) ${sql.raw(`t_${name}`)}`;
      const parts = [
        sql`select 'totals' as d, null as k, ${count}, sum(bot) as b from b`,
        sql`select 'series' as d, cast(${bucketIndex(sql.ref('at'), q.buckets)} as text) as k, ${count}, 0 as b from b group by 2`,
        // No orphan visit has a target: its breakdown stays empty.
        ...DIMENSIONS.filter((d) => q.orphans === undefined || d !== 'targets').map((dimension) => top(dimension, sql.ref(DIMENSION_COLUMNS[dimension]))),
        ...(q.orphans === undefined ? [] : [top('types', sql.ref('type'))]),
        ...(q.topLinks === undefined ? [] : [
          top('tags', sql.ref('t.tag'), sql`b left join link_tags t on t.link_id = b.link_id`),
          // By link: its code, '/' and its domain (no code has a '/'), ties in code order as the rollups' are.
          top('links', sql`(l.code || '/' || l.domain)`, sql`b join links l on l.id = b.link_id`, q.topLinks),
          // Every domain (they are few): the report orders them by host, which the stored '' is not.
          top('domains', sql.ref('l.domain'), sql`b join links l on l.id = b.link_id`, ALL_DOMAINS),
        ]),
      ];
      const materialized = sql`with b as materialized (${base}) ${sql.join(parts, sql` union all `)}`;
      return (await sql<ScanRow>`${materialized}`.execute(trx)).rows;
    });
    return reportOf(rows, q);
  }

  private ordered(key: RawBuilder<unknown>): RawBuilder<unknown> {
    // Code point order, as the rollups' reports sort keys, whatever the database's locale.
    return this.kind === 'postgres' ? sql`${key} collate "C"` : key;
  }
}

function columns(alias: string) {
  return sql.join(BASE_COLUMNS.map((column) => sql.ref(`${alias}.${column}`)));
}

/** Orphan visits have no link (0) nor target (null); and a type, which the clicks do not. */
function orphanVisits(q: ScanQuestion, types: readonly string[]) {
  const visitColumns = BASE_COLUMNS.map((column) => (column === 'link_id' ? sql`0 as link_id` : column === 'target' ? sql`cast(null as text) as target` : sql.ref(`o.${column}`)));
  const ofType = types.length === 0 ? sql`1 = 1` : sql`o.type in (${sql.join(types)})`;
  return sql`select ${sql.join(visitColumns)}, o.type from orphan_visits o
    where o.at >= ${q.from} and o.at < ${q.to} and ${ofType} and ${filterCondition(q.filters, q.bots, 'o')}`;
}

function allClicks(q: ScanQuestion) {
  return sql`select ${columns('c')} from clicks c where c.at >= ${q.from} and c.at < ${q.to} and ${filterCondition(q.filters, q.bots)}`;
}

/**
 * One link's clicks in the range: those up to the roller's watermark through click_links, the few
 * past it by id range ("+": SQLite keeps to the id index rather than scanning every link's clicks).
 */
function linkClicks(q: ScanQuestion, linkId: number, watermark: number) {
  const where = filterCondition(q.filters, q.bots);
  return sql`select ${columns('c')} from click_links l join clicks c on c.id = l.id
      where l.link_id = ${linkId} and l.at >= ${q.from} and l.at < ${q.to} and l.id <= ${watermark} and ${where}
    union all
    select ${columns('c')} from clicks c
      where c.id > ${watermark} and +c.link_id = ${linkId} and +c.at >= ${q.from} and +c.at < ${q.to} and ${where}`;
}

/** The index of the bucket holding `at`: a balanced tree of comparisons, one SQL for both databases. */
function bucketIndex(at: RawBuilder<unknown>, buckets: readonly Span[], lo = 0, hi = buckets.length - 1): RawBuilder<unknown> {
  if (lo >= hi) return sql.lit(lo);
  const mid = (lo + hi + 1) >> 1;
  return sql`case when ${at} < ${sql.lit((buckets[mid] as Span).from)} then ${bucketIndex(at, buckets, lo, mid - 1)} else ${bucketIndex(at, buckets, mid, hi)} end`;
}

function reportOf(rows: readonly ScanRow[], q: ScanQuestion): ScanReport {
  const timeseries = q.buckets.map(() => ({ clicks: 0, uniqueVisitors: 0 }));
  const lists = new Map<string, KeyCount[]>();
  let totals = { clicks: 0, humanClicks: 0, botClicks: 0, uniqueVisitors: 0 };
  for (const row of rows) {
    const clicks = Number(row.n);
    const uniqueVisitors = Number(row.v);
    if (row.d === 'totals') {
      const botClicks = Number(row.b ?? 0);
      totals = { clicks, humanClicks: clicks - botClicks, botClicks, uniqueVisitors };
    } else if (row.d === 'series') {
      timeseries[Number(row.k)] = { clicks, uniqueVisitors };
    } else {
      const list = lists.get(row.d) ?? [];
      list.push({ key: row.k, clicks, uniqueVisitors });
      lists.set(row.d, list);
    }
  }
  const sorted = (name: string) => (lists.get(name) ?? []).sort(byClicks);
  return {
    totals,
    timeseries,
    breakdowns: Object.fromEntries(DIMENSIONS.map((d) => [d, sorted(d)])) as Record<Dimension, KeyCount[]>,
    tags: sorted('tags'),
    domains: sorted('domains'),
    links: sorted('links'),
    types: sorted('types'),
  };
}
