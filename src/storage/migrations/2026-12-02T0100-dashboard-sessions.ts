import type { Kysely, Migration } from 'kysely';

type AnyDb = Kysely<Record<string, never>>;

/** Dashboard sessions: the hash of each session id, and the key it was opened with. */
export function dashboardSessions(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema.createTable('dashboard_sessions')
        .addColumn('id_hash', 'text', (c) => c.primaryKey())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      // Revoking a key deletes its sessions.
      await db.schema.createIndex('dashboard_sessions_key').on('dashboard_sessions').column('key_id').execute();
    },
    async down(db: AnyDb) {
      await db.schema.dropTable('dashboard_sessions').execute();
    },
  };
}
