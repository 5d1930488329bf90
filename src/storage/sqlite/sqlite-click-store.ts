import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { Click, NewClick } from '../../core/clicks/click.js';
import type { Database } from '../schema.js';
import { SqlClickStore, toRow } from '../sql/sql-click-store.js';

/**
 * The group-commit write on SQLite, in prepared statements rather than Kysely: it runs for every
 * click, and building a query costs more here than running it. Reads stay shared with PostgreSQL.
 */
export class SqliteClickStore extends SqlClickStore {
  private write: ((clicks: readonly NewClick[]) => (Click | null)[]) | undefined;

  constructor(db: Kysely<Database>, private readonly raw: BetterSqlite3.Database) {
    super(db);
  }

  override insertBatch(clicks: readonly NewClick[]): Promise<(Click | null)[]> {
    if (clicks.length === 0) return Promise.resolve([]);
    // Holding Kysely's connection keeps this transaction from interleaving with one of Kysely's.
    return this.db.connection().execute(async () => (this.write ??= this.prepareWrite(this.raw))(clicks));
  }

  /** Prepared on first use: the tables exist only once migrations ran. */
  private prepareWrite(raw: BetterSqlite3.Database): (clicks: readonly NewClick[]) => (Click | null)[] {
    const insert = raw.prepare(`insert into clicks (link_id, at, ip, country, browser, os, device, bot, referrer, referrer_host, language, user_agent, visitor_id)
      values (@link_id, @at, @ip, @country, @browser, @os, @device, @bot, @referrer, @referrer_host, @language, @user_agent, @visitor_id)`);
    const bump = raw.prepare<[number, number]>('update links set click_count = click_count + ? where id = ?');
    return raw.transaction((clicks: readonly NewClick[]) => {
      const perLink = new Map<number, number>();
      for (const c of clicks) perLink.set(c.linkId, (perLink.get(c.linkId) ?? 0) + 1);
      // A link deleted while its redirect was in flight takes the click with it.
      for (const [linkId, n] of perLink) {
        if (bump.run(n, linkId).changes === 0) perLink.delete(linkId);
      }
      return clicks.map((c) => (perLink.has(c.linkId) ? { ...c, id: Number(insert.run(toRow(c)).lastInsertRowid) } : null));
    });
  }
}
