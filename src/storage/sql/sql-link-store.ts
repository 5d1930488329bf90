import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { Link, LinkChanges, LinkPreview, NewLink, RedirectType } from '../../core/links/link.js';
import type { LinkOrder, LinkPageQuery, LinkQuery, LinkStore, TagSummary } from '../../core/links/link-store.js';
import type { TargetRule, Variant } from '../../core/links/target-rule.js';
import { linkKey, type LinkKey } from '../../core/links/link-key.js';
import type { Database, LinksTable, SqlDialect } from '../schema.js';
import { deleteLinkClicks, exactBotClicks, exactClicks } from './click-links.js';
import { SqlRollupStore } from './sql-rollup-store.js';
import { isUniqueViolation } from './errors.js';
import { forgetLinkInWebhooks, recordLinkEvent } from './webhook-outbox.js';

type LinkRow = Selectable<LinksTable>;

export class SqlLinkStore implements LinkStore {
  constructor(private readonly kind: SqlDialect, private readonly db: Kysely<Database>) {}

  async insert(link: NewLink): Promise<Link | 'code-taken'> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        const row = await trx.insertInto('links').values({
          code: link.code,
          domain: link.domain,
          url: link.url,
          title: link.title,
          created_at: link.createdAt,
          updated_at: link.updatedAt,
          expires_at: link.expiresAt,
          max_clicks: link.maxClicks,
          redirect_type: link.redirectType,
          disabled: link.disabled ? 1 : 0,
          password_hash: link.passwordHash,
          fallback_url: link.fallbackUrl,
          track: link.track ? 1 : 0,
          ...previewColumns(link.preview),
          rules: jsonOrNull(link.rules),
          variants: jsonOrNull(link.variants),
        }).returningAll().executeTakeFirstOrThrow();
        await insertTags(trx, row.id, link.tags);
        const created = toLink(row, [...link.tags]);
        await recordLinkEvent(trx, 'link.created', created, link.createdAt);
        return created;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return 'code-taken';
      throw error;
    }
  }

  async find(key: LinkKey): Promise<Link | undefined> {
    const row = await this.db.selectFrom('links').selectAll().where('domain', '=', key.domain).where('code', '=', key.code).executeTakeFirst();
    return row && (await this.withTags([row]))[0];
  }

  async list(query: LinkQuery): Promise<Link[]> {
    const column = query.sort === 'clicks' ? 'click_count' : 'created_at';
    let select = this.db.selectFrom('links').selectAll();
    if (query.search) select = select.where(searching(query.search));
    if (query.domain !== undefined) select = select.where('domain', '=', query.domain);
    if (query.tag !== undefined) {
      const tag = query.tag;
      select = select.where('id', 'in', (eb) => eb.selectFrom('link_tags').select('link_id').where('tag', '=', tag));
    }
    if (query.after) {
      const { value, id } = query.after;
      // The plain bound lets the index range stop at the cursor instead of filtering from the top.
      select = select.where(column, '<=', value)
        .where((eb) => eb.or([eb(column, '<', value), eb.and([eb(column, '=', value), eb('id', '<', id)])]));
    }
    const rows = await select.orderBy(column, 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return this.withTags(rows);
  }

  async listPage(query: LinkPageQuery): Promise<{ items: Link[]; total: number }> {
    let matching = this.db.selectFrom('links as l');
    if (query.search) matching = matching.where(searching(query.search));
    if (query.domain !== undefined) matching = matching.where('l.domain', '=', query.domain);
    if (query.tags.length > 0) {
      const tags = query.tags;
      matching = matching.where('l.id', 'in', (eb) => {
        const tagged = eb.selectFrom('link_tags').select('link_id').where('tag', 'in', tags);
        return query.allTags ? tagged.groupBy('link_id').having((h) => h.fn.countAll(), '=', tags.length) : tagged;
      });
    }
    const direction = query.descending ? sql`desc` : sql`asc`;
    const rows = await matching.selectAll('l')
      .orderBy(sql`${this.orderKey(query.order)} ${direction}`).orderBy(sql`l.id ${direction}`)
      .limit(query.limit).offset(query.offset).execute();
    const count = await matching.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return { items: await this.withTags(rows), total: Number(count?.n ?? 0) };
  }

  /** The SQL a page is ordered by; text in code point order on both databases. */
  private orderKey(order: LinkOrder): RawBuilder<unknown> {
    const text = (column: string) => (this.kind === 'postgres' ? sql`coalesce(${sql.ref(column)}, '') collate "C"` : sql`coalesce(${sql.ref(column)}, '')`);
    switch (order) {
      case 'created': return sql.ref('l.created_at');
      case 'code': return text('l.code');
      case 'url': return text('l.url');
      case 'title': return text('l.title');
      case 'clicks': return sql.ref('l.click_count');
      case 'humanClicks':
        return sql`l.click_count - coalesce((select sum(p.clicks) from rollup_periods p where p.link_id = l.id and p.level = 'hour' and p.bot = 1), 0)`;
    }
  }

  exactBotClicks(linkIds: readonly number[]): Promise<Map<number, number>> {
    return exactBotClicks(this.db, linkIds);
  }

  async tagSummaries(): Promise<TagSummary[]> {
    // One statement: the links' counts and their clicks past the watermark from one snapshot.
    const tag = this.kind === 'postgres' ? sql`t.tag collate "C"` : sql`t.tag`;
    const { rows } = await sql<{ tag: string; links: number; clicks: number; bots: number }>`
      with recent as (
        select link_id, count(*) as n, sum(bot) as b from clicks where id > (select watermark from rollup_state where id = 1) group by link_id
      ), rolled_bots as (
        select link_id, sum(clicks) as b from rollup_periods where link_id <> 0 and level = 'hour' and bot = 1 group by link_id
      )
      select t.tag, count(*) as links, sum(l.click_count + coalesce(r.n, 0)) as clicks, sum(coalesce(rb.b, 0) + coalesce(r.b, 0)) as bots
      from link_tags t join links l on l.id = t.link_id
        left join recent r on r.link_id = l.id left join rolled_bots rb on rb.link_id = l.id
      group by t.tag order by ${tag}`.execute(this.db);
    return rows.map((r) => ({ tag: r.tag, links: Number(r.links), clicks: Number(r.clicks), botClicks: Number(r.bots) }));
  }

  async changedSince(since: number, limit: number): Promise<LinkKey[]> {
    const rows = await this.db.selectFrom('links').select(['domain', 'code']).where('updated_at', '>=', since).limit(limit).execute();
    return rows.map((r) => linkKey(r.code, r.domain));
  }

  exactClicks(linkIds: readonly number[]): Promise<Map<number, number>> {
    return exactClicks(this.db, linkIds);
  }

  async update(key: LinkKey, changes: LinkChanges): Promise<Link | undefined> {
    return this.db.transaction().execute(async (trx) => {
      if (changes.maxClicks != null) await startBudget(trx, key, this.kind);
      const row = await trx.updateTable('links').set({
        updated_at: changes.updatedAt,
        ...(changes.url !== undefined && { url: changes.url }),
        ...(changes.title !== undefined && { title: changes.title }),
        ...(changes.expiresAt !== undefined && { expires_at: changes.expiresAt }),
        ...(changes.maxClicks !== undefined && { max_clicks: changes.maxClicks }),
        ...(changes.redirectType !== undefined && { redirect_type: changes.redirectType }),
        ...(changes.disabled !== undefined && { disabled: changes.disabled ? 1 : 0 }),
        ...(changes.passwordHash !== undefined && { password_hash: changes.passwordHash }),
        ...(changes.fallbackUrl !== undefined && { fallback_url: changes.fallbackUrl }),
        ...(changes.track !== undefined && { track: changes.track ? 1 : 0 }),
        ...(changes.preview !== undefined && previewColumns(changes.preview)),
        ...(changes.rules !== undefined && { rules: jsonOrNull(changes.rules) }),
        ...(changes.variants !== undefined && { variants: jsonOrNull(changes.variants) }),
      }).where('domain', '=', key.domain).where('code', '=', key.code).returningAll().executeTakeFirst();
      if (!row) return undefined;
      if (changes.tags !== undefined) {
        await trx.deleteFrom('link_tags').where('link_id', '=', row.id).execute();
        await insertTags(trx, row.id, changes.tags);
      }
      const updated = (await new SqlLinkStore(this.kind, trx).withTags([row]))[0] as Link;
      await recordLinkEvent(trx, 'link.updated', updated, changes.updatedAt);
      return updated;
    });
  }

  async delete(key: LinkKey, at: number): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.deleteFrom('links').where('domain', '=', key.domain).where('code', '=', key.code).returningAll().executeTakeFirst();
      if (!row) return false;
      const [deleted] = await new SqlLinkStore(this.kind, trx).withTags([row]);
      await recordLinkEvent(trx, 'link.deleted', deleted as Link, at);
      await forgetLinkInWebhooks(trx, row.id);
      await trx.deleteFrom('link_tags').where('link_id', '=', row.id).execute();
      // SQLite may hand a deleted link's id to the next link: its shares must not open that one.
      await trx.deleteFrom('link_shares').where('link_id', '=', row.id).execute();
      await deleteLinkClicks(trx, row.id);
      await SqlRollupStore.forgetLink(trx, row.id);
      return true;
    });
  }

  private async withTags(rows: LinkRow[]): Promise<Link[]> {
    if (rows.length === 0) return [];
    const tagRows = await this.db.selectFrom('link_tags').select(['link_id', 'tag'])
      .where('link_id', 'in', rows.map((r) => r.id)).orderBy('tag').execute();
    const tags = new Map<number, string[]>();
    for (const t of tagRows) {
      const id = Number(t.link_id);
      tags.set(id, [...(tags.get(id) ?? []), t.tag]);
    }
    return rows.map((row) => toLink(row, tags.get(Number(row.id)) ?? []));
  }
}

/**
 * A link given a click budget needs its exact count from now on (the count kept without one lags).
 * The link is locked first: click batches for it (and a roller step adding to its count) finish
 * before the count is taken, and later ones wait for this transaction.
 */
async function startBudget(trx: Kysely<Database>, key: LinkKey, kind: SqlDialect): Promise<void> {
  const link = await trx.selectFrom('links').select(['id', 'max_clicks']).where('domain', '=', key.domain).where('code', '=', key.code)
    .$if(kind === 'postgres', (q) => q.forUpdate()).executeTakeFirst();
  if (!link || link.max_clicks !== null) return;
  const exact = await exactClicks(trx, [Number(link.id)]);
  await trx.updateTable('links').set({ budget_clicks: exact.get(Number(link.id)) ?? 0 }).where('id', '=', link.id).execute();
}

async function insertTags(db: Kysely<Database>, linkId: number, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return;
  await db.insertInto('link_tags').values(tags.map((tag) => ({ link_id: linkId, tag }))).execute();
}

/** Case-insensitive substring of code, url or title. */
function searching(search: string): RawBuilder<boolean> {
  const pattern = `%${search.toLowerCase().replace(/[!%_]/g, '!$&')}%`;
  return sql<boolean>`(${sql.join(['code', 'url', 'title'].map((c) => sql`lower(${sql.ref(c)}) like ${pattern} escape '!'`), sql` or `)})`;
}

function toLink(row: LinkRow, tags: string[]): Link {
  return {
    id: Number(row.id),
    code: row.code,
    domain: row.domain,
    url: row.url,
    title: row.title,
    tags,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    maxClicks: row.max_clicks === null ? null : Number(row.max_clicks),
    redirectType: Number(row.redirect_type) as RedirectType,
    disabled: Number(row.disabled) === 1,
    passwordHash: row.password_hash,
    fallbackUrl: row.fallback_url,
    track: Number(row.track) === 1,
    // Written by this store from checked input.
    rules: row.rules === null ? [] : JSON.parse(row.rules) as TargetRule[],
    variants: row.variants === null ? [] : JSON.parse(row.variants) as Variant[],
    preview: row.preview_title === null ? null : { title: row.preview_title, description: row.preview_description, image: row.preview_image },
    clicks: Number(row.click_count),
  };
}

function previewColumns(preview: LinkPreview | null): Pick<LinksTable, 'preview_title' | 'preview_description' | 'preview_image'> {
  return { preview_title: preview?.title ?? null, preview_description: preview?.description ?? null, preview_image: preview?.image ?? null };
}

function jsonOrNull(list: readonly unknown[]): string | null {
  return list.length === 0 ? null : JSON.stringify(list);
}
