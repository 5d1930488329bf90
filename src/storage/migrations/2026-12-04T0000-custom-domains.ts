import { sql, type Kysely, type Migration } from 'kysely';
import type { SqlDialect } from '../schema.js';

type AnyDb = Kysely<Record<string, never>>;

// The links table's columns after id, code and domain, as the migrations before this one left them.
const LINK_COLUMNS = [
  'url', 'title', 'created_at', 'updated_at', 'expires_at', 'max_clicks', 'redirect_type', 'disabled', 'password_hash', 'click_count',
  'budget_clicks', 'fallback_url', 'track', 'preview_title', 'preview_description', 'preview_image', 'rules', 'variants',
];

/**
 * Custom domains: a `domains` table, and each link's domain ('' the default domain, the base URL's host,
 * so a new base URL keeps every link on it). A code is unique per domain. SQLite cannot drop the column
 * UNIQUE on `code`: the table is rebuilt, ids kept.
 */
export function customDomains(dialect: SqlDialect): Migration {
  return {
    async up(db: AnyDb) {
      if (dialect === 'postgres') {
        // The migrator runs this in a transaction on PostgreSQL.
        await createDomains(db);
        await sql`alter table links add column domain text not null default ''`.execute(db);
        await sql`alter table links drop constraint links_code_key`.execute(db);
        await sql`alter table links add constraint links_domain_code unique (domain, code)`.execute(db);
        return;
      }
      // Not on SQLite: one transaction, so a crash leaves the old table or the new one, never half of it;
      // run again (a crash before the migration was recorded), it gives the same tables.
      await db.transaction().execute(async (trx) => {
        await createDomains(trx);
        await rebuildSqliteLinks(trx);
      });
    },
    async down(db: AnyDb) {
      // SQLite keeps the rebuilt links table: the schema before this one writes '' to its domain.
      await db.schema.dropTable('domains').execute();
      if (dialect === 'postgres') {
        await sql`delete from links where domain <> ''`.execute(db);
        await sql`alter table links drop constraint links_domain_code`.execute(db);
        await sql`alter table links drop column domain`.execute(db);
        await sql`alter table links add constraint links_code_key unique (code)`.execute(db);
      }
    },
  };
}

async function createDomains(db: AnyDb): Promise<void> {
  await db.schema.createTable('domains').ifNotExists()
    .addColumn('host', 'text', (c) => c.primaryKey())
    .addColumn('base_url_redirect', 'text')
    .addColumn('not_found_redirect', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

async function rebuildSqliteLinks(db: AnyDb): Promise<void> {
  const columns = sql.raw(LINK_COLUMNS.join(', '));
  await sql`drop table if exists links_new`.execute(db);
  await sql`create table links_new (
    id integer primary key,
    code text not null,
    domain text not null default '',
    url text not null,
    title text,
    created_at bigint not null,
    updated_at bigint not null,
    expires_at bigint,
    max_clicks bigint,
    redirect_type integer not null,
    disabled integer not null default 0,
    password_hash text,
    click_count bigint not null default 0,
    budget_clicks bigint not null default 0,
    fallback_url text,
    track integer not null default 1,
    preview_title text,
    preview_description text,
    preview_image text,
    rules text,
    variants text,
    constraint links_domain_code unique (domain, code)
  )`.execute(db);
  await sql`insert into links_new (id, code, ${columns}) select id, code, ${columns} from links`.execute(db);
  await sql`drop table links`.execute(db);
  await sql`alter table links_new rename to links`.execute(db);
  // The indexes the table had (dropped with it); no trigger or foreign key refers to links.
  await db.schema.createIndex('links_created').on('links').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('links_clicks').on('links').columns(['click_count', 'id']).execute();
  await db.schema.createIndex('links_updated').on('links').columns(['updated_at']).execute();
}
