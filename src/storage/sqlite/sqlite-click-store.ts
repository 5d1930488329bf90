import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { NewClick } from '../../core/clicks/click.js';
import { admitClicks, type LinkBudget, type Refusal } from '../../core/clicks/click-admission.js';
import type { StoreOutcome } from '../../core/clicks/click-store.js';
import type { Database } from '../schema.js';
import { SqlClickStore, toRow } from '../sql/sql-click-store.js';

/**
 * The group-commit write on SQLite, in prepared statements rather than Kysely: it runs for every
 * click, and building a query costs more here than running it. Reads stay shared with PostgreSQL.
 */
export class SqliteClickStore extends SqlClickStore {
  private write: ((clicks: readonly NewClick[]) => StoreOutcome[]) | undefined;

  constructor(db: Kysely<Database>, reads: Kysely<Database>, private readonly raw: BetterSqlite3.Database) {
    super('sqlite', db, reads);
  }

  override insertBatch(clicks: readonly NewClick[]): Promise<StoreOutcome[]> {
    if (clicks.length === 0) return Promise.resolve([]);
    // Holding Kysely's connection keeps this transaction from interleaving with one of Kysely's.
    return this.db.connection().execute(async () => (this.write ??= this.prepareWrite(this.raw))(clicks));
  }

  /** Prepared on first use: the tables exist only once migrations ran. */
  private prepareWrite(raw: BetterSqlite3.Database): (clicks: readonly NewClick[]) => StoreOutcome[] {
    const budget = raw.prepare<[number], { budget_clicks: number; max_clicks: number | null }>('select budget_clicks, max_clicks from links where id = ?');
    const insert = raw.prepare(`insert into clicks (link_id, at, ip, country, browser, os, device, bot, referrer, referrer_host, language, user_agent, visitor_id,
        utm_source, utm_medium, utm_campaign, utm_term, utm_content, region, city, target, import_key)
      values (@link_id, @at, @ip, @country, @browser, @os, @device, @bot, @referrer, @referrer_host, @language, @user_agent, @visitor_id,
        @utm_source, @utm_medium, @utm_campaign, @utm_term, @utm_content, @region, @city, @target, @import_key)`);
    // Only links with a budget count here; the roller counts every link's clicks later.
    const bump = raw.prepare<[number, number]>('update links set budget_clicks = budget_clicks + ? where id = ?');
    return raw.transaction((clicks: readonly NewClick[]) => {
      const budgets = new Map<number, LinkBudget>();
      for (const linkId of new Set(clicks.map((c) => c.linkId))) {
        const row = budget.get(linkId);
        if (row) budgets.set(linkId, { clickCount: row.budget_clicks, maxClicks: row.max_clicks });
      }
      const { verdicts, perLink } = admitClicks(clicks, budgets);
      for (const [linkId, n] of perLink) if (budgets.get(linkId)?.maxClicks !== null) bump.run(n, linkId);
      return clicks.map((c, i) => {
        const verdict = verdicts[i] as Refusal | 'store';
        return verdict === 'store' ? { ...c, id: Number(insert.run(toRow(c)).lastInsertRowid) } : verdict;
      });
    });
  }
}
