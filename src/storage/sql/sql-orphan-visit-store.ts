import { sql, type Kysely, type Selectable } from 'kysely';
import { visitOf } from './visit-row.js';
import type { NewOrphanVisit, OrphanType, OrphanVisit } from '../../core/orphans/orphan-visit.js';
import type { OrphanPageQuery, OrphanVisitStore } from '../../core/orphans/orphan-visit-store.js';
import type { Database, OrphanVisitsTable } from '../schema.js';
import { chunks } from './chunks.js';
import { filterCondition } from './click-filter-sql.js';
import { olderThan } from './keyset.js';

type OrphanRow = Selectable<OrphanVisitsTable>;

// 22 values a row: far below both databases' parameter limits.
const ROWS_PER_INSERT = 500;

/** Orphan visits over Kysely, the same for both databases; reports on them are the ClickScan's. */
export class SqlOrphanVisitStore implements OrphanVisitStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** Pages read elsewhere (SQLite: the read worker), off the writes' thread. */
    private readonly reads: Kysely<Database> = db,
  ) {}

  async insertBatch(visits: readonly NewOrphanVisit[]): Promise<void> {
    if (visits.length === 0) return;
    await this.db.transaction().execute(async (trx) => {
      for (const chunk of chunks(visits, ROWS_PER_INSERT)) await trx.insertInto('orphan_visits').values(chunk.map(toRow)).execute();
    });
  }

  async list(query: OrphanPageQuery): Promise<OrphanVisit[]> {
    const newest = query.before ? Math.min(query.before.value, query.to - 1) : query.to - 1;
    let select = this.reads.selectFrom('orphan_visits as o').selectAll('o')
      .where('o.at', '>=', query.from).where('o.at', '<=', newest)
      .where(filterCondition(query.filters, query.bots ?? 'include', 'o'));
    if (query.types.length > 0) select = select.where('o.type', 'in', query.types);
    if (query.before) select = select.where(olderThan(sql.ref('o.at'), sql.ref('o.id'), query.before));
    const rows = await select.orderBy('o.at', 'desc').orderBy('o.id', 'desc').limit(query.limit).offset(query.offset ?? 0).execute();
    return rows.map(toVisit);
  }

  async totals(): Promise<{ visits: number; botVisits: number }> {
    const row = await this.reads.selectFrom('orphan_visits')
      .select((eb) => [eb.fn.countAll<number>().as('visits'), eb.fn.sum<number>('bot').as('bots')])
      .executeTakeFirst();
    return { visits: Number(row?.visits ?? 0), botVisits: Number(row?.bots ?? 0) };
  }
}

function toRow(v: NewOrphanVisit): Omit<OrphanRow, 'id'> {
  return {
    at: v.at,
    type: v.type,
    path: v.path,
    ip: v.ip,
    country: v.country,
    region: v.region,
    city: v.city,
    browser: v.browser,
    os: v.os,
    device: v.device,
    bot: v.bot ? 1 : 0,
    referrer: v.referrer,
    referrer_host: v.referrerHost,
    language: v.language,
    user_agent: v.userAgent,
    visitor_id: v.visitorId,
    utm_source: v.utmSource,
    utm_medium: v.utmMedium,
    utm_campaign: v.utmCampaign,
    utm_term: v.utmTerm,
    utm_content: v.utmContent,
  };
}

function toVisit(row: OrphanRow): OrphanVisit {
  return { id: Number(row.id), type: row.type as OrphanType, path: row.path, ...visitOf(row) };
}
