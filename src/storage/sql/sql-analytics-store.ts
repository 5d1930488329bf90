import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { AnalyticsStore, BucketCount, Dimension, KeyCount, LinkCount, Totals } from '../../core/analytics/analytics-store.js';
import type { ClickFilter } from '../../core/clicks/click-store.js';
import type { Database } from '../schema.js';

const DIMENSION_COLUMNS = {
  countries: 'country',
  referrers: 'referrer_host',
  browsers: 'browser',
  os: 'os',
  devices: 'device',
  languages: 'language',
} as const satisfies Record<Dimension, string>;

export class SqlAnalyticsStore implements AnalyticsStore {
  constructor(private readonly db: Kysely<Database>) {}

  async totals(filter: ClickFilter): Promise<Totals> {
    const row = await this.db.selectFrom('clicks')
      .where((eb) => matches(eb, filter))
      .select((eb) => [
        eb.fn.countAll().as('clicks'),
        eb.fn.sum<number>('bot').as('bots'),
        eb.fn.count('visitor_id').distinct().as('visitors'),
      ])
      .executeTakeFirstOrThrow();
    const clicks = Number(row.clicks);
    const botClicks = Number(row.bots ?? 0);
    return { clicks, humanClicks: clicks - botClicks, botClicks, uniqueVisitors: Number(row.visitors) };
  }

  async timeseries(filter: ClickFilter, ranges: readonly { from: number; to: number }[]): Promise<BucketCount[]> {
    if (ranges.length === 0) return [];
    // The buckets become a table, so each is one index range scan; portable SQL for both databases.
    const values = sql.join(ranges.map((r, i) => sql`(cast(${i} as integer), cast(${r.from} as bigint), cast(${r.to} as bigint))`));
    const conditions = [
      sql`c.at >= b.s`, sql`c.at < b.e`,
      ...(filter.linkId === undefined ? [] : [sql`c.link_id = ${filter.linkId}`]),
      ...(filter.bots === 'include' ? [] : [sql`c.bot = ${filter.bots === 'only' ? 1 : 0}`]),
    ];
    const { rows } = await sql<{ i: number; clicks: number; visitors: number }>`
      with b(i, s, e) as (values ${values})
      select b.i as i, count(*) as clicks, count(distinct c.visitor_id) as visitors
      from b join clicks c on ${sql.join(conditions, sql` and `)}
      group by b.i`.execute(this.db);
    const result: BucketCount[] = ranges.map(() => ({ clicks: 0, uniqueVisitors: 0 }));
    for (const row of rows) result[Number(row.i)] = { clicks: Number(row.clicks), uniqueVisitors: Number(row.visitors) };
    return result;
  }

  async breakdown(filter: ClickFilter, dimension: Dimension, limit: number): Promise<KeyCount[]> {
    const column = DIMENSION_COLUMNS[dimension];
    const rows = await this.db.selectFrom('clicks')
      .where((eb) => matches(eb, filter))
      .select((eb) => [eb.ref(column).as('key'), eb.fn.countAll().as('clicks')])
      .groupBy(column)
      .orderBy('clicks', 'desc')
      // Unknown values last on both databases (they sort nulls differently).
      .orderBy(sql`${sql.ref(column)} is null`)
      .orderBy(column)
      .limit(limit)
      .execute();
    return rows.map((r) => ({ key: r.key, clicks: Number(r.clicks) }));
  }

  async topLinks(filter: ClickFilter, limit: number): Promise<LinkCount[]> {
    const rows = await this.db.selectFrom('clicks')
      .innerJoin('links', 'links.id', 'clicks.link_id')
      .where((eb) => matches(eb, filter, 'clicks.'))
      .select((eb) => ['links.id as linkId', 'links.code as code', eb.fn.countAll().as('clicks')])
      .groupBy(['links.id', 'links.code'])
      .orderBy('clicks', 'desc')
      .orderBy('links.code')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ linkId: Number(r.linkId), code: r.code, clicks: Number(r.clicks) }));
  }
}

function matches(eb: ExpressionBuilder<Database, 'clicks'>, filter: ClickFilter, prefix: '' | 'clicks.' = '') {
  const at = `${prefix}at` as 'at';
  const conditions = [eb(at, '>=', filter.from), eb(at, '<', filter.to)];
  if (filter.linkId !== undefined) conditions.push(eb(`${prefix}link_id` as 'link_id', '=', filter.linkId));
  if (filter.bots !== 'include') conditions.push(eb(`${prefix}bot` as 'bot', '=', filter.bots === 'only' ? 1 : 0));
  return eb.and(conditions);
}
