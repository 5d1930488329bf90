import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<Record<string, never>>;

/** Webhooks, the links each is limited to, and their deliveries (the outbox and its log). */
export function webhooks(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.createTable('webhooks')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('url', 'text', (c) => c.notNull())
        // Comma-separated event types.
        .addColumn('events', 'text', (c) => c.notNull())
        .addColumn('all_links', 'integer', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // Id of the last click made into a clicks.recorded delivery.
        .addColumn('click_cursor', 'bigint', (c) => c.notNull())
        .addColumn('disabled_at', 'bigint')
        .addColumn('disabled_reason', 'text')
        .execute();
      await db.schema.createTable('webhook_links')
        .addColumn('webhook_id', 'text', (c) => c.notNull())
        .addColumn('link_id', 'integer', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('webhook_links_pk', ['webhook_id', 'link_id'])
        .execute();
      // A link's change finds the webhooks limited to it.
      await db.schema.createIndex('webhook_links_link').on('webhook_links').column('link_id').execute();
      await db.schema.createTable('webhook_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('webhook_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        // pending · delivered · failed
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        // When pending: due then; while a node sends it, until when that node holds it; ended: when.
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_by', 'text')
        .addColumn('give_up_at', 'bigint', (c) => c.notNull())
        .addColumn('last_attempt_at', 'bigint')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('delivered_at', 'bigint')
        .execute();
      await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('webhook_deliveries_log').on('webhook_deliveries').columns(['webhook_id', 'created_at']).execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('webhook_deliveries').execute();
      await db.schema.dropTable('webhook_links').execute();
      await db.schema.dropTable('webhooks').execute();
    },
  };
}
