import type { Kysely, Migration } from 'kysely';
import type { SqlDialect } from '../schema.js';

// Migrations see the database as it was then, not as `Database` says now.
type AnyDb = Kysely<Record<string, never>>;

export function initialSchema(dialect: SqlDialect): Migration {
  // SQLite's rowid alias must be spelled exactly INTEGER PRIMARY KEY.
  const idType = dialect === 'sqlite' ? 'integer' : 'bigserial';
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('links')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('code', 'text', (c) => c.notNull().unique())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('max_clicks', 'bigint')
        .addColumn('redirect_type', 'integer', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('password_hash', 'text')
        .addColumn('click_count', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex('links_created').on('links').columns(['created_at', 'id']).execute();
      await db.schema.createIndex('links_clicks').on('links').columns(['click_count', 'id']).execute();

      await db.schema
        .createTable('link_tags')
        .addColumn('link_id', 'bigint', (c) => c.notNull())
        .addColumn('tag', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('link_tags_pk', ['link_id', 'tag'])
        .execute();
      await db.schema.createIndex('link_tags_tag').on('link_tags').columns(['tag', 'link_id']).execute();

      await db.schema
        .createTable('clicks')
        .addColumn('id', idType, (c) => c.primaryKey())
        .addColumn('link_id', 'bigint', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('ip', 'text')
        .addColumn('country', 'text')
        .addColumn('browser', 'text')
        .addColumn('os', 'text')
        .addColumn('device', 'text', (c) => c.notNull())
        .addColumn('bot', 'integer', (c) => c.notNull())
        .addColumn('referrer', 'text')
        .addColumn('referrer_host', 'text')
        .addColumn('language', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('visitor_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('clicks_link_at').on('clicks').columns(['link_id', 'at', 'id']).execute();
      await db.schema.createIndex('clicks_at').on('clicks').columns(['at']).execute();

      await db.schema
        .createTable('visitor_salts')
        .addColumn('day', 'text', (c) => c.primaryKey())
        .addColumn('salt', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint')
        .execute();
    },
    async down(db: AnyDb) {
      for (const table of ['api_keys', 'visitor_salts', 'clicks', 'link_tags', 'links']) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}
