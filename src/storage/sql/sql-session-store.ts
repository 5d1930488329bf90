import type { Kysely } from 'kysely';
import type { Role } from '../../core/keys/api-key.js';
import type { SessionStore, StoredSession } from '../../core/keys/session.js';
import type { Database } from '../schema.js';

export class SqlSessionStore implements SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(session: StoredSession): Promise<void> {
    await this.db.insertInto('dashboard_sessions').values({
      id_hash: session.idHash, key_id: session.keyId, role: session.role, created_at: session.createdAt, expires_at: session.expiresAt,
    }).execute();
  }

  async find(idHash: string, now: number): Promise<StoredSession | undefined> {
    const row = await this.db.selectFrom('dashboard_sessions').selectAll().where('id_hash', '=', idHash).where('expires_at', '>', now).executeTakeFirst();
    return row && {
      idHash: row.id_hash, keyId: row.key_id, role: row.role as Role, createdAt: Number(row.created_at), expiresAt: Number(row.expires_at),
    };
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('dashboard_sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteExpired(now: number): Promise<void> {
    await this.db.deleteFrom('dashboard_sessions').where('expires_at', '<=', now).execute();
  }
}
