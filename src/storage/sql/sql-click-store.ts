import { sql, type Kysely, type Selectable } from 'kysely';
import type { Click, ClickRecorded, NewClick } from '../../core/clicks/click.js';
import { admitClicks, type LinkBudget, type Refusal } from '../../core/clicks/click-admission.js';
import type { ClickPageQuery, ClickStore, ClickTextPage, ExportedLink, ExportFormat, ImportedClick, ImportOutcome, StoreOutcome } from '../../core/clicks/click-store.js';
import type { ClicksTable, Database, SqlDialect } from '../schema.js';
import { chunks } from './chunks.js';
import { visitOf } from './visit-row.js';
import { clickExportPage } from './click-export-page.js';
import { filterCondition } from './click-filter-sql.js';
import { olderThan } from './keyset.js';
import { addToLinks, allClickTotals, readWatermark } from './click-links.js';
import { CLICK_WRITERS_LOCK } from './sql-rollup-store.js';

type ClickRow = Selectable<ClicksTable>;

// 22 values a row: keeps one INSERT far below SQLite's and PostgreSQL's parameter limits.
const ROWS_PER_INSERT = 500;
// Three values a click in click_links' delete.
const LINKS_PER_DELETE = 500;
const KEYS_PER_LOOKUP = 500;

/**
 * Clicks over Kysely. The batch write here is PostgreSQL's (one statement for most batches);
 * SQLite replaces it with prepared statements (sqlite-click-store.ts). Reads serve both.
 */
export class SqlClickStore implements ClickStore {
  constructor(
    private readonly kind: SqlDialect,
    protected readonly db: Kysely<Database>,
    /** Pages and exports may read elsewhere (SQLite: a worker), so they never block writes' thread. */
    private readonly reads: Kysely<Database> = db,
  ) {}

  async insertBatch(clicks: readonly NewClick[]): Promise<StoreOutcome[]> {
    if (clicks.length === 0) return [];
    const first = await this.insertUnbudgeted(clicks);
    if (first.budgeted.size === 0) return first.outcomes as StoreOutcome[];
    const counted = await this.insertCounted(clicks.filter((c) => first.budgeted.has(c.linkId)));
    let next = 0;
    return clicks.map((c, i) => (first.budgeted.has(c.linkId) ? counted[next++] : first.outcomes[i]) as StoreOutcome);
  }

  async importBatch(clicks: readonly ImportedClick[]): Promise<ImportOutcome[]> {
    const stored = new Set<string>();
    for (const keys of chunks([...new Set(clicks.map((c) => c.importKey))], KEYS_PER_LOOKUP)) {
      const rows = await this.db.selectFrom('clicks').select('import_key').where('import_key', 'in', keys).execute();
      for (const row of rows) if (row.import_key !== null) stored.add(row.import_key);
    }
    // A key twice in one batch is one visit too. Two imports of one source at once would both find a
    // key missing: the unique index refuses the second, whose batch fails whole (to be run again).
    const fresh: ImportedClick[] = [];
    const isNew = clicks.map((c) => {
      if (stored.has(c.importKey)) return false;
      stored.add(c.importKey);
      fresh.push(c);
      return true;
    });
    const outcomes = await this.insertBatch(fresh);
    let next = 0;
    return isNew.map((fresh): ImportOutcome => (fresh ? outcomes[next++] as StoreOutcome : 'already-imported'));
  }

  /**
   * Most batches touch no link with a click budget: their clicks go in one statement, one round
   * trip, committed on its own. It takes the click writers' lock shared (the roller waits on it to
   * learn which ids are committed) and the links KEY SHARE (none can be deleted under it; the roller
   * may still add to their counts). Clicks of links with a budget are left for insertCounted.
   */
  private async insertUnbudgeted(clicks: readonly NewClick[]): Promise<{ outcomes: (StoreOutcome | undefined)[]; budgeted: Set<number> }> {
    const linkIds = [...new Set(clicks.map((c) => c.linkId))];
    const column = <T>(of: (row: ReturnType<typeof toRow>) => T) => clicks.map((c) => of(toRow(c)));
    const { rows } = await sql<{ kind: 'link' | 'budgeted' | 'click'; id: number }>`
      with writers as (select pg_advisory_xact_lock_shared(${CLICK_WRITERS_LOCK})),
      known as (select l.id, l.max_clicks from links l, writers where l.id in (${sql.join(linkIds)}) for key share of l),
      input as (
        select * from unnest(${column((r) => r.link_id)}::bigint[], ${column((r) => r.at)}::bigint[], ${column((r) => r.ip)}::text[],
          ${column((r) => r.country)}::text[], ${column((r) => r.browser)}::text[], ${column((r) => r.os)}::text[],
          ${column((r) => r.device)}::text[], ${column((r) => r.bot)}::integer[], ${column((r) => r.referrer)}::text[],
          ${column((r) => r.referrer_host)}::text[], ${column((r) => r.language)}::text[], ${column((r) => r.user_agent)}::text[],
          ${column((r) => r.visitor_id)}::text[], ${column((r) => r.utm_source)}::text[], ${column((r) => r.utm_medium)}::text[],
          ${column((r) => r.utm_campaign)}::text[], ${column((r) => r.utm_term)}::text[], ${column((r) => r.utm_content)}::text[],
          ${column((r) => r.region)}::text[], ${column((r) => r.city)}::text[], ${column((r) => r.target)}::text[],
          ${column((r) => r.import_key)}::text[])
          with ordinality as t(link_id, at, ip, country, browser, os, device, bot, referrer, referrer_host, language, user_agent, visitor_id,
            utm_source, utm_medium, utm_campaign, utm_term, utm_content, region, city, target, import_key, n)
      ),
      stored as (
        insert into clicks (link_id, at, ip, country, browser, os, device, bot, referrer, referrer_host, language, user_agent, visitor_id,
          utm_source, utm_medium, utm_campaign, utm_term, utm_content, region, city, target, import_key)
        select i.link_id, i.at, i.ip, i.country, i.browser, i.os, i.device, i.bot, i.referrer, i.referrer_host, i.language, i.user_agent, i.visitor_id,
          i.utm_source, i.utm_medium, i.utm_campaign, i.utm_term, i.utm_content, i.region, i.city, i.target, i.import_key
        from input i join known k on k.id = i.link_id where k.max_clicks is null order by i.n
        returning id
      )
      select case when max_clicks is null then 'link' else 'budgeted' end as kind, id from known
      union all select 'click', id from stored`.execute(this.db);
    const known = new Set(rows.filter((r) => r.kind === 'link').map((r) => Number(r.id)));
    const budgeted = new Set(rows.filter((r) => r.kind === 'budgeted').map((r) => Number(r.id)));
    // One statement numbers its rows in order; RETURNING need not list them so.
    const ids = rows.filter((r) => r.kind === 'click').map((r) => Number(r.id)).sort((a, b) => a - b);
    let next = 0;
    const outcomes = clicks.map((c): StoreOutcome | undefined => {
      if (budgeted.has(c.linkId)) return undefined;
      return known.has(c.linkId) ? { ...c, id: ids[next++] as number } : 'link-deleted';
    });
    return { outcomes, budgeted };
  }

  /** Clicks of links with a click budget: counted one batch at a time, in a transaction. */
  private insertCounted(clicks: readonly NewClick[]): Promise<StoreOutcome[]> {
    return this.db.transaction().execute(async (trx) => {
      // The links are locked in id order, KEY SHARE: a link cannot be deleted under the batch, while
      // the roller may still add to its click_count. The same round trip takes the click writers'
      // lock, shared with other batches: the roller waits on it to learn which ids are committed.
      const linkIds = [...new Set(clicks.map((c) => c.linkId))].sort((a, b) => a - b);
      const { rows } = await sql<{ id: number; budget_clicks: number; max_clicks: number | null }>`
        select l.id, l.budget_clicks, l.max_clicks
        from links l, (select pg_advisory_xact_lock_shared(${CLICK_WRITERS_LOCK})) as writers
        where l.id in (${sql.join(linkIds)}) order by l.id for key share of l`.execute(trx);
      const budgets = new Map(rows.map((r) => [Number(r.id), { clickCount: Number(r.budget_clicks), maxClicks: r.max_clicks === null ? null : Number(r.max_clicks) }]));
      const budgeted = [...budgets].filter(([, b]) => b.maxClicks !== null).map(([id]) => id);
      if (budgeted.length > 0) {
        // Links with a budget are counted here, one batch at a time (the lock waits for the others).
        const locked = await trx.selectFrom('links').select(['id', 'budget_clicks']).where('id', 'in', budgeted).orderBy('id').forNoKeyUpdate().execute();
        for (const r of locked) budgets.set(Number(r.id), { ...(budgets.get(Number(r.id)) as LinkBudget), clickCount: Number(r.budget_clicks) });
      }
      const { verdicts, perLink } = admitClicks(clicks, budgets);
      const kept = clicks.filter((_c, i) => verdicts[i] === 'store');
      const ids: number[] = [];
      for (const chunk of chunks(kept, ROWS_PER_INSERT)) {
        const rows = await trx.insertInto('clicks').values(chunk.map(toRow)).returning('id').execute();
        // One statement numbers its rows in order on both databases; RETURNING need not list them so.
        ids.push(...rows.map((r) => Number(r.id)).sort((a, b) => a - b));
      }
      await addToLinks(trx, 'budget_clicks', [...perLink].filter(([id]) => budgets.get(id)?.maxClicks !== null));
      let next = 0;
      return clicks.map((c, i) => {
        const verdict = verdicts[i] as Refusal | 'store';
        return verdict === 'store' ? { ...c, id: ids[next++] as number } : verdict;
      });
    });
  }

  exportPage(query: ClickPageQuery & { readonly linkId: number }, link: ExportedLink, format: ExportFormat): Promise<ClickTextPage> {
    return clickExportPage(this.kind, this.reads, query, link, format);
  }

  totals(): Promise<{ clicks: number; botClicks: number }> {
    return allClickTotals(this.reads);
  }

  async forgetIdentities(before: number, limit: number): Promise<number> {
    const result = await this.db.updateTable('clicks').set({ ip: null, user_agent: null })
      .where('id', 'in', (eb) => eb.selectFrom('clicks').select('id').where('at', '<', before)
        .where((w) => w.or([w('ip', 'is not', null), w('user_agent', 'is not', null)])).orderBy('at').limit(limit))
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async forgetRolledUp(before: number, limit: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const state = await trx.selectFrom('rollup_state').select(['watermark', 'days_closed']).where('id', '=', 1).executeTakeFirstOrThrow();
      const rows = await trx.selectFrom('clicks').select(['id', 'link_id', 'at'])
        .where('at', '<', Math.min(before, Number(state.days_closed))).where('id', '<=', Number(state.watermark))
        // SQLite numbers a new click after the highest id left: that one stays, so no id is used twice.
        .where('id', '<', (eb) => eb.selectFrom('clicks').select((c) => c.fn.max('id').as('id')))
        .orderBy('at').limit(limit).execute();
      for (const chunk of chunks(rows, LINKS_PER_DELETE)) {
        await trx.deleteFrom('click_links')
          .where((eb) => eb.or(chunk.map((r) => eb.and([eb('link_id', '=', r.link_id), eb('at', '=', r.at), eb('id', '=', r.id)])))).execute();
        await trx.deleteFrom('clicks').where('id', 'in', chunk.map((r) => r.id)).execute();
      }
      return rows.length;
    });
  }

  async since(afterId: number, query: { readonly linkId?: number | undefined; readonly limit: number; readonly window: number }): Promise<ClickRecorded[] | undefined> {
    // By id only, at most `window` of them: a stream that missed more starts afresh instead.
    const last = afterId + query.window;
    const beyond = await this.reads.selectFrom('clicks').select('id').where('id', '>', last).limit(1).executeTakeFirst();
    if (beyond !== undefined) return undefined;
    let select = this.reads.selectFrom('clicks as c').innerJoin('links as l', 'l.id', 'c.link_id').selectAll('c').select(['l.code as code', 'l.domain as domain'])
      .where('c.id', '>', afterId).where('c.id', '<=', last);
    if (query.linkId !== undefined) select = select.where(sql<boolean>`+c.link_id = ${query.linkId}`);
    const rows = await select.orderBy('c.id').limit(query.limit + 1).execute();
    if (rows.length > query.limit) return undefined;
    return rows.map((row) => ({ code: row.code, domain: row.domain, click: toClick(row) }));
  }

  async list(query: ClickPageQuery): Promise<Click[]> {
    const { before, linkId } = query;
    const where = filterCondition(query.filters, query.bots ?? 'include');
    // One upper bound only (the cursor's, when there is one): given two, SQLite may range-scan by
    // the wrong one and walk every newer click again for each page.
    const newest = before ? Math.min(before.value, query.to - 1) : query.to - 1;
    if (linkId === undefined) {
      let select = this.reads.selectFrom('clicks as c').selectAll('c').where('c.at', '>=', query.from).where('c.at', '<=', newest).where(where);
      if (before) select = select.where(olderThan(sql.ref('c.at'), sql.ref('c.id'), before));
      const rows = await select.orderBy('c.at', 'desc').orderBy('c.id', 'desc').limit(query.limit).offset(query.offset ?? 0).execute();
      return rows.map(toClick);
    }
    // A link's clicks: those rolled up through click_links, the few past the watermark by id. The
    // watermark is read first, so a roller step in between can only make both parts overlap.
    const watermark = await readWatermark(this.reads);
    // Each part may hold the whole page after the skipped rows; they are merged, then skipped.
    const offset = query.offset ?? 0;
    const rows = query.limit + offset;
    let rolled = this.reads.selectFrom('click_links as l').innerJoin('clicks as c', 'c.id', 'l.id').selectAll('c')
      .where('l.link_id', '=', linkId).where('l.at', '>=', query.from).where('l.at', '<=', newest).where(where);
    if (before) rolled = rolled.where(olderThan(sql.ref('l.at'), sql.ref('l.id'), before));
    const rolledRows = await rolled.orderBy('l.at', 'desc').orderBy('l.id', 'desc').limit(rows).execute();
    // "+": by the id range (SQLite would otherwise pick the at index and walk every newer click).
    const recentRows = await this.reads.selectFrom('clicks as c').selectAll('c').where('c.id', '>', watermark)
      .where(sql<boolean>`+c.link_id = ${linkId} and +c.at >= ${query.from} and +c.at <= ${newest}`)
      .where(before ? olderThan(sql`+c.at`, sql.ref('c.id'), before) : sql<boolean>`1 = 1`)
      .where(where)
      .orderBy(sql`+c.at`, 'desc').orderBy('c.id', 'desc').limit(rows)
      .execute();
    const byId = new Map([...rolledRows, ...recentRows].map((row) => [Number(row.id), toClick(row)]));
    return [...byId.values()].sort((a, b) => b.at - a.at || b.id - a.id).slice(offset, rows);
  }
}

/** A click as its row; an imported one (see importBatch) with its import key. */
export function toRow(c: NewClick | ImportedClick): Omit<ClickRow, 'id'> {
  return {
    link_id: c.linkId,
    at: c.at,
    ip: c.ip,
    country: c.country,
    browser: c.browser,
    os: c.os,
    device: c.device,
    bot: c.bot ? 1 : 0,
    referrer: c.referrer,
    referrer_host: c.referrerHost,
    language: c.language,
    user_agent: c.userAgent,
    visitor_id: c.visitorId,
    utm_source: c.utmSource,
    utm_medium: c.utmMedium,
    utm_campaign: c.utmCampaign,
    utm_term: c.utmTerm,
    utm_content: c.utmContent,
    region: c.region,
    city: c.city,
    target: c.target,
    import_key: 'importKey' in c ? c.importKey : null,
  };
}

export function toClick(row: ClickRow): Click {
  return { id: Number(row.id), linkId: Number(row.link_id), ...visitOf(row), target: row.target };
}
